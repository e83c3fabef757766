import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type ModuleMetadata,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { resilientPool } from '@remedy/database';
import { DataSource } from 'typeorm';
import { CASE_CIPHER, BLIND_INDEXER } from '@remedy/case-commands';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import type { BlindIndexer, CaseCipher } from '@remedy/crypto';
import { EVENT_STORE, type EventStore } from '@remedy/event-store';
import { LinkageEncoder } from './encoder';
import { LinkageController } from './linkage.controller';
import { LinkageQueries } from './queries';
import { loadLinkageSecret, type LinkageSecret } from './secret';
import { LINKAGE_ENCODER, LINKAGE_QUERIES, LINKAGE_SECRET } from './tokens';

const ENCODER_POOL = Symbol('LINKAGE_ENCODER_POOL');
const ENCODE_EVERY_MS = 5_000;
const SECRET_REREAD_MS = 60_000;

/** The worker's loop: encodes due cases every few seconds; logs counts and opaque ids only. */
@Injectable()
export class LinkageEncoderLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Linkage');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  private secretCheckedAt = Date.now();

  constructor(
    @Inject(LINKAGE_ENCODER) private readonly encoder: LinkageEncoder,
    @Inject(ENCODER_POOL) private readonly pool: Pool,
    @Inject(REMEDY_CONFIG) private readonly config: RemedyConfig,
    @Inject(BLIND_INDEXER) private readonly indexer: BlindIndexer,
  ) {}

  /** Re-reads the shared secret every minute (a rotation by key file needs no restart). */
  private async refreshSecret(): Promise<void> {
    if (Date.now() - this.secretCheckedAt < SECRET_REREAD_MS) return;
    this.secretCheckedAt = Date.now();
    const secret = await loadLinkageSecret({
      dataDir: this.config.dataDir,
      secret: this.config.linkage.secret,
      mustDifferFrom: (key) => this.indexer.usesKey(key),
    });
    if (secret.version !== this.encoder.secretVersion) {
      this.encoder.useSecret(secret);
      this.logger.log({ msg: 'linkage secret rotated', secretVersion: secret.version });
    }
  }

  onApplicationBootstrap(): void {
    this.logger.log({ msg: 'linkage encoder started', secretVersion: this.encoder.secretVersion });
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.refreshSecret()
        .then(() => this.encoder.encodeAllDue())
        .then((r) => {
          if (r.encoded + r.skipped + r.failed.length > 0)
            this.logger.log({ msg: 'linkage encodings submitted', ...r });
        })
        .catch((e: unknown) =>
          this.logger.error({
            msg: 'linkage encoding pass failed',
            error: e instanceof Error ? e.name : 'error',
          }),
        )
        .finally(() => (this.running = undefined));
    }, ENCODE_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.pool.end();
  }
}

/**
 * Record linkage across organisations, organisation side.
 * - `forWorker`: the shared secret (validated at start-up: the process refuses to start on a
 *   malformed `LINKAGE_SECRET` or one equal to the blind index key) and the encoder loop. The
 *   `linkage.cases` projection runs with the others (`ALL_PROJECTIONS`).
 * - `forApi`: `GET /cases/{caseId}/linkage`.
 * Both need `imports` exporting `CASE_CIPHER` / `BLIND_INDEXER` (CaseCommandsModule).
 */
@Module({})
export class LinkageModule {
  static forWorker(options: { imports?: ModuleMetadata['imports'] } = {}): DynamicModule {
    return {
      module: LinkageModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: LINKAGE_SECRET,
          inject: [REMEDY_CONFIG, BLIND_INDEXER],
          useFactory: (config: RemedyConfig, indexer: BlindIndexer) =>
            loadLinkageSecret({
              dataDir: config.dataDir,
              secret: config.linkage.secret,
              mustDifferFrom: (key) => indexer.usesKey(key),
            }),
        },
        {
          provide: ENCODER_POOL,
          inject: [REMEDY_CONFIG],
          useFactory: (config: RemedyConfig) => {
            const pool = resilientPool({ connectionString: config.databaseUrl, max: 1 });
            return pool;
          },
        },
        {
          provide: LINKAGE_ENCODER,
          inject: [ENCODER_POOL, EVENT_STORE, CASE_CIPHER, LINKAGE_SECRET],
          useFactory: (pool: Pool, store: EventStore, cipher: CaseCipher, secret: LinkageSecret) =>
            new LinkageEncoder({ pool, store, cipher, secret }),
        },
        LinkageEncoderLoop,
      ],
      exports: [LINKAGE_ENCODER, LINKAGE_SECRET],
    };
  }

  static forApi(): DynamicModule {
    return {
      module: LinkageModule,
      controllers: [LinkageController],
      providers: [
        {
          provide: LINKAGE_QUERIES,
          inject: [DataSource, EVENT_STORE],
          useFactory: (ds: DataSource, store: EventStore) => new LinkageQueries(ds, store),
        },
      ],
    };
  }
}
