import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { REMEDY_CONFIG, RemedyConfig } from '@remedy/config';
import { METRICS, type InternalListener, type Metrics, serveInternal } from '@remedy/observability';
import { HealthService } from './health.service';

const ROLE = Symbol('INTERNAL_LISTENER_ROLE');
type Role = 'api' | 'worker';

@Injectable()
class InternalListenerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('InternalListener');
  private listener: InternalListener | undefined;

  constructor(
    @Inject(ROLE) private readonly role: Role,
    @Inject(REMEDY_CONFIG) private readonly config: RemedyConfig,
    @Inject(METRICS) private readonly metrics: Metrics,
    private readonly health: HealthService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { host, apiPort, workerPort, token } = this.config.internalListener;
    const port = this.role === 'api' ? apiPort : workerPort;
    const setting = this.role === 'api' ? 'METRICS_PORT' : 'WORKER_METRICS_PORT';
    if (port === null) {
      this.logger.log({ msg: 'internal listener off', setting });
      return;
    }
    try {
      this.listener = await serveInternal({
        metrics: this.metrics,
        health: async () => {
          const report = await this.health.report();
          return { report, ready: HealthService.isReady(report) };
        },
        host,
        port,
        token,
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(
        `the internal listener (metrics, health details) cannot listen on ${host}:${port} (${code}): set ${setting} to a free port, or 0 to turn it off`,
        { cause: e },
      );
    }
    this.logger.log({ msg: 'internal listener', host, port, token: token !== undefined });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.close();
    this.listener = undefined;
  }
}

/**
 * The process's internal listener: `/metrics`, and `/health` + `/health/ready` with every detail,
 * on METRICS_HOST and METRICS_PORT (the API) or WORKER_METRICS_PORT (the worker), behind
 * METRICS_TOKEN when set. Needs MetricsModule and PlatformModule. Opens when the app has
 * bootstrapped, closes on shutdown; a port in use stops the start with the setting to change.
 */
@Module({})
export class InternalListenerModule {
  static forRoot(options: { readonly app: Role }): DynamicModule {
    return {
      module: InternalListenerModule,
      providers: [{ provide: ROLE, useValue: options.app }, InternalListenerLifecycle],
    };
  }
}
