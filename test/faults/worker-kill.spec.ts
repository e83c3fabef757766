import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import { casesProjection } from '@remedy/case-read-models';
import { REMINDERS_QUEUE, type ReminderJobData } from '@remedy/case-reminders';
import { createQueueKit, WORKER_DEFAULTS, type QueueBackend, type QueueKit } from '@remedy/queue';
import { openReadSide, type ReadSideHarness } from '../cases/read/support/case-writer';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { seedDueReminders } from './support/due-reminders';
import { eventually, spawnTs, type Child, queueBackendsUnderTest } from './support/processes';

/**
 * Fault test (issue 8): the worker is SIGKILLed while it processes reminder jobs, twice, and
 * another one takes over. Every job takes effect exactly once: each due reminder is in
 * `due_reminders` once (the processor records idempotently, by reminder id), none is missing
 * (jobs the killed worker held are found stalled and retried: BullMQ's stalled-job recovery),
 * and every job ends completed, none failed.
 *
 * The child (support/reminder-worker-child.ts) runs the real ReminderRuntime and holds each job
 * for a moment AFTER writing its due reminder and before BullMQ acknowledges it, so a kill lands
 * between the effect and the acknowledgement: the case idempotency exists for.
 * Release jobs: release-kill.spec.ts.
 */
const CHILD = join(__dirname, 'support', 'reminder-worker-child.ts');
const REMINDERS = 60;

describe('queue worker settings', () => {
  it('detects a dead worker’s job as stalled within lockDuration + stalledInterval and fails it after maxStalledCount stalls', () => {
    // As stated in libs/queue/src/queue-kit.ts (WORKER_DEFAULTS): production settings. The fault
    // tests below pass shorter ones through ReminderRuntime's `worker` option.
    expect(WORKER_DEFAULTS).toMatchObject({
      lockDuration: 30_000,
      stalledInterval: 15_000,
      maxStalledCount: 2,
    });
    expect(WORKER_DEFAULTS.stalledInterval).toBeLessThan(WORKER_DEFAULTS.lockDuration);
  });

  it('gives the kit’s workers those settings unless overridden', async () => {
    const db = await createTestDatabase({ migrate: false });
    const kit = createQueueKit(
      { kind: 'postgres', url: db.url },
      { prefix: `t${randomUUID().slice(0, 8)}` },
    );
    try {
      const w = kit.worker('settings-probe', async () => undefined, { autorun: false });
      w.on('error', () => undefined); // its connection ends with the database below
      expect(w.opts).toMatchObject({
        lockDuration: 30_000,
        stalledInterval: 15_000,
        maxStalledCount: 2,
        concurrency: 4,
      });
      const short = kit.worker('settings-probe', async () => undefined, {
        autorun: false,
        lockDuration: 2_000,
        stalledInterval: 1_000,
      });
      short.on('error', () => undefined);
      expect(short.opts).toMatchObject({
        lockDuration: 2_000,
        stalledInterval: 1_000,
        maxStalledCount: 2,
      });
    } finally {
      await kit.close();
      await db.drop();
    }
  });
});

const backends = queueBackendsUnderTest('SIGKILL of the reminder worker');

