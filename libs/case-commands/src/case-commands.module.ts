import {
  Inject,
  Injectable,
  Logger,
  Module,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import type { Pool } from 'pg';
import { resilientPool } from '@remedy/database';
import {
  IDEMPOTENT_REPLAY,
  ORGANISATION_LOOKUP,
  type OrganisationLookup,
} from '@remedy/access-policy';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { createJurisdictionPolicy, type JurisdictionPolicy } from '@remedy/case-domain';
import {
  cryptoEnvironment,
  openPersonalDataCrypto,
  type BlindIndexer,
  type CaseCipher,
  type PersonalDataCrypto,
} from '@remedy/crypto';
import { EVENT_STORE, type EventStore } from '@remedy/event-store';
import { QUEUE_KIT } from '@remedy/platform';
import type { QueueKit } from '@remedy/queue';
import { AdultDatesReconciler } from './adult-dates/adult-dates';
import {
  coreErasureSteps,
  Eraser,
  ErasureStepContribution,
  ErasureSteps,
  keyDestroyedIn,
} from './erasure/erasure';
import { ErasureLedger } from './erasure/erasure-ledger';
import { ChildrenController } from './cases/children.controller';
import { ClaimsController } from './cases/claims.controller';
import { ConsentController } from './cases/consent.controller';
import { LegalController } from './cases/legal.controller';
import { LifecycleController } from './cases/lifecycle.controller';
import { OpeningController } from './cases/opening.controller';
import { SharingController } from './cases/sharing.controller';
import { SupportController } from './cases/support.controller';
import {
  ErasePersonalDataHandler,
  ExecuteCaseCommandHandler,
  OpenCaseHandler,
  TransferCaseHandler,
} from './cases/case.handlers';
import { CommandInterceptor, CommandReplay } from './idempotency/command.interceptor';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { OrganisationDirectory } from './organisations/organisation-directory.service';
import {
  RegisterOrganisationHandler,
  UpdateOrganisationHandler,
} from './organisations/organisation.commands';
import { OrganisationsController } from './organisations/organisations.controller';
import { CaseCommandPipeline } from './pipeline/case-command-pipeline';
import { CaseReferenceAllocator } from './references/case-reference-allocator';
import { PersonIndex } from './search/person-index';
import {
  DuplicateDecisionsController,
  PossibleDuplicatesController,
} from './duplicates/duplicates.controller';
import { PersonMatchTokens } from './duplicates/person-match-tokens';
import {
  ADULT_DATES_RECONCILER,
  BLIND_INDEXER,
  CASE_CIPHER,
  CLOCK,
  COMMANDS_POOL,
  ERASER,
  JURISDICTION_POLICY,
  PERSON_MATCH_TOKENS,
} from './tokens';

const PERSONAL_DATA_CRYPTO = Symbol('PERSONAL_DATA_CRYPTO');

const providers: Provider[] = [
  {
    provide: COMMANDS_POOL,
    inject: [REMEDY_CONFIG],
    useFactory: (config: RemedyConfig) => {
      return resilientPool({
        connectionString: config.databaseUrl,
        max: 10,
        connectionTimeoutMillis: 5_000,
      });
    },
  },
  {
    // Master key ring and blind index key: files under <REMEDY_DATA_DIR>/keys/, created on first
    // start, unless REMEDY_MASTER_KEY / REMEDY_BLIND_INDEX_KEY are set. The cipher listens for
    // keys destroyed by other processes (erasure).
    provide: PERSONAL_DATA_CRYPTO,
    inject: [REMEDY_CONFIG, COMMANDS_POOL],
    useFactory: (config: RemedyConfig, pool: Pool) =>
      openPersonalDataCrypto({ ...cryptoEnvironment(config.dataDir), pool }),
  },
  {
    provide: CASE_CIPHER,
    inject: [PERSONAL_DATA_CRYPTO],
    useFactory: (c: PersonalDataCrypto) => c.cipher,
  },
  {
    provide: BLIND_INDEXER,
    inject: [PERSONAL_DATA_CRYPTO],
    useFactory: (c: PersonalDataCrypto) => c.blindIndexer,
  },
  {
    provide: JURISDICTION_POLICY,
    inject: [REMEDY_CONFIG],
    useFactory: (config: RemedyConfig) =>
      createJurisdictionPolicy({
        timeZone: config.jurisdictionTimeZone,
        minimumReflectionDays: config.minReflectionDays,
      }),
  },
  { provide: CLOCK, useValue: () => new Date() },
  {
    // Issue 19: the person's keyed blind tokens (organisation-scoped key derived from the
    // blind-index key) and the possible duplicates found with them.
    provide: PERSON_MATCH_TOKENS,
    inject: [COMMANDS_POOL, BLIND_INDEXER, EVENT_STORE, CASE_CIPHER, JURISDICTION_POLICY],
    useFactory: (
      pool: Pool,
      indexer: BlindIndexer,
      store: EventStore,
      cipher: CaseCipher,
      policy: JurisdictionPolicy,
    ) => new PersonMatchTokens({ pool, indexer, store, cipher, policy }),
  },
  {
    // The erasure steps (the list: erasure/erasure.ts); the contributed ones are added by
    // ContributedErasureSteps, and other modules may register more.
    provide: ErasureSteps,
    inject: [COMMANDS_POOL, CASE_CIPHER],
    useFactory: (pool: Pool, cipher: CaseCipher) =>
      new ErasureSteps(coreErasureSteps({ pool, cipher })),
  },
  {
    provide: ADULT_DATES_RECONCILER,
    inject: [COMMANDS_POOL, EVENT_STORE, CASE_CIPHER],
    useFactory: (pool: Pool, store: EventStore, cipher: CaseCipher) =>
      new AdultDatesReconciler({ pool, store, cipher }),
  },
  {
    provide: ERASER,
    inject: [REMEDY_CONFIG, ErasureSteps, EVENT_STORE, CaseCommandPipeline, COMMANDS_POOL],
    useFactory: (
      config: RemedyConfig,
      steps: ErasureSteps,
      store: EventStore,
      pipeline: CaseCommandPipeline,
      pool: Pool,
    ) =>
      new Eraser({
        ledger: new ErasureLedger(config.erasureLedgerPath),
        steps,
        store,
        pipeline,
        keyDestroyed: keyDestroyedIn(pool),
      }),
  },
];

/**
 * The erasure steps other libs contribute (an `ErasureStepContribution` provided by any module of
 * the app, e.g. CaseRemindersModule's `reminders`), registered after the core steps at module
 * init: before the ledger is re-applied (application bootstrap) and before any command runs.
 */
@Injectable()
class ContributedErasureSteps implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly steps: ErasureSteps,
    @Inject(COMMANDS_POOL) private readonly pool: Pool,
    @Inject(QUEUE_KIT) @Optional() private readonly kit: QueueKit | undefined,
  ) {}

  onModuleInit(): void {
    const contributions = new Set(
      this.discovery
        .getProviders()
        .map((w) => w.instance as unknown)
        .filter((i): i is ErasureStepContribution => i instanceof ErasureStepContribution),
    );
    for (const c of contributions)
      this.steps.register(c.stepFor({ pool: this.pool, ...(this.kit ? { kit: this.kit } : {}) }));
  }
}

