import type { Queue, Worker, WorkerOptions } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@remedy/event-store';
import type { QueueKit } from '@remedy/queue';
import {
  RELEASES_QUEUE,
  StatisticsReleases,
  type ReleaseJobData,
  type ReleaseStatus,
} from './releases';
import type { ReleaseSigner } from './signing';

export interface ReleaseWorkerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const silent: ReleaseWorkerLogger = { info: () => undefined, error: () => undefined };

/**
 * The release builder in a worker process: a BullMQ worker on `statistics-releases` (jobs carry
 * the opaque release id only). A build waits for the fact projection, counts, protects, signs and
 * stores the release once; a crash mid-build is retried by BullMQ (the stored row is only written
 * when complete, and a built row is never written again).
 */
export class ReleaseWorkerRuntime {
  readonly queue: Queue<ReleaseJobData>;
  readonly releases: StatisticsReleases;
  private worker: Worker<ReleaseJobData, ReleaseStatus> | undefined;

  constructor(
    private readonly options: {
      readonly dataSource: DataSource;
      readonly kit: QueueKit;
      readonly eventStore: EventStore;
      readonly signer: ReleaseSigner;
      readonly logger?: ReleaseWorkerLogger;
      readonly worker?: Partial<
        Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'concurrency'>
      >;
    },
  ) {
    this.queue = options.kit.queue<ReleaseJobData>(RELEASES_QUEUE);
    this.releases = new StatisticsReleases(options.dataSource, this.queue, options.eventStore);
  }

  start(): void {
    const logger = this.options.logger ?? silent;
    this.worker = this.options.kit.worker<ReleaseJobData, ReleaseStatus>(
      RELEASES_QUEUE,
      async (job) => {
        const status = await this.releases.build(job, this.options.signer);
        logger.info('statistics release processed', { releaseId: job.data.releaseId, status });
        return status;
      },
      { concurrency: 1, ...this.options.worker },
    );
    this.worker.on('error', (e) =>
      logger.error('statistics release worker error', {
        error: e instanceof Error ? e.name : 'Error',
      }),
    );
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
    await this.queue.close();
  }
}
