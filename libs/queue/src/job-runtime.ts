import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import {
  declaredHandlers,
  errorName,
  JobWorkers,
  silentJobLogger,
  type DeclaredHandler,
  type JobLogger,
  type WorkerSettings,
} from './jobs';
import type { QueueKit } from './queue-kit';

/** What every JobRuntime is given. */
export interface JobRuntimeOptions {
  readonly kit: QueueKit;
  readonly logger?: JobLogger;
  /**
   * Overrides of its workers' BullMQ settings (default `WORKER_DEFAULTS`), e.g. a shorter
   * `lockDuration`/`stalledInterval` so that a test sees a killed worker's jobs recovered in
   * seconds rather than in up to `lockDuration + stalledInterval`.
   */
  readonly worker?: WorkerSettings;
  /**
   * True when JobsModule discovers and runs the runtime's `@JobHandler` methods (the lib's
   * `forWorker` module); otherwise `startWorkers()` runs workers for them itself.
   */
  readonly discovered?: boolean;
}

/**
 * The part every queue runtime of a worker process shares: its logger, the workers of its
 * `@JobHandler` methods when JobsModule does not run them, and the Nest lifecycle (start at
 * bootstrap, stop before shutdown). A subclass writes its jobs, `start()` and `stop()`.
 */
export abstract class JobRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger: JobLogger;
  private workers: JobWorkers | undefined;

  constructor(private readonly jobOptions: JobRuntimeOptions) {
    this.logger = jobOptions.logger ?? silentJobLogger;
  }

  abstract start(): void | Promise<void>;
  abstract stop(): Promise<void>;

  onApplicationBootstrap(): void | Promise<void> {
    return this.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  /** A queue of the kit whose connection errors (backend down) are logged, not printed raw. */
  protected openQueue<T>(name: string, what: string): Queue<T> {
    const queue = this.jobOptions.kit.queue<T>(name);
    queue.on('error', (e) => this.logger.error(`${what} error`, { error: errorName(e) }));
    return queue;
  }

  /** Runs workers for the handlers (default: all declared), unless JobsModule runs them. */
  protected startWorkers(handlers: readonly DeclaredHandler[] = declaredHandlers(this)): void {
    if (this.jobOptions.discovered) return;
    this.workers = new JobWorkers(this.jobOptions.kit, handlers, {
      logger: this.logger,
      overrides: this.jobOptions.worker,
    });
    this.workers.start();
  }

  /** Closes the workers startWorkers() runs (active jobs finish first). */
  protected async stopWorkers(): Promise<void> {
    await this.workers?.close();
    this.workers = undefined;
  }
}
