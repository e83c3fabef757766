import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@remedy/event-store';
import {
  declaredHandlers,
  JobHandler,
  jobTypes,
  JobWorkers,
  silentJobLogger,
  type JobLogger,
  type QueueKit,
  type WorkerSettings,
} from '@remedy/queue';
import {
  RELEASES_QUEUE,
  StatisticsReleases,
  type ReleaseJobData,
  type ReleaseStatus,
} from './releases';
import type { ReleaseSigner } from './signing';

export type ReleaseWorkerLogger = JobLogger;

/** The job types a release worker handles (checked at start-up by JobsModule). */
export const RELEASE_JOBS = jobTypes(RELEASES_QUEUE, ['build']);

/**
 * The release builder in a worker process: the handler of `build` jobs on `statistics-releases`
 * (jobs carry the opaque release id only). A build waits for the fact projection, counts,
 * protects, signs and stores the release once; a crash mid-build is retried by BullMQ (the stored
 * row is only written when complete, and a built row is never written again).
 */
export class ReleaseWorkerRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly queue: Queue<ReleaseJobData>;
  readonly releases: StatisticsReleases;
  private workers: JobWorkers | undefined;
  private readonly logger: JobLogger;

  constructor(
    private readonly options: {
      readonly dataSource: DataSource;
      readonly kit: QueueKit;
      readonly eventStore: EventStore;
      readonly signer: ReleaseSigner;
      readonly logger?: ReleaseWorkerLogger;
      readonly worker?: WorkerSettings;
      /** True when JobsModule runs the `@JobHandler` (StatisticsModule.forWorker). */
      readonly discovered?: boolean;
    },
  ) {
    this.logger = options.logger ?? silentJobLogger;
    this.queue = options.kit.queue<ReleaseJobData>(RELEASES_QUEUE);
    this.releases = new StatisticsReleases(options.dataSource, this.queue, options.eventStore);
  }

  @JobHandler({ queue: RELEASES_QUEUE, name: 'build', worker: { concurrency: 1 } })
  async build(job: Job<ReleaseJobData>): Promise<ReleaseStatus> {
    const status = await this.releases.build(job, this.options.signer);
    this.logger.info('statistics release processed', { releaseId: job.data.releaseId, status });
    return status;
  }

  start(): void {
    if (this.options.discovered) return;
    this.workers = new JobWorkers(this.options.kit, declaredHandlers(this), {
      logger: this.logger,
      overrides: this.options.worker,
    });
    this.workers.start();
  }

  async stop(): Promise<void> {
    await this.workers?.close();
    this.workers = undefined;
    await this.queue.close();
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }
}
