/**
 * @remedy/case-commands: the case command side (application layer over @remedy/case-domain).
 * Import `CaseCommandsModule` in the API's root module (with PlatformModule, AuthModule and
 * CqrsModule.forRoot()); add `organisationDirectoryProjection` to the app's projections.
 */
export * from './tokens';
export { CaseCommandsModule } from './case-commands.module';
export {
  CaseCommandPipeline,
  type DecisionInput,
  type PipelineOutcome,
  CONFLICT_RETRY,
} from './pipeline/case-command-pipeline';
export type { CaseCommandResult, CommandContext } from './pipeline/context';
export { APPLICATION_RULE_IDS, DomainError, type ApplicationRule } from './pipeline/errors';
export { caseRoleOf, isReachableBy } from './pipeline/access';
export { uuidV5, scopedId } from './pipeline/ids';
export {
  ExecuteCaseCommand,
  OpenCaseCommand,
  TransferCaseCommand,
  ErasePersonalDataCommand,
  type CaseCommandInput,
  type GenericCaseCommandInput,
} from './cases/case.commands';
export { IdempotencyStore, canonicalJson } from './idempotency/idempotency.store';
export { CommandInterceptor, IDEMPOTENCY_KEY_HEADER } from './idempotency/command.interceptor';
export { CaseReferenceAllocator } from './references/case-reference-allocator';
export { PersonIndex, type PersonMatch } from './search/person-index';
export {
  OrganisationDirectory,
  type DirectoryEntry,
  type OrganisationCommandResult,
} from './organisations/organisation-directory.service';
export {
  organisationDirectoryProjection,
  ORGANISATION_DIRECTORY_PROJECTION,
} from './organisations/organisation-directory.projection';
export * from './organisations/organisation.events';
export {
  RegisterOrganisationCommand,
  RegisterOrganisationHandler,
  UpdateOrganisationCommand,
  UpdateOrganisationHandler,
} from './organisations/organisation.commands';
export {
  OrganisationProfileDto,
  RegisterOrganisationDto,
  ListOrganisationsQuery,
  profileOf,
  registrationOf,
} from './organisations/organisation.dto';
export {
  coreErasureSteps,
  Eraser,
  ErasureStepContribution,
  ErasureSteps,
  ErasureStepsFailedError,
  keyDestroyedIn,
  type CoreErasureDeps,
  type ErasureStep,
  type ErasureStepDeps,
  type ReapplyReport,
} from './erasure/erasure';
export { ErasureLedger, parseLedgerLine, type ErasureLedgerEntry } from './erasure/erasure-ledger';
export { openStandaloneEraser } from './erasure/standalone';
export {
  AdultDatesReconciler,
  keepAdultDate,
  type AdultDatesReport,
  type AdultDateWrite,
  type ReconcileOptions,
} from './adult-dates/adult-dates';
export { AdultDatesAtStartUp } from './adult-dates/at-start-up';
export { openStandaloneAdultDates } from './adult-dates/standalone';
export {
  PersonMatchTokens,
  matchKeyPurpose,
  type DuplicateCandidate,
  type PersonMatchTokensDeps,
  type TokenRefresh,
} from './duplicates/person-match-tokens';
export { personToMatch } from './duplicates/person-identifiers';
export {
  duplicateDecisionsProcess,
  DUPLICATE_DECISIONS_PROCESS,
  MIRROR_ROUTE,
  type DuplicateDecisionsProcessDeps,
  type MirrorOutcome,
} from './duplicates/duplicate-decisions.process';
export {
  DuplicateDecisionsProcessModule,
  DuplicateDecisionsProcessRunner,
} from './duplicates/duplicate-decisions.module';
export {
  backfillMatchTokens,
  BACKFILL_NAME,
  type BackfillOptions,
  type BackfillReport,
} from './duplicates/backfill';
export { runStandaloneMatchTokenBackfill } from './duplicates/standalone';
