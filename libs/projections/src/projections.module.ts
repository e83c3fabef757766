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
import { CatchUp, DEFAULT_CATCH_UP_MIN_LAG, startCatchUp } from './catch-up';
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

export type RunnerSettings = Pick<
  ProjectionRunnerOptions,
  'batchSize' | 'lockRetryMs' | 'retry'
> & {
  /**
   * On start, projections at least this many events behind (of their types) are caught up in bulk
   * first, with one read of the store for all of them (`startCatchUp`), then handed to their
   * runners; default DEFAULT_CATCH_UP_MIN_LAG; 0 turns the catch-up off.
   */
  readonly catchUpMinLag?: number;
};

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
  private readonly logger: ProjectionLogger;
  private catchUp?: CatchUp;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(PROJECTIONS) private readonly projections: readonly ProjectionDefinition[],
    @Inject(RUNNER_SETTINGS) private readonly settings: RunnerSettings & { run: boolean },
  ) {
    const logger = (this.logger = nestLogger(new Logger('Projections')));
    this.runners = settings.run
      ? projections.map(
          (projection) =>
            new ProjectionRunner({ ...settings, dataSource, eventStore, projection, logger }),
        )
      : [];
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.runners.length === 0) return;
    const minLag = this.settings.catchUpMinLag ?? DEFAULT_CATCH_UP_MIN_LAG;
    let caughtUpHere: ReadonlySet<string> = new Set();
    if (minLag > 0) {
      // The projections far behind are caught up in bulk first; their runners start once released.
      const byName = new Map(this.runners.map((r) => [r.name, r]));
      const catchUp = startCatchUp({
        dataSource: this.dataSource,
        eventStore: this.eventStore,
        projections: this.projections,
        minLag,
        logger: this.logger,
        onReleased: (name) => {
          if (!this.stopping) byName.get(name)?.start();
        },
      });
      this.catchUp = catchUp;
      catchUp.done.catch((err: unknown) =>
        this.logger.error('projection catch-up failed; the runners take over', {
          error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        }),
      );
      caughtUpHere = await catchUp.started;
    }
    for (const r of this.runners) if (!caughtUpHere.has(r.name)) r.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.catchUp?.stop();
    await this.catchUp?.done.catch(() => undefined);
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
