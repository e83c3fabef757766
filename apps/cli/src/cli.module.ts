import { Module } from '@nestjs/common';
import { CliContext } from './cli-context';
import {
  CasesBackfillMatchTokensCommand,
  CasesCommand,
  CasesReconcileAdultDatesCommand,
} from './commands/cases.command';
import { DemoCommand } from './commands/demo.command';
import { ErasureCommand, ErasureReapplyCommand } from './commands/erasure.command';
import {
  KeysCommand,
  KeysRetireMasterCommand,
  KeysRotateLinkageSecretCommand,
  KeysRotateMasterCommand,
  KeysRotateOidcCommand,
  KeysStatusCommand,
} from './commands/keys.command';
import { MigrateCommand } from './commands/migrate.command';
import {
  ProjectionCommand,
  ProjectionListCommand,
  ProjectionRebuildCommand,
} from './commands/projection.command';
import {
  OrganisationsCommand,
  OrganisationsListCommand,
  OrganisationsRegisterCommand,
  OrganisationsUpdateCommand,
} from './commands/organisations.command';
import { RemindersCommand, RemindersReconcileCommand } from './commands/reminders.command';
import { TokenCommand, TokenMintCommand } from './commands/token.command';
import { UsersCommand, UsersCreateAdminCommand, UsersTokenCommand } from './commands/users.command';

@Module({
  providers: [
    CliContext,
    MigrateCommand,
    TokenCommand,
    TokenMintCommand,
    KeysCommand,
    KeysRotateMasterCommand,
    KeysRetireMasterCommand,
    KeysStatusCommand,
    KeysRotateOidcCommand,
    KeysRotateLinkageSecretCommand,
    ProjectionCommand,
    ProjectionListCommand,
    ProjectionRebuildCommand,
    OrganisationsCommand,
    OrganisationsRegisterCommand,
    OrganisationsUpdateCommand,
    OrganisationsListCommand,
    UsersCommand,
    UsersTokenCommand,
    UsersCreateAdminCommand,
    RemindersCommand,
    RemindersReconcileCommand,
    DemoCommand,
    ErasureCommand,
    ErasureReapplyCommand,
    CasesCommand,
    CasesReconcileAdultDatesCommand,
    CasesBackfillMatchTokensCommand,
  ],
})
export class CliModule {}
