import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { PostgresEventStore } from '@remedy/event-store';
import { createQueueKit, type QueueBackend, type QueueKit } from '@remedy/queue';
import {
  checkRequest,
  RELEASES_QUEUE,
  REPORTS_QUEUE,
  reportJobId,
  StatisticsReleases,
  StatisticsReports,
  type ReleaseJobData,
  type ReleaseRequestInput,
  type ReportJobData,
  type ReportLanguage,
} from '@remedy/statistics';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { pdfPageTexts } from '../support/pdf';
import { builtConsole } from '../support/web-console';
import { eventually, spawnTs, type Child, queueBackendsUnderTest } from './support/processes';
import { seedFacts } from './support/statistics-facts';

/**
 * Fault test, the national report half (issue 17 item 4): the worker printing reports (the real
 * ReleaseWorkerRuntime with the real ReportPrinter, headless Chromium over the built console, in
 * a child: release-worker-child.ts) is SIGKILLed twice while it renders, and another one takes
 * over. Every requested report ends stored exactly once (one `rendered` row per release and
 * language, its PDF whole and of the release); the download's read (StatisticsReports.get, what
 * GET …/reports/{language} answers) serves it; a report stored before a kill is never printed
 * again (its retried job finds it rendered); every job ends completed, none failed.
 *
 * The first kill lands mid-render (Chromium about to print, nothing stored), the second between
 * the stored PDF and BullMQ's acknowledgement (the child holds the job there).
 */
const CHILD = join(__dirname, 'support', 'release-worker-child.ts');
const YEAR = 2026;
const CASES = 40;
const LANGUAGES: ReportLanguage[] = ['en', 'ar'];
const PERIOD_REQUESTS = (
  [
    { period: String(YEAR), mode: 'suppression', tables: ['victims-by-citizenship'] },
    { period: String(YEAR), mode: 'rounding', tables: ['assistance-by-type'] },
  ] satisfies ReleaseRequestInput[]
).map((input) => {
  const checked = checkRequest(input);
  if (!checked.ok) throw new Error(`${checked.rule}: ${checked.message}`);
  return checked.value;
});

const backends = queueBackendsUnderTest('SIGKILL of the report printer');

