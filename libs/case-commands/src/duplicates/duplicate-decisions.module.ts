import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { EVENT_STORE, type EventStore } from '@remedy/event-store';
import { ProjectionRunner } from '@remedy/projections';
import { CaseCommandsModule } from '../case-commands.module';
import { CaseCommandPipeline } from '../pipeline/case-command-pipeline';
import { PERSON_MATCH_TOKENS } from '../tokens';
import { duplicateDecisionsProcess } from './duplicate-decisions.process';
import type { PersonMatchTokens } from './person-match-tokens';

/**
 * Runs the duplicate-decisions process manager (checkpointed) from bootstrap to shutdown, on a
 * small DataSource of its own: a runner holds a connection for its lock tenure, and the app's
 * DataSource is sized for the read-model projections and the queries.
 */
@Injectable()
export class DuplicateDecisionsProcessRunner
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private runner?: ProjectionRunner;
  private dataSource?: DataSource;
  private readonly logger = new Logger('DuplicateDecisions');

  constructor(
    @Inject(REMEDY_CONFIG) private readonly config: RemedyConfig,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly pipeline: CaseCommandPipeline,
    @Inject(PERSON_MATCH_TOKENS) private readonly tokens: PersonMatchTokens,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const dataSource = new DataSource({
      type: 'postgres',
      url: this.config.databaseUrl,
      synchronize: false,
      logging: false,
      extra: { max: 2, connectionTimeoutMillis: 5_000 },
    });
    await dataSource.initialize();
    this.dataSource = dataSource;
    const logger = this.logger;
    this.runner = new ProjectionRunner({
      dataSource,
      eventStore: this.eventStore,
      projection: duplicateDecisionsProcess({
        pipeline: this.pipeline,
        tokens: this.tokens,
        logger,
      }),
      logger: {
        error: (msg, fields) => logger.error({ msg, ...fields }),
        info: (msg, fields) => logger.log({ msg, ...fields }),
      },
    });
    this.runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
    await this.dataSource?.destroy().catch(() => undefined);
  }
}

/**
 * The worker's part of issue 19: the process manager that mirrors each duplicate decision on the
 * other case's stream. Needs REMEDY_CONFIG and EVENT_STORE (PlatformModule) and
 * CqrsModule.forRoot() in the root module.
 */
@Module({
  imports: [CaseCommandsModule],
  providers: [DuplicateDecisionsProcessRunner],
})
export class DuplicateDecisionsProcessModule {}
