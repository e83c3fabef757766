import type { Job, Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { ReportInput, ReportLanguage, RenderedReport } from './report-pdf';
import { currencyDigits, publicKeyFingerprint, valueLabels } from './report-pdf';
import { parseRelease } from './releases';
import type { ReleaseSigner } from './signing';

export const REPORTS_QUEUE = 'statistics-reports';

/** Job payload: the opaque release id and the language only. */
export interface ReportJobData {
  readonly releaseId: string;
  readonly language: ReportLanguage;
}

export const reportJobId = (releaseId: string, language: ReportLanguage): string =>
  `report-${releaseId}-${language}`;

export type ReportStatus = 'queued' | 'rendering' | 'rendered' | 'failed';

export interface StoredReport {
  readonly status: ReportStatus;
  readonly pages: number | null;
  readonly renderedAt: string | null;
  /** Why a `failed` report failed: RENDER_FAILED (printing failed for good) or RELEASE_NOT_BUILT. */
  readonly error: string | null;
  /** Only once rendered. */
  readonly pdf: Buffer | null;
}

/** What prints a report (ReportPrinter: the console's report page in headless Chromium). */
export interface ReportPrinterPort {
  print(input: ReportInput): Promise<RenderedReport>;
}

/**
 * National reports of releases (issue 17 item 4): one PDF per built release and language,
 * requested by a rapporteur, rendered by the worker and stored with the release once (a trigger
 * refuses to change a rendered report). Like a release build, a render killed midway is run again
 * by BullMQ (the row is written only when the PDF is complete, and never after).
 */
export class StatisticsReports {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: Queue<ReportJobData>,
  ) {}

  /**
   * Stores the request (or finds the same one) and enqueues its render unless rendered. The
   * release must be built (the caller checks).
   */
  async request(
    releaseId: string,
    language: ReportLanguage,
  ): Promise<{ status: ReportStatus; created: boolean }> {
    const inserted = (await this.dataSource.query(
      `INSERT INTO statistics_release_reports (release_id, language, status) VALUES ($1, $2, 'queued')
       ON CONFLICT (release_id, language) DO NOTHING RETURNING status`,
      [releaseId, language],
    )) as { status: ReportStatus }[];
    let status = inserted[0]?.status;
    if (!status) {
      const rows = (await this.dataSource.query(
        `UPDATE statistics_release_reports SET status = 'queued', error = NULL
          WHERE release_id = $1 AND language = $2 AND status = 'failed' RETURNING status`,
        [releaseId, language],
      )) as { status: ReportStatus }[];
      status = rows[0]?.status ?? (await this.get(releaseId, language, false))!.status;
    }
    if (status !== 'rendered') await this.enqueue(releaseId, language);
    return { status, created: inserted.length > 0 };
  }

  /** Adds the render job (BullMQ ignores a job id already queued; a failed one is replaced). */
  private async enqueue(releaseId: string, language: ReportLanguage): Promise<void> {
    const jobId = reportJobId(releaseId, language);
    const existing = await this.queue.getJob(jobId);
    if (existing && ((await existing.isFailed()) || (await existing.isCompleted())))
      await existing.remove();
    await this.queue.add('render', { releaseId, language }, { jobId });
  }

  async get(
    releaseId: string,
    language: ReportLanguage,
    withPdf = true,
  ): Promise<StoredReport | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT status, pages, rendered_at, error, ${withPdf ? 'pdf' : 'NULL::bytea AS pdf'}
         FROM statistics_release_reports WHERE release_id = $1 AND language = $2`,
      [releaseId, language],
    )) as {
      status: ReportStatus;
      pages: number | null;
      rendered_at: Date | null;
      error: string | null;
      pdf: Buffer | null;
    }[];
    const row = rows[0];
    if (!row) return undefined;
    return {
      status: row.status,
      pages: row.pages,
      renderedAt: row.rendered_at ? new Date(row.rendered_at).toISOString() : null,
      error: row.error,
      pdf: row.pdf,
    };
  }

  /** What the report page is handed: the release, the previous year's latest release, the proof. */
  async inputOf(
    releaseId: string,
    language: ReportLanguage,
    signer: ReleaseSigner,
  ): Promise<ReportInput | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT body, digest, signature, built_at, request->>'period' AS period FROM statistics_releases
        WHERE release_id = $1 AND status = 'built'`,
      [releaseId],
    )) as { body: string; digest: string; signature: string; built_at: Date; period: string }[];
    const row = rows[0];
    if (!row) return undefined;
    const previous = (await this.dataSource.query(
      `SELECT body FROM statistics_releases
        WHERE status = 'built' AND request->>'period' = $1
        ORDER BY built_at DESC, release_id LIMIT 1`,
      [String(Number(row.period) - 1)],
    )) as { body: string }[];
    const release = parseRelease(row.body);
    return {
      language,
      release,
      labels: valueLabels(release, language),
      currencyDigits: currencyDigits(release),
      previous: previous[0] ? parseRelease(previous[0].body) : null,
      builtAt: new Date(row.built_at).toISOString(),
      digest: row.digest,
      signature: row.signature,
      publicKeyFingerprint: publicKeyFingerprint(signer.publicKeyPem),
    };
  }

  /**
   * Renders a report (the worker's processor) and stores it once. A print that throws on the
   * job's last attempt (BullMQ gives up after it) records the report `failed` with the reason
   * RENDER_FAILED (no message: it could carry anything), so that the download says so and a new
   * request renders it again; earlier attempts leave it `rendering` for BullMQ's retry.
   */
  async render(
    job: Pick<Job<ReportJobData>, 'data' | 'updateProgress' | 'attemptsMade' | 'opts'>,
    printer: ReportPrinterPort,
    signer: ReleaseSigner,
  ): Promise<ReportStatus> {
    const { releaseId, language } = job.data;
    const stored = await this.get(releaseId, language, false);
    if (!stored) return 'failed';
    if (stored.status === 'rendered') return 'rendered';
    const input = await this.inputOf(releaseId, language, signer);
    if (!input) {
      await this.dataSource.query(
        `UPDATE statistics_release_reports SET status = 'failed', error = 'RELEASE_NOT_BUILT'
          WHERE release_id = $1 AND language = $2 AND status <> 'rendered'`,
        [releaseId, language],
      );
      return 'failed';
    }
    await this.dataSource.query(
      `UPDATE statistics_release_reports SET status = 'rendering'
        WHERE release_id = $1 AND language = $2 AND status <> 'rendered'`,
      [releaseId, language],
    );
    await job.updateProgress(10);
    let printed: RenderedReport;
    try {
      printed = await printer.print(input);
    } catch (e) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
        await this.dataSource.query(
          `UPDATE statistics_release_reports SET status = 'failed', error = 'RENDER_FAILED'
            WHERE release_id = $1 AND language = $2 AND status <> 'rendered'`,
          [releaseId, language],
        );
      throw e;
    }
    const { pdf, pages } = printed;
    await job.updateProgress(90);
    await this.dataSource.query(
      `UPDATE statistics_release_reports SET status = 'rendered', pdf = $3, pages = $4, error = NULL,
              rendered_at = clock_timestamp()
        WHERE release_id = $1 AND language = $2 AND status <> 'rendered'`,
      [releaseId, language, pdf, pages],
    );
    await job.updateProgress(100);
    return 'rendered';
  }
}
