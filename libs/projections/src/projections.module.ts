import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_STORE, EventStore } from '@remedy/event-store';
import type { ProjectionDefinition } from './projection';
import {
  ProjectionLogger,
  ProjectionRunner,
  ProjectionRunnerOptions,
  RunnerStatus,
} from './runner';
import { CheckpointWaiter } from './wait';

export const PROJECTIONS = Symbol('PROJECTIONS');
const RUNNER_SETTINGS = Symbol('PROJECTION_RUNNER_SETTINGS');

export type RunnerSettings = Pick<ProjectionRunnerOptions, 'batchSize' | 'lockRetryMs' | 'retry'>;

export interface ProjectionsModuleOptions {
  readonly projections: readonly ProjectionDefinition[];
  /** Start a runner per projection on bootstrap (the worker); false in the API (waiter only). */
  readonly run?: boolean;
  readonly runner?: RunnerSettings;
}

function nestLogger(logger: Logger): ProjectionLogger {
  return {
    info: (message, fields) => logger.log({ msg: message, ...fields }),
    error: (message, fields) => logger.error({ msg: message, ...fields }),
  };
}

/** Starts one runner per projection when the app has bootstrapped; stops them before shutdown. */
@Injectable()
export class ProjectionRunners implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly runners: ProjectionRunner[];

  constructor(
    dataSource: DataSource,
    @Inject(EVENT_STORE) eventStore: EventStore,
    @Inject(PROJECTIONS) projections: readonly ProjectionDefinition[],
    @Inject(RUNNER_SETTINGS) settings: RunnerSettings & { run: boolean },
  ) {
    const logger = nestLogger(new Logger('Projections'));
    this.runners = settings.run
      ? projections.map(
          (projection) =>
            new ProjectionRunner({ ...settings, dataSource, eventStore, projection, logger }),
        )
      : [];
  }

  onApplicationBootstrap(): void {
    for (const r of this.runners) r.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
  }

  status(): RunnerStatus[] {
    return this.runners.map((r) => r.status());
  }
}

/** Closes the waiter's listening connection on shutdown. */
@Injectable()
class WaiterCloser implements BeforeApplicationShutdown {
  constructor(private readonly waiter: CheckpointWaiter) {}
  async beforeApplicationShutdown(): Promise<void> {
    await this.waiter.close();
  }
}

/**
 * `ProjectionsModule.forRoot({ projections, run })`: needs a TypeORM `DataSource` (TypeOrmModule,
 * with `projectionEntities(projections)` among its entities) and an `EVENT_STORE` provider.
 * Provides `ProjectionRunners` (status) and `CheckpointWaiter` (bind it to @remedy/http's
 * PROJECTION_WAITER with `useExisting`). Call `app.enableShutdownHooks()` so runners stop cleanly.
 */
@Module({})
export class ProjectionsModule {
  static forRoot(options: ProjectionsModuleOptions): DynamicModule {
    return {
      module: ProjectionsModule,
      providers: [
        { provide: PROJECTIONS, useValue: options.projections },
        { provide: RUNNER_SETTINGS, useValue: { ...options.runner, run: options.run ?? true } },
        ProjectionRunners,
        {
          provide: CheckpointWaiter,
          useFactory: (ds: DataSource) => new CheckpointWaiter(ds),
          inject: [DataSource],
        },
        WaiterCloser,
      ],
      exports: [PROJECTIONS, ProjectionRunners, CheckpointWaiter],
    };
  }
}
