import {
  DynamicModule,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REMEDY_CONFIG, RemedyConfig, RemedyConfigModule } from '@remedy/config';
import { ACCESS_PROJECTIONS, PROJECTION_WAITER, READ_YOUR_WRITES_TIMEOUT_MS } from '@remedy/http';
import {
  CheckpointWaiter,
  ProjectionDefinition,
  projectionEntities,
  ProjectionsModule,
  RunnerSettings,
} from '@remedy/projections';
import { EVENT_STORE } from '@remedy/event-store';
import { createQueueKit, QueueKit, queueBackendFor } from '@remedy/queue';
import { EventStoreCloser, eventStoreProvider } from './event-store.provider';
import { HealthService } from './health.service';
import { metricsSourceProviders } from './metrics-sources';
import { PROJECTION_STATUS_SOURCE, QUEUE_DEPTH_SOURCE } from '@remedy/observability';
import { QUEUE_KIT } from './tokens';

export interface PlatformOptions {
  /** Every projection of the app (the API waits on them; the worker runs them). */
  readonly projections: readonly ProjectionDefinition[];
  /** Run projection runners in this process (the worker), or only wait on them (the API). */
  readonly runProjections: boolean;
  readonly runner?: RunnerSettings;
  /** TypeORM entities that are not owned by a projection. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own entity type
  readonly entities?: readonly Function[];
  /** Connection pool size of the read-model DataSource. */
  readonly poolSize?: number;
  /** Queues whose depths `/metrics` reports (when MetricsModule is imported). */
  readonly queues?: readonly string[];
}

@Injectable()
class QueueKitCloser implements OnApplicationShutdown {
  constructor(@Inject(QUEUE_KIT) private readonly kit: QueueKit) {}
  async onApplicationShutdown(): Promise<void> {
    await this.kit.close();
  }
}

const queueKitProvider: Provider = {
  provide: QUEUE_KIT,
  inject: [REMEDY_CONFIG],
  useFactory: (config: RemedyConfig): QueueKit =>
    createQueueKit(
      queueBackendFor({ REDIS_URL: config.redisUrl, DATABASE_URL: config.databaseUrl }),
    ),
};

/**
 * The infrastructure every process shares, chosen by configuration alone: validated config,
 * the read-model DataSource (TypeORM on PostgreSQL, migrations only), the event store
 * (PostgreSQL or EventStoreDB), the queue backend (Redis or PostgreSQL), projections and health.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const entities = [...projectionEntities(options.projections), ...(options.entities ?? [])];
    return {
      module: PlatformModule,
      global: true,
      imports: [
        RemedyConfigModule.forRoot(),
        TypeOrmModule.forRootAsync({
          inject: [REMEDY_CONFIG],
          useFactory: (config: RemedyConfig) => ({
            type: 'postgres' as const,
            url: config.databaseUrl,
            entities,
            synchronize: false,
            migrationsRun: false,
            logging: false,
            extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 5_000 },
          }),
        }),
        ProjectionsModule.forRoot({
          projections: options.projections,
          run: options.runProjections,
          runner: options.runner,
        }),
      ],
      providers: [
        eventStoreProvider,
        EventStoreCloser,
        queueKitProvider,
        QueueKitCloser,
        { provide: PROJECTION_WAITER, useExisting: CheckpointWaiter },
        // What a command that grants access waits for (of this app's projections).
        {
          provide: ACCESS_PROJECTIONS,
          useValue: options.projections.filter((p) => p.carriesAccess).map((p) => p.name),
        },
        {
          provide: READ_YOUR_WRITES_TIMEOUT_MS,
          inject: [REMEDY_CONFIG],
          useFactory: (c: RemedyConfig) => c.readYourWritesTimeoutMs,
        },
        HealthService,
        ...metricsSourceProviders(options.queues ?? []),
      ],
      exports: [
        PROJECTION_STATUS_SOURCE,
        QUEUE_DEPTH_SOURCE,
        RemedyConfigModule,
        TypeOrmModule,
        ProjectionsModule,
        EVENT_STORE,
        QUEUE_KIT,
        PROJECTION_WAITER,
        ACCESS_PROJECTIONS,
        READ_YOUR_WRITES_TIMEOUT_MS,
        HealthService,
      ],
    };
  }
}
