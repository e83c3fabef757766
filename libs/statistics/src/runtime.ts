import { join } from 'node:path';
import type { Job, Queue } from 'bullmq';
import { repoRoot } from '@remedy/config';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@remedy/event-store';
import {
  errorName,
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
import { PeriodicPersonsRefresh } from './persons';
import { ReportPrinter } from './report-pdf';
import {
  REPORTS_QUEUE,
  StatisticsReports,
  type ReportJobData,
  type ReportPrinterPort,
  type ReportStatus,
} from './reports';
import type { ReleaseSigner } from './signing';

export type ReleaseWorkerLogger = JobLogger;

/** The job types a release worker handles (checked at start-up by JobsModule). */
export const RELEASE_JOBS = [
  ...jobTypes(RELEASES_QUEUE, ['build']),
  ...jobTypes(REPORTS_QUEUE, ['render']),
];

/** How often each release worker refreshes the persons (persons.ts). */
export const PERSONS_REFRESH_EVERY_MS = 10 * 60_000;

/**
 * The release builder in a worker process: the handler of `build` jobs on `statistics-releases`
 * (jobs carry the opaque release id only). A build waits for the fact projection, counts,
 * protects, signs and stores the release once; a crash mid-build is retried by BullMQ (the stored
 * row is only written when complete, and a built row is never written again). The national
 * reports likewise (`render` jobs on `statistics-reports`: the release's PDF in one language,
 * printed by headless Chromium from the console's report page, stored once). And the persons
 * refresh (every 10 minutes: persons.ts), which rewrites the fact rows' person keys after the
 * linkage unit re-clusters; every build refreshes too. The refresh is a timer in each release
 * worker, not a job: it carries no data, its exclusive lock serialises the workers, a worker
 * skips it while the linkage has not changed since its last one (PeriodicPersonsRefresh), and a
 * scheduled job would share the release queue, whose jobs and counts are the releases'.
 */
export class ReleaseWorkerRuntime extends JobRuntime {
  readonly queue: Queue<ReleaseJobData>;
  readonly releases: StatisticsReleases;
  readonly reportQueue: Queue<ReportJobData>;
  readonly reports: StatisticsReports;
  private readonly printer: ReportPrinterPort;

  constructor(
    private readonly options: JobRuntimeOptions & {
      readonly dataSource: DataSource;
      readonly eventStore: EventStore;
      readonly signer: ReleaseSigner;
      /** The built console (its report.html prints the reports). Default `<repo>/dist/web`. */
      readonly consoleDir?: string;
      /** What prints the reports (default: ReportPrinter over `consoleDir`). */
      readonly printer?: ReportPrinterPort;
    },
  ) {
    super(options);
    this.queue = options.kit.queue<ReleaseJobData>(RELEASES_QUEUE);
    this.releases = new StatisticsReleases(options.dataSource, this.queue, options.eventStore);
    this.reportQueue = options.kit.queue<ReportJobData>(REPORTS_QUEUE);
    this.reports = new StatisticsReports(options.dataSource, this.reportQueue);
    this.persons = new PeriodicPersonsRefresh(options.dataSource);
    this.printer =
      options.printer ?? new ReportPrinter(options.consoleDir ?? join(repoRoot(), 'dist', 'web'));
  }

  @JobHandler({ queue: RELEASES_QUEUE, name: 'build', worker: { concurrency: 1 } })
  async build(job: Job<ReleaseJobData>): Promise<ReleaseStatus> {
    const status = await this.releases.build(job, this.options.signer);
    this.logger.info('statistics release processed', { releaseId: job.data.releaseId, status });
    return status;
  }

  // One report at a time: a Chromium per render (a few hundred MB while it prints).
  @JobHandler({ queue: REPORTS_QUEUE, name: 'render', worker: { concurrency: 1 } })
  async render(job: Job<ReportJobData>): Promise<ReportStatus> {
    const started = performance.now();
    const status = await this.reports.render(job, this.printer, this.options.signer);
    this.logger.info('statistics report processed', {
      releaseId: job.data.releaseId,
      language: job.data.language,
      status,
      ms: Math.round(performance.now() - started),
    });
    return status;
  }

  private personsTimer?: NodeJS.Timeout;
  private readonly persons: PeriodicPersonsRefresh;

  async start(): Promise<void> {
    this.startWorkers();
    this.personsTimer = setInterval(() => void this.refreshPersons(), PERSONS_REFRESH_EVERY_MS);
    this.personsTimer.unref();
  }

  /** The persons refresh; a failure is logged (opaque: the error's name) and the next one retries. */
  async refreshPersons(): Promise<number | 'unchanged' | undefined> {
    try {
      const changed = await this.persons.run();
      if (changed !== 'unchanged') this.logger.info('statistics persons refreshed', { changed });
      return changed;
    } catch (e) {
      this.logger.error('statistics persons refresh failed', { error: errorName(e) });
      return undefined;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.personsTimer);
    await this.stopWorkers();
    await this.queue.close();
    await this.reportQueue.close();
  }
}
