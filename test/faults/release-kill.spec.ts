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
  parseRelease,
  RELEASES_QUEUE,
  ReleaseSigner,
  releaseJobId,
  sha256Hex,
  StatisticsReleases,
  verifyRelease,
  type ReleaseJobData,
  type ReleaseRequest,
  type ReleaseRequestInput,
} from '@remedy/statistics';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually, spawnTs, type Child, queueBackendsUnderTest } from './support/processes';
import { seedFacts } from './support/statistics-facts';

/**
 * Fault test (issue 8), the release half: the statistics release builder (the real
 * ReleaseWorkerRuntime in a child) is SIGKILLed twice while it builds releases, and another one
 * takes over. Every requested release ends `built` exactly once: one stored row per request
 * (`request_key` is unique; a built row is immutable), stored once (the build's final UPDATE
 * skips a built row: a retry of a job whose release was stored writes nothing), its digest and
 * signature verify; none is lost (jobs held by a dead worker are found stalled and retried:
 * BullMQ's stalled-job recovery); every job ends completed, none failed; asking again returns the
 * same stored release and queues nothing.
 *
 * The first kill lands mid-build (after progress 15, before anything is stored), the second
 * between the stored release and BullMQ's acknowledgement (the child holds the job there).
 * The facts are rows of `statistics_case_facts` written directly (the projection's output) with
 * the projection's checkpoint at the store's head, so a build does not wait for it.
 */
const CHILD = join(__dirname, 'support', 'release-worker-child.ts');
const YEAR = 2026;
const CASES = 120;

const TABLES = ['assistance-by-type', 'unconditional-assistance', 'victims-by-citizenship'];
/** Distinct requests (different tables, modes, parameters): distinct releases. */
const INPUTS: ReleaseRequestInput[] = [
  { period: String(YEAR), mode: 'suppression', tables: TABLES },
  { period: String(YEAR), mode: 'suppression', tables: TABLES, k: 15 },
  { period: String(YEAR), mode: 'suppression', tables: ['victims-by-status-sex-age'] },
  { period: String(YEAR), mode: 'rounding', tables: TABLES },
  { period: String(YEAR), mode: 'rounding', tables: TABLES, roundingBase: 10 },
  { period: String(YEAR), mode: 'dp', tables: TABLES, epsilon: 0.25 },
];
const requests: ReleaseRequest[] = INPUTS.map((input) => {
  const checked = checkRequest(input);
  if (!checked.ok) throw new Error(`${checked.rule}: ${checked.message}`);
  return checked.value;
});

const backends = queueBackendsUnderTest('SIGKILL of the release worker');