/**
 * At start-up, before the API answers: every erasure of the ledger that the database does not
 * show (a backup restored from before it) is applied again. The API refuses to start while one
 * cannot be, rather than serve a person's data that was erased.
 */
@Injectable()
class ErasureLedgerCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('Erasure');
  constructor(@Inject(ERASER) private readonly eraser: Eraser) {}
  async onApplicationBootstrap(): Promise<void> {
    const report = await this.eraser.reapply();
    if (report.eventsAppended + report.keysDestroyed > 0 || report.failed.length > 0)
      this.logger.log({
        msg: 'erasure ledger re-applied',
        ...report,
        failed: report.failed.length,
      });
    if (report.failed.length > 0)
      throw new Error(
        `${report.failed.length} erasures of the ledger could not be re-applied; refusing to start (run \`npm run cli -- erasure reapply\`)`,
      );
  }
}

@Injectable()
class CommandsPoolCloser implements OnApplicationShutdown {
  constructor(
    @Inject(PERSONAL_DATA_CRYPTO) private readonly crypto: PersonalDataCrypto,
    @Inject(COMMANDS_POOL) private readonly pool: Pool,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.crypto.close().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}

/**
 * The case command side: every case command over the pure decider (one pipeline), personal data
 * sealed before append, the organisation directory, case references, find-a-person,
 * Idempotency-Key, ETag/If-Match. Needs PlatformModule (REMEDY_CONFIG, EVENT_STORE), AuthModule
 * and `CqrsModule.forRoot()` in the root module; the `organisation-directory` projection must be in
 * the app's projections (ALL_PROJECTIONS).
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [
    // The case commands, one controller for each concept of the domain (case-domain/src/decide).
    OpeningController,
    ChildrenController,
    ConsentController,
    SupportController,
    SharingController,
    LegalController,
    LifecycleController,
    ClaimsController,
    OrganisationsController,
    // Issue 19: possible duplicates within an organisation.
    PossibleDuplicatesController,
    DuplicateDecisionsController,
  ],
  providers: [
    ...providers,
    ContributedErasureSteps,
    CommandsPoolCloser,
    ErasureLedgerCheck,
    CaseCommandPipeline,
    IdempotencyStore,
    CommandInterceptor,
    // PolicyGuard: a retry of a command already answered gets its answer, even if now refused.
    CommandReplay,
    { provide: IDEMPOTENT_REPLAY, useExisting: CommandReplay },
    OrganisationDirectory,
    {
      // PolicyGuard: a resource of an organisation the directory does not hold is 404.
      provide: ORGANISATION_LOOKUP,
      useFactory: (directory: OrganisationDirectory): OrganisationLookup => ({
        exists: async (organisationId) => (await directory.find(organisationId)) !== undefined,
      }),
      inject: [OrganisationDirectory],
    },
    CaseReferenceAllocator,
    PersonIndex,
    ExecuteCaseCommandHandler,
    OpenCaseHandler,
    TransferCaseHandler,
    ErasePersonalDataHandler,
    RegisterOrganisationHandler,
    UpdateOrganisationHandler,
  ],
  exports: [
    IDEMPOTENT_REPLAY,
    CaseCommandPipeline,
    OrganisationDirectory,
    ORGANISATION_LOOKUP,
    PersonIndex,
    PERSON_MATCH_TOKENS,
    CASE_CIPHER,
    BLIND_INDEXER,
    JURISDICTION_POLICY,
    CLOCK,
    ERASER,
    ErasureSteps,
    ADULT_DATES_RECONCILER,
  ],
})
export class CaseCommandsModule {}
