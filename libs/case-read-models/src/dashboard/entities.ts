import { COLUMN } from '@remedy/database';
import { EntitySchema } from 'typeorm';
import type { DashboardCaseRow, DashboardReferralRow } from './facts';

/**
 * TypeORM schemas of the supervisor dashboard's read model (tables created by
 * CreateSupervisorDashboard1796000000600); written with bulk SQL, read with SQL.
 */
export const DashboardCaseFactEntity = new EntitySchema<DashboardCaseRow>({
  name: 'DashboardCaseFact',
  tableName: 'dashboard_case_facts',
  columns: {
    case_id: COLUMN.textKey,
    organisation_id: COLUMN.text,
    lifecycle: COLUMN.text,
    identification_status: COLUMN.text,
    caseworker_id: COLUMN.textOrNull,
    opened_on: COLUMN.date,
    first_assistance_on: COLUMN.dateOrNull,
    reflection_ends_on: COLUMN.dateOrNull,
    presumed_minor: COLUMN.boolean,
    adult_from: COLUMN.dateOrNull,
    assessment_awaited: COLUMN.boolean,
    closure_requested_on: COLUMN.dateOrNull,
    state: COLUMN.jsonb,
    last_revision: COLUMN.bigint,
  },
});

export const DashboardReferralEntity = new EntitySchema<DashboardReferralRow>({
  name: 'DashboardReferral',
  tableName: 'dashboard_referrals',
  columns: {
    referral_id: COLUMN.textKey,
    case_id: COLUMN.text,
    from_organisation_id: COLUMN.text,
    to_organisation_id: COLUMN.text,
    status: COLUMN.text,
    referred_on: COLUMN.date,
    answered_on: COLUMN.dateOrNull,
    accepted: COLUMN.booleanOrNull,
    last_revision: COLUMN.bigint,
  },
});