describe.each(backends)(
  'SIGKILL of the reminder worker mid-processing, BullMQ on $label (fault test)',
  ({ start }) => {
    let db: TestDatabase;
    let h: ReadSideHarness;
    let kit: QueueKit;
    let queue: Queue<ReminderJobData>;
    let backend: QueueBackend;
    let stopBackend: () => Promise<void>;
    const prefix = `f${randomUUID().slice(0, 8)}`;
    const children: Child[] = [];

    beforeAll(async () => {
      db = await createTestDatabase();
      h = await openReadSide(db.url, [casesProjection]);
      const started = await start();
      backend = started.backend(db.url);
      stopBackend = started.stop;
      kit = createQueueKit(backend, { prefix });
      queue = kit.queue<ReminderJobData>(REMINDERS_QUEUE);
    });

    afterAll(async () => {
      await Promise.all(children.map((c) => c.kill('SIGKILL')));
      await kit?.close();
      await h?.close();
      await stopBackend?.();
      await db?.drop();
    });

    const recordedIds = async () =>
      (
        (await h.ds.query(`SELECT reminder_id FROM due_reminders ORDER BY reminder_id`)) as {
          reminder_id: string;
        }[]
      ).map((r) => r.reminder_id);
    /** A worker process, loaded but waiting for `go` (so loading is not on the clock). */
    const loadWorker = () => {
      const c = spawnTs(CHILD, [db.url, backend.kind, backend.url, prefix], {
        ...process.env,
        REMINDER_HOLD_MS: '120',
        REMINDER_WAIT_FOR_GO: '1',
      });
      children.push(c);
      return c;
    };

    it(`records each of ${REMINDERS} due reminders exactly once across two kills`, async () => {
      // All three load while the cases are written (loading compiles the TypeScript: seconds).
      const workers = [loadWorker(), loadWorker(), loadWorker()];
      const expected = await seedDueReminders(h, REMINDERS);
      expect(expected).toHaveLength(REMINDERS);
      const t0 = Date.now();

      // Two workers are killed after a random number of recorded reminders each.
      const kills: { recorded: number; atKill: number; active: number }[] = [];
      const held = new Set<string>();
      for (const share of [0.25, 0.3]) {
        const worker = workers.shift()!;
        await worker.line('ready', 1, 60_000);
        worker.send('go');
        const k = Math.ceil(REMINDERS * share * (0.6 + Math.random() * 0.8));
        await worker.line('recorded', k, 40_000);
        await worker.kill('SIGKILL');
        expect((await worker.exited).signal).toBe('SIGKILL');
        const active = (await queue.getJobs(['active'], 0, 100, true)).map((j) => j.id!);
        for (const id of active) held.add(id);
        kills.push({
          recorded: worker.count('recorded'),
          atKill: (await recordedIds()).length,
          active: active.length,
        });
      }
      // Killed mid-run: reminders were left to do, and jobs were left active (held by a dead worker).
      expect(kills[1]!.atKill).toBeLessThan(REMINDERS);
      expect(held.size).toBeGreaterThan(0);

      // A third worker finds the dead workers' jobs stalled, retries them, and finishes the rest.
      const last = workers.shift()!;
      await last.line('ready', 1, 60_000);
      last.send('go');
      await last.line('started', 1, 30_000);
      // Done when nothing is pending or held any more. (A job recovered after its effect was done
      // may instead be removed by the reconciler: its reminder is already due.)
      await eventually(
        'every job done',
        async () => {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
          return (
            Object.values(counts).every((n) => n === 0) &&
            (await recordedIds()).length === REMINDERS
          );
        },
        40_000,
        100,
      );
      expect(await last.kill('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(last.stdout()).not.toContain('error ');

      // Exactly once: every expected reminder recorded, none twice (the table's key), none other.
      expect(await recordedIds()).toEqual(expected);
      const counts = await queue.getJobCounts('completed', 'failed');
      expect(counts.failed).toBe(0);
      expect(counts.completed).toBeGreaterThan(REMINDERS / 2);
      // Every job a dead worker held was recovered: found stalled and retried to completion, or
      // (when its reminder was already recorded) removed by the next start-up reconciliation.
      let recovered = 0;
      for (const id of held) {
        const job = await queue.getJob(id);
        const state = job ? await job.getState() : 'removed';
        expect({ id, state }).toEqual({
          id,
          state: expect.stringMatching(/^(completed|removed)$/),
        });
        if (job) expect(job.stalledCounter + job.attemptsStarted).toBeGreaterThan(1);
        recovered += 1;
      }
      const errors = children.flatMap((c) =>
        c
          .stdout()
          .split('\n')
          .filter((l) => /^(error|worker-error) /.test(l)),
      );
      if (errors.length) console.log(`worker errors (${backend.kind}):\n${errors.join('\n')}`);
      // No reminder was written twice: retries of jobs whose effect was done wrote nothing. (A
      // kill may also cut a child between its committed insert and its line: hence ≤.)
      const effects = children.reduce((n, c) => n + c.count('recorded'), 0);
      expect(effects).toBeLessThanOrEqual(REMINDERS);
      console.log(
        `worker kill (${backend.kind}): ${REMINDERS} reminders, kills ${JSON.stringify(kills)}, ${recovered} jobs recovered from dead workers, ${Date.now() - t0} ms`,
      );
    }, 90_000);
  },
);
