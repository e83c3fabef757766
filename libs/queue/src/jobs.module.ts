import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Module,
  OnApplicationBootstrap,
  OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import {
  checkJobHandlers,
  declaredHandlers,
  JobWorkers,
  nestJobLogger,
  type DeclaredHandler,
  type JobType,
} from './jobs';
import type { QueueKit } from './queue-kit';
import { QUEUE_KIT } from './tokens';

/** Job types a module expects to find queued (see `expectJobs`). */
export class ExpectedJobs {
  constructor(readonly types: readonly JobType[]) {}
}

/**
 * A provider declaring the job types this module's process must handle. JobsModule refuses to
 * start (MissingJobHandlerError) when one of them has no `@JobHandler`.
 */
export function expectJobs(owner: string, types: readonly JobType[]): Provider {
  return { provide: `expected jobs of ${owner}`, useValue: new ExpectedJobs(types) };
}

@Injectable()
export class JobDiscovery
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private workers: JobWorkers | undefined;
  private handlers: DeclaredHandler[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(QUEUE_KIT) private readonly kit: QueueKit,
  ) {}

  /** Every provider's `@JobHandler` methods, checked against the expected job types. */
  onModuleInit(): void {
    const instances = this.discovery
      .getProviders()
      .filter((w) => w.isDependencyTreeStatic() && w.instance && typeof w.instance === 'object')
      .map((w) => w.instance as object);
    this.handlers = [...new Set(instances)].flatMap((i) => declaredHandlers(i));
    const expected = instances.flatMap((i) => (i instanceof ExpectedJobs ? i.types : []));
    checkJobHandlers(this.handlers, expected);
  }

  onApplicationBootstrap(): void {
    this.workers = new JobWorkers(this.kit, this.handlers, { logger: nestJobLogger('Jobs') });
    this.workers.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.workers?.close();
    this.workers = undefined;
  }
}

/**
 * Runs the `@JobHandler` methods of every provider of the app: discovered at start-up, one worker
 * per queue (on QUEUE_KIT, from PlatformModule). Import it in each module that declares handlers
 * (Nest makes it one instance); the app refuses to start when an expected job type has no handler.
 */
@Module({ imports: [DiscoveryModule], providers: [JobDiscovery] })
export class JobsModule {}
