import type { MigrationInterface } from 'typeorm';
import { CreateProjectionCheckpoints1795359884328 } from './1795359884328-CreateProjectionCheckpoints';
import { CreateEventStore1795359976475 } from './1795359976475-CreateEventStore';
import { CreateCaseDataKeys1795359982728 } from './1795359982728-CreateCaseDataKeys';
import { CreateCaseReadModels1795400000000 } from './1795400000000-CreateCaseReadModels';
import { CreateCaseCommandTables1795400000001 } from './1795400000001-CreateCaseCommandTables';
import { CreateLegalAidReadModels1795500000000 } from './1795500000000-CreateLegalAidReadModels';
import { CreateLegalAidClaims1795500000001 } from './1795500000001-CreateLegalAidClaims';
import { CreateStatisticsTables1795600000000 } from './1795600000000-CreateStatisticsTables';
import { StatisticsFactClaimBands1795600000100 } from './1795600000100-StatisticsFactClaimBands';
import { CreateAuditTrail1795700000000 } from './1795700000000-CreateAuditTrail';
import { RowLevelSecurity1795800000000 } from './1795800000000-RowLevelSecurity';
import { CreateCaseAdultDates1795900000900 } from './1795900000900-CreateCaseAdultDates';
import { CaseAdultDatesRevision1795900001000 } from './1795900001000-CaseAdultDatesRevision';
import { CreateIdentityAccounts1796000000000 } from './1796000000000-CreateIdentityAccounts';
import { CreateOidcProviderStore1796000000100 } from './1796000000100-CreateOidcProviderStore';
import { CreateStreamSnapshots1796000000200 } from './1796000000200-CreateStreamSnapshots';
import { PasskeyCredentialIdCheck1796000000300 } from './1796000000300-PasskeyCredentialIdCheck';
import { CreateSupervisorDashboard1796000000600 } from './1796000000600-CreateSupervisorDashboard';
import { CreateStatisticsReleaseReports1796000000700 } from './1796000000700-CreateStatisticsReleaseReports';
import { IdempotencyKeyReleased1796000000900 } from './1796000000900-IdempotencyKeyReleased';
import { CreateRecordLinkage1796000001000 } from './1796000001000-CreateRecordLinkage';
import { CreatePersonMatchTokens1796000001100 } from './1796000001100-CreatePersonMatchTokens';
import { StatisticsFactPersons1796000001200 } from './1796000001200-StatisticsFactPersons';
import { IdentityAccountClaimsNotify1796000001300 } from './1796000001300-IdentityAccountClaimsNotify';
import { LinkageClkVersion1796000001500 } from './1796000001500-LinkageClkVersion';

type MigrationClass = new () => MigrationInterface;

/**
 * Every migration of the project, in order. Each lib owns its migration files; they are
 * registered here so one command (and start-up, under an advisory lock) runs them all.
 */
export const ALL_MIGRATIONS: MigrationClass[] = [
  CreateProjectionCheckpoints1795359884328,
  CreateEventStore1795359976475,
  CreateCaseDataKeys1795359982728,
  CreateCaseReadModels1795400000000,
  CreateCaseCommandTables1795400000001,
  CreateLegalAidReadModels1795500000000,
  CreateLegalAidClaims1795500000001,
  CreateStatisticsTables1795600000000,
  StatisticsFactClaimBands1795600000100,
  CreateAuditTrail1795700000000,
  RowLevelSecurity1795800000000,
  CreateCaseAdultDates1795900000900,
  CaseAdultDatesRevision1795900001000,
  CreateIdentityAccounts1796000000000,
  CreateOidcProviderStore1796000000100,
  CreateStreamSnapshots1796000000200,
  PasskeyCredentialIdCheck1796000000300,
  CreateSupervisorDashboard1796000000600,
  CreateStatisticsReleaseReports1796000000700,
  IdempotencyKeyReleased1796000000900,
  CreateRecordLinkage1796000001000,
  CreatePersonMatchTokens1796000001100,
  StatisticsFactPersons1796000001200,
  IdentityAccountClaimsNotify1796000001300,
  LinkageClkVersion1796000001500,
];
