import {
  DynamicModule,
  Inject,
  Injectable,
  Module,
  OnModuleInit,
  type ModuleMetadata,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import {
  createMetrics,
  type Metrics,
  type MetricsOptions,
  type ProjectionStatusSource,
  type QueueDepthSource,
} from './metrics';

/** The app instance's {@link Metrics}: inject it to call `recordJobFailed`, or to wrap the event store. */
export const METRICS = Symbol('METRICS');
/** The resolved {@link MetricsOptions} (what `forRoot` was given or `forRootAsync` returned). */
export const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');
/**
 * Optional alternative to the options: a {@link ProjectionStatusSource} provided under this token
 * where MetricsModule can see it (a global module, or a module in `forRootAsync({ imports })`).
 * The options take precedence.
 */
export const PROJECTION_STATUS_SOURCE = Symbol('PROJECTION_STATUS_SOURCE');
/** As {@link PROJECTION_STATUS_SOURCE}, for a {@link QueueDepthSource}. */
export const QUEUE_DEPTH_SOURCE = Symbol('QUEUE_DEPTH_SOURCE');

export type MetricsModuleOptions = MetricsOptions;

export interface MetricsModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly inject?: unknown[];
  readonly useFactory: (...args: any[]) => MetricsModuleOptions | Promise<MetricsModuleOptions>;
}

const instrumented = new WeakSet<object>();

/**
 * Counts every response Fastify sends (handlers, guards' 401/403, filters' 4xx/5xx, 404s of
 * unmatched routes, body-parser errors) with its route template, in an `onResponse` hook.
 */
export function instrumentFastify(
  fastify: FastifyInstance,
  metrics: Pick<Metrics, 'recordHttpRequest'>,
): void {
  if (instrumented.has(fastify)) return;
  instrumented.add(fastify);
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.recordHttpRequest(
      request.method,
      request.routeOptions.url,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
}

@Injectable()
class HttpMetricsInstaller implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(METRICS) private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() === 'fastify')
      instrumentFastify(adapter.getInstance<FastifyInstance>(), this.metrics);
  }
}

function metricsProvider() {
  return {
    provide: METRICS,
    inject: [
      METRICS_OPTIONS,
      { token: PROJECTION_STATUS_SOURCE, optional: true },
      { token: QUEUE_DEPTH_SOURCE, optional: true },
    ],
    useFactory: (
      options: MetricsModuleOptions,
      projectionStatus?: ProjectionStatusSource,
      queueDepths?: QueueDepthSource,
    ): Metrics =>
      createMetrics({
        ...options,
        projectionStatus: options.projectionStatus ?? projectionStatus,
        queueDepths: options.queueDepths ?? queueDepths,
      }),
  };
}

/**
 * Prometheus metrics of one app instance: HTTP request count and latency by method, route
 * template and status (a Fastify `onResponse` hook), and the {@link METRICS} provider (global) for
 * `recordJobFailed(queue)` and `withAppendMetrics(store, metrics)`. No route on the app's own
 * (public) port: `serveInternal()` serves the registry on the internal listener.
 * Projection lag and queue depths are read from the given sources at each scrape.
 *
 *   MetricsModule.forRoot({ app: 'api' })
 *   MetricsModule.forRootAsync({
 *     imports: [ProjectionsModule], inject: [ProjectionStatusService],
 *     useFactory: (s: ProjectionStatusService) => ({ app: 'api', projectionStatus: () => s.status() }),
 *   })
 *
 * An app without HTTP (the worker) can import it too: there is then no hook.
 */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsModuleOptions = {}): DynamicModule {
    return MetricsModule.build([], { provide: METRICS_OPTIONS, useValue: options });
  }

  static forRootAsync(options: MetricsModuleAsyncOptions): DynamicModule {
    return MetricsModule.build(options.imports ?? [], {
      provide: METRICS_OPTIONS,
      inject: (options.inject ?? []) as never[],
      useFactory: options.useFactory,
    });
  }

  private static build(
    imports: NonNullable<ModuleMetadata['imports']>,
    optionsProvider: object,
  ): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      imports,
      providers: [optionsProvider as never, metricsProvider(), HttpMetricsInstaller],
      exports: [METRICS],
    };
  }
}
