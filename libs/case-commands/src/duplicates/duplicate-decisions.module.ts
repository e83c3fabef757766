import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '@remedy/event-store';
import { ProjectionRunner } from '@remedy/projections';
import { CaseCommandsModule } from '../case-commands.module';
import { CaseCommandPipeline } from '../pipeline/case-command-pipeline';
import { PERSON_MATCH_TOKENS } from '../tokens';
import { duplicateDecisionsProcess } from './duplicate-decisions.process';
import type { PersonMatchTokens } from './person-match-tokens';

/** Runs the duplicate-decisions process manager (checkpointed) from bootstrap to shutdown. */
@Injectable()
export class DuplicateDecisionsProcessRunner
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly runner: ProjectionRunner;

  constructor(
    dataSource: DataSource,
    @Inject(EVENT_STORE) eventStore: EventStore,
    pipeline: CaseCommandPipeline,
    @Inject(PERSON_MATCH_TOKENS) tokens: PersonMatchTokens,
  ) {
    const logger = new Logger('DuplicateDecisions');
    this.runner = new ProjectionRunner({
      dataSource,
      eventStore,
      projection: duplicateDecisionsProcess({ pipeline, tokens, logger }),
      logger: {
        error: (msg, fields) => logger.error({ msg, ...fields }),
        info: (msg, fields) => logger.log({ msg, ...fields }),
      },
    });
  }

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}

/**
 * The worker's part of issue 19: the process manager that mirrors each duplicate decision on the
 * other case's stream. Needs a TypeORM DataSource (projection checkpoints) and EVENT_STORE
 * (PlatformModule), and CqrsModule.forRoot() in the root module.
 */
@Module({
  imports: [CaseCommandsModule],
  providers: [DuplicateDecisionsProcessRunner],
})
export class DuplicateDecisionsProcessModule {}