describe.each(backends)(
  'SIGKILL of the release worker mid-build, BullMQ on $label (fault test)',
  ({ start }) => {
    let db: TestDatabase;
    let ds: DataSource;
    let store: PostgresEventStore;
    let kit: QueueKit;
    let queue: Queue<ReleaseJobData>;
    let releases: StatisticsReleases;
    let backend: QueueBackend;
    let stopBackend: () => Promise<void>;
    let dataDir: string;
    const prefix = `r${randomUUID().slice(0, 8)}`;
    const children: Child[] = [];
    const queueErrors: string[] = [];
    let closing = false;

    beforeAll(async () => {
      db = await createTestDatabase();
      ds = new DataSource({ type: 'postgres', url: db.url, synchronize: false, logging: false });
      await ds.initialize();
      store = new PostgresEventStore({ connectionString: db.url, poolSize: 2 });
      dataDir = mkdtempSync(join(tmpdir(), 'remedy-release-kill-'));
      const started = await start();
      backend = started.backend(db.url);
      stopBackend = started.stop;
      kit = createQueueKit(backend, { prefix });
      queue = kit.queue<ReleaseJobData>(RELEASES_QUEUE);
      // The PostgreSQL backend's queue may report its connection ended by the database drop in
      // afterAll (seen in 1 run of 4 after kit.close()); an error before that fails the test.
      queue.on('error', (e) => {
        if (!closing) queueErrors.push(`${e.name}: ${e.message}`);
      });
      releases = new StatisticsReleases(ds, queue, store);
    });

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
        RELEASE_HOLD_MS: '400',
        RELEASE_WAIT_FOR_GO: '1',
      });
      children.push(c);
      return c;
    };
    const statusOf = async (releaseId: string) =>
      (
        (await ds.query(`SELECT status FROM statistics_releases WHERE release_id = $1`, [
          releaseId,
        ])) as { status: string }[]
      )[0]?.status;
    const idOf = (line: string) => line.split(' ')[1]!;

    it(`builds each of ${requests.length} requested releases exactly once across two kills`, async () => {
      const workers = [loadWorker(), loadWorker(), loadWorker()];
      await seedFacts(ds, store, YEAR, CASES);
      const requested = [];
      for (const r of requests) requested.push(await releases.request(r));
      expect(requested.every((r) => r.created && r.status === 'queued')).toBe(true);
      const ids = requested.map((r) => r.releaseId);
      expect(new Set(ids).size).toBe(requests.length);
      expect((await queue.getJobCounts('waiting')).waiting).toBe(requests.length);
      const t0 = Date.now();
      const held = new Set<string>();

      // Kill 1: mid-build (progress 15 reported, nothing stored yet: the child holds it there).
      const first = workers.shift()!;
      await first.line('ready', 1, 60_000);
      first.send('go');
      const midBuild = idOf(await first.line(/^progress \S+ 15$/, 1, 20_000));
      await first.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      expect(await statusOf(midBuild)).toBe('building');
      expect(await (await queue.getJob(releaseJobId(midBuild)))!.getState()).toBe('active');
      held.add(midBuild);

      // Kill 2: after a release was stored, before BullMQ acknowledged its job.
      const second = workers.shift()!;
      await second.line('ready', 1, 60_000);
      second.send('go');
      const storedUnacked = idOf(await second.line('stored', 1, 20_000));
      await second.kill('SIGKILL');
      expect((await second.exited).signal).toBe('SIGKILL');
      expect(await statusOf(storedUnacked)).toBe('built');
      expect(await (await queue.getJob(releaseJobId(storedUnacked)))!.getState()).toBe('active');
      held.add(storedUnacked);
      for (const j of await queue.getJobs(['active'], 0, 100, true)) held.add(j.data.releaseId);
      const builtAtKill = (
        (await ds.query(
          `SELECT count(*)::int AS n FROM statistics_releases WHERE status = 'built'`,
        )) as {
          n: number;
        }[]
      )[0]!.n;
      expect(builtAtKill).toBeLessThan(requests.length);

      // A third worker finds the dead workers' jobs stalled, retries them, and builds the rest.
      const last = workers.shift()!;
      await last.line('ready', 1, 60_000);
      last.send('go');
      await last.line('started', 1, 30_000);
      await eventually(
        'every release job completed',
        async () => (await queue.getJobCounts('completed')).completed === requests.length,
        30_000,
        100,
      );
      expect(await last.kill('SIGTERM')).toEqual({ code: 0, signal: null });

      const counts = await queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'prioritized',
        'completed',
        'failed',
      );
      expect(counts).toEqual({
        waiting: 0,
        active: 0,
        delayed: 0,
        prioritized: 0,
        completed: requests.length,
        failed: 0,
      });
      // Every job completed with `built`; those a dead worker held were started more than once.
      for (const id of ids) {
        const job = (await queue.getJob(releaseJobId(id)))!;
        expect({ id, state: await job.getState(), result: job.returnvalue }).toEqual({
          id,
          state: 'completed',
          result: 'built',
        });
        if (held.has(id)) expect(job.stalledCounter + job.attemptsStarted).toBeGreaterThan(1);
      }

      // One stored row per request, each built, digest and signature verifying.
      const signer = await ReleaseSigner.load(dataDir);
      const rows = (await ds.query(
        `SELECT release_id, request_key, status, body, digest, signature, built_at FROM statistics_releases ORDER BY release_id`,
      )) as {
        release_id: string;
        request_key: string;
        status: string;
        body: string;
        digest: string;
        signature: string;
        built_at: Date;
      }[];
      expect(rows.map((r) => r.release_id)).toEqual([...ids].sort());
      for (const r of rows) {
        expect({ id: r.release_id, status: r.status }).toEqual({
          id: r.release_id,
          status: 'built',
        });
        expect(sha256Hex(r.body)).toBe(r.digest);
        expect(verifyRelease(r.body, r.signature, signer.publicKeyPem)).toBe(true);
        expect(parseRelease(r.body).releaseId).toBe(r.release_id);
      }
      // Stored once: no release's final UPDATE took effect twice (a retry of a stored release
      // wrote nothing). A kill may cut a child between its commit and its line: hence ≤ 1.
      const stored = new Map<string, number>();
      for (const c of children)
        for (const l of c.stdout().split('\n'))
          if (l.startsWith('stored ')) stored.set(idOf(l), (stored.get(idOf(l)) ?? 0) + 1);
      for (const [id, n] of stored) expect({ id, n }).toEqual({ id, n: 1 });
      expect(stored.get(storedUnacked)).toBe(1);

      // Asking again: the same stored release, nothing queued, nothing changed.
      for (const [i, r] of requests.entries()) {
        const again = await releases.request(r);
        expect(again).toEqual({ releaseId: ids[i], status: 'built', created: false });
      }
      expect(await queue.getJobCounts('waiting', 'active', 'delayed')).toEqual({
        waiting: 0,
        active: 0,
        delayed: 0,
      });
      const after = (await ds.query(
        `SELECT release_id, digest, built_at FROM statistics_releases ORDER BY release_id`,
      )) as { release_id: string; digest: string; built_at: Date }[];
      expect(after).toEqual(
        rows.map((r) => ({ release_id: r.release_id, digest: r.digest, built_at: r.built_at })),
      );

      expect(queueErrors).toEqual([]);
      const errors = children.flatMap((c) =>
        c
          .stdout()
          .split('\n')
          .filter((l) => /^(error|worker-error) /.test(l)),
      );
      if (errors.length) console.log(`worker errors (${backend.kind}):\n${errors.join('\n')}`);
      console.log(
        `release kill (${backend.kind}): ${requests.length} releases over ${CASES} fact rows, kills mid-build and after store, ${held.size} jobs recovered from dead workers, ${Date.now() - t0} ms`,
      );
    }, 60_000);
  },
);