describe.each(backends)(
  'SIGKILL of the worker printing national reports, BullMQ on $label (fault test)',
  ({ start }) => {
    let db: TestDatabase;
    let ds: DataSource;
    let store: PostgresEventStore;
    let kit: QueueKit;
    let queue: Queue<ReportJobData>;
    let releases: StatisticsReleases;
    let reports: StatisticsReports;
    let backend: QueueBackend;
    let stopBackend: () => Promise<void>;
    let dataDir: string;
    let consoleDir: string;
    const prefix = `p${randomUUID().slice(0, 8)}`;
    const children: Child[] = [];
    const queueErrors: string[] = [];
    let closing = false;

    beforeAll(async () => {
      consoleDir = await builtConsole();
      db = await createTestDatabase();
      ds = new DataSource({ type: 'postgres', url: db.url, synchronize: false, logging: false });
      await ds.initialize();
      store = new PostgresEventStore({ connectionString: db.url, poolSize: 2 });
      dataDir = mkdtempSync(join(tmpdir(), 'remedy-report-kill-'));
      const started = await start();
      backend = started.backend(db.url);
      stopBackend = started.stop;
      kit = createQueueKit(backend, { prefix });
      queue = kit.queue<ReportJobData>(REPORTS_QUEUE);
      queue.on('error', (e) => {
        if (!closing) queueErrors.push(`${e.name}: ${e.message}`);
      });
      releases = new StatisticsReleases(ds, kit.queue<ReleaseJobData>(RELEASES_QUEUE), store);
      reports = new StatisticsReports(ds, queue);
    }, 600_000);

    afterAll(async () => {
      closing = true;
      await Promise.all(children.map((c) => c.kill('SIGKILL')));
      await kit?.close();
      await store?.close();
      await ds?.destroy();
      await stopBackend?.();
      await db?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    /** A worker process, loaded but waiting for `go` (so loading is not on the clock). */
    const loadWorker = () => {
      const c = spawnTs(CHILD, [db.url, backend.kind, backend.url, prefix, dataDir], {
        ...process.env,
        RELEASE_HOLD_MS: '600',
        RELEASE_WAIT_FOR_GO: '1',
        REPORT_CONSOLE_DIR: consoleDir,
      });
      children.push(c);
      return c;
    };
    const statusOf = async (releaseId: string, language: string) =>
      (
        (await ds.query(
          `SELECT status FROM statistics_release_reports WHERE release_id = $1 AND language = $2`,
          [releaseId, language],
        )) as { status: string }[]
      )[0]?.status;
    /** `<word> <release id> <language>` → `<release id> <language>`. */
    const keyOf = (line: string) => line.split(' ').slice(1, 3).join(' ');
    const linesOf = (c: Child, word: string) =>
      c
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith(`${word} `))
        .map(keyOf);

    it('stores each requested report exactly once across a kill mid-render and one after store', async () => {
      const workers = [loadWorker(), loadWorker(), loadWorker()];
      await seedFacts(ds, store, YEAR, CASES);
      const ids: string[] = [];
      for (const r of PERIOD_REQUESTS) ids.push((await releases.request(r)).releaseId);

      // The first worker builds the releases, then prints the reports until it is killed.
      const first = workers.shift()!;
      await first.line('ready', 1, 60_000);
      first.send('go');
      await eventually(
        'both releases built',
        async () =>
          (
            (await ds.query(
              `SELECT count(*)::int AS n FROM statistics_releases WHERE status = 'built'`,
            )) as { n: number }[]
          )[0]!.n === ids.length,
        60_000,
        100,
      );
      const keys = ids.flatMap((id) => LANGUAGES.map((language) => ({ id, language })));
      const t0 = Date.now();
      for (const { id, language } of keys) {
        expect(await reports.request(id, language)).toEqual({ status: 'queued', created: true });
      }

      // Kill 1: mid-render (Chromium about to print; nothing stored).
      const killedMidRender = keyOf(await first.line(/^printing /, 1, 60_000));
      await first.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      const [killedId, killedLanguage] = killedMidRender.split(' ') as [string, ReportLanguage];
      expect(await statusOf(killedId, killedLanguage)).toBe('rendering');
      expect(await (await queue.getJob(reportJobId(killedId, killedLanguage)))!.getState()).toBe(
        'active',
      );

      // Kill 2: after a report was stored, before BullMQ acknowledged its job.
      const second = workers.shift()!;
      await second.line('ready', 1, 60_000);
      second.send('go');
      const storedLine = await second.line(/^report-stored /, 1, 90_000);
      await second.kill('SIGKILL');
      expect((await second.exited).signal).toBe('SIGKILL');
      const [storedId, storedLanguage] = keyOf(storedLine).split(' ') as [string, ReportLanguage];
      expect(await statusOf(storedId, storedLanguage)).toBe('rendered');
      expect(await (await queue.getJob(reportJobId(storedId, storedLanguage)))!.getState()).toBe(
        'active',
      );

      // A third worker finds the dead workers' jobs stalled, retries them, and prints the rest.
      const last = workers.shift()!;
      await last.line('ready', 1, 60_000);
      last.send('go');
      await eventually(
        'every report job completed',
        async () => (await queue.getJobCounts('completed')).completed === keys.length,
        90_000,
        200,
      );
      expect(await last.kill('SIGTERM')).toEqual({ code: 0, signal: null });

      expect(
        await queue.getJobCounts(
          'waiting',
          'active',
          'delayed',
          'prioritized',
          'completed',
          'failed',
        ),
      ).toEqual({
        waiting: 0,
        active: 0,
        delayed: 0,
        prioritized: 0,
        completed: keys.length,
        failed: 0,
      });
      for (const { id, language } of keys) {
        const job = (await queue.getJob(reportJobId(id, language)))!;
        expect({ id, language, result: job.returnvalue }).toEqual({
          id,
          language,
          result: 'rendered',
        });
      }
      const retried = (await queue.getJob(reportJobId(storedId, storedLanguage)))!;
      expect(retried.stalledCounter + retried.attemptsStarted).toBeGreaterThan(1);

      // Exactly one stored PDF per release and language, whole, of its release; the download's read serves it.
      const rows = (await ds.query(
        `SELECT release_id, language, status FROM statistics_release_reports ORDER BY release_id, language`,
      )) as { release_id: string; language: string; status: string }[];
      expect(rows).toEqual(
        [...keys]
          .sort((a, b) => `${a.id} ${a.language}`.localeCompare(`${b.id} ${b.language}`))
          .map(({ id, language }) => ({ release_id: id, language, status: 'rendered' })),
      );
      for (const { id, language } of keys) {
        const report = (await reports.get(id, language))!;
        expect(report.status).toBe('rendered');
        const pages = await pdfPageTexts(report.pdf!);
        expect(pages.length).toBe(report.pages);
        expect(pages[pages.length - 1]!.replace(/\s+/g, '')).toContain(id);
      }

      // Stored once: no render's UPDATE took effect twice; a stored report was never printed
      // again (its retried job found it rendered). A kill may cut a child between its commit
      // and its line: hence ≤ 1.
      const stored = new Map<string, number>();
      for (const c of children)
        for (const k of linesOf(c, 'report-stored')) stored.set(k, (stored.get(k) ?? 0) + 1);
      for (const [k, n] of stored) expect({ k, n }).toEqual({ k, n: 1 });
      const storedKey = `${storedId} ${storedLanguage}`;
      expect(stored.get(storedKey)).toBe(1);
      expect(linesOf(last, 'printing')).not.toContain(storedKey);
      // The report killed mid-render was printed again, by a later worker, and stored once.
      expect([...linesOf(second, 'printing'), ...linesOf(last, 'printing')]).toContain(
        killedMidRender,
      );

      // Asking again: the stored report, nothing queued.
      for (const { id, language } of keys)
        expect(await reports.request(id, language)).toEqual({ status: 'rendered', created: false });
      expect(await queue.getJobCounts('waiting', 'active', 'delayed')).toEqual({
        waiting: 0,
        active: 0,
        delayed: 0,
      });

      expect(queueErrors).toEqual([]);
      console.log(
        `report kill (${backend.kind}): ${keys.length} reports of ${ids.length} releases, kills mid-render and after store, ${Date.now() - t0} ms`,
      );
    }, 240_000);
  },
);
