import type { Job, Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@remedy/event-store';
import {
  JobHandler,
  JobRuntime,
  jobTypes,
  type JobLogger,
  type JobRuntimeOptions,
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
export class ReleaseWorkerRuntime extends JobRuntime {
  readonly queue: Queue<ReleaseJobData>;
  readonly releases: StatisticsReleases;

  constructor(
    private readonly options: JobRuntimeOptions & {
      readonly dataSource: DataSource;
      readonly eventStore: EventStore;
      readonly signer: ReleaseSigner;
    },
  ) {
    super(options);
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
    this.startWorkers();
  }

  async stop(): Promise<void> {
    await this.stopWorkers();
    await this.queue.close();
  }
}
