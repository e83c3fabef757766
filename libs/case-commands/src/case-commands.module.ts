import {
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { Pool } from 'pg';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { createJurisdictionPolicy } from '@remedy/case-domain';
import { cryptoEnvironment, openPersonalDataCrypto, type PersonalDataCrypto } from '@remedy/crypto';
import { CasesController } from './cases/cases.controller';
import { ClaimsController } from './cases/claims.controller';
import {
  ErasePersonalDataHandler,
  ExecuteCaseCommandHandler,
  OpenCaseHandler,
  TransferCaseHandler,
} from './cases/case.handlers';
import { CommandInterceptor } from './idempotency/command.interceptor';
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
import { BLIND_INDEXER, CASE_CIPHER, CLOCK, COMMANDS_POOL, JURISDICTION_POLICY } from './tokens';

const PERSONAL_DATA_CRYPTO = Symbol('PERSONAL_DATA_CRYPTO');

const providers: Provider[] = [
  {
    provide: COMMANDS_POOL,
    inject: [REMEDY_CONFIG],
    useFactory: (config: RemedyConfig) => {
      const pool = new Pool({
        connectionString: config.databaseUrl,
        max: 10,
        connectionTimeoutMillis: 5_000,
      });
      // An idle connection ended by the server (restart, failover) must not crash the process;
      // the next query reconnects or fails with a 503.
      pool.on('error', () => undefined);
      return pool;
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
];

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
  controllers: [CasesController, ClaimsController, OrganisationsController],
  providers: [
    ...providers,
    CommandsPoolCloser,
    CaseCommandPipeline,
    IdempotencyStore,
    CommandInterceptor,
    OrganisationDirectory,
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
    CaseCommandPipeline,
    OrganisationDirectory,
    PersonIndex,
    CASE_CIPHER,
    BLIND_INDEXER,
    JURISDICTION_POLICY,
    CLOCK,
  ],
})
export class CaseCommandsModule {}
