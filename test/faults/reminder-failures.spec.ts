import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { casesProjection } from '@remedy/case-read-models';
import { REMINDERS_QUEUE, ReminderRuntime, type ReminderJobData } from '@remedy/case-reminders';
import { createQueueKit, JOB_DEFAULTS, type QueueKit } from '@remedy/queue';
import { openReadSide, type ReadSideHarness } from '../cases/read/support/case-writer';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { seedDueReminders, settings } from './support/due-reminders';
import { eventually } from './support/processes';

/**
 * Fault test (issue 8): the reminder processor fails on every attempt (the database refuses to
 * record due reminders, as during a long outage) until BullMQ gives the jobs up as failed. Once
 * the database accepts again, the next full reconciliation must schedule those reminders afresh:
 * a failed job keeps its id, and adding a job under a taken id is a no-op in BullMQ, so without
 * care the reminders would never fire (lost). Runs on BullMQ's PostgreSQL backend.
 */
const REMINDERS = 5;

describe('reminders whose jobs failed for good are scheduled again (fault test)', () => {
  let db: TestDatabase;
  let h: ReadSideHarness;
  let kit: QueueKit;
  let queue: Queue<ReminderJobData>;

  beforeAll(async () => {
    db = await createTestDatabase();
    h = await openReadSide(db.url, [casesProjection]);
    const base = createQueueKit(
      { kind: 'postgres', url: db.url },
      { prefix: `x${randomUUID().slice(0, 8)}` },
    );
    // The test's only change: retries 50 ms apart (not 1 s doubling), so five attempts take
    // a fraction of a second.
    kit = {
      ...base,
      queue: (name, options) =>
        base.queue(name, {
          ...options,
          defaultJobOptions: { ...JOB_DEFAULTS, backoff: { type: 'fixed', delay: 50 } },
        }),
    };
    queue = kit.queue<ReminderJobData>(REMINDERS_QUEUE);
  });

  afterAll(async () => {
    await kit?.close();
    await h?.close();
    await db?.drop();
  });

  const recorded = async () =>
    (
      (await h.ds.query(`SELECT reminder_id FROM due_reminders ORDER BY reminder_id`)) as {
        reminder_id: string;
      }[]
    ).map((r) => r.reminder_id);

  it('records every reminder once the database accepts again, after its job failed every attempt', async () => {
    const expected = await seedDueReminders(h, REMINDERS);
    // The database refuses every due reminder (as if unavailable to this statement).
    await h.ds.query(`
      CREATE FUNCTION fault_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the fault test'; END $$`);
    await h.ds.query(
      `CREATE TRIGGER fault_refuse BEFORE INSERT ON due_reminders FOR EACH ROW EXECUTE FUNCTION fault_refuse()`,
    );
    const errors: string[] = [];
    const runtime = new ReminderRuntime({
      dataSource: h.ds,
      kit,
      settings,
      logger: { info: () => undefined, error: (message) => errors.push(message) },
    });
    await runtime.start();
    try {
      await eventually(
        'every job failed for good',
        async () => (await queue.getJobCounts('failed')).failed === REMINDERS,
        30_000,
        100,
      );
      const failed = await queue.getJobs(['failed'], 0, 100, true);
      expect(failed.map((j) => j.attemptsMade)).toEqual(failed.map(() => JOB_DEFAULTS.attempts));
      expect(await recorded()).toEqual([]);

      // The database accepts again; the next full reconciliation (periodic, or on reconnection)
      // schedules the failed reminders afresh, and they are recorded once.
      await h.ds.query(`DROP TRIGGER fault_refuse ON due_reminders`);
      expect(await runtime.reconcile('full', 'test')).toMatchObject({ added: REMINDERS });
      await eventually(
        'reminders recorded',
        async () => (await recorded()).length === REMINDERS,
        30_000,
        100,
      );
      expect(await recorded()).toEqual(expected);
      await eventually(
        'jobs completed',
        async () => (await queue.getJobCounts('completed')).completed === REMINDERS,
        30_000,
        100,
      );
      expect(await queue.getJobCounts('failed', 'waiting', 'active', 'delayed')).toEqual({
        failed: 0,
        waiting: 0,
        active: 0,
        delayed: 0,
      });
      // Reconciling again adds nothing: they are due now.
      expect(await runtime.reconcile('full', 'test')).toMatchObject({ added: 0 });
    } finally {
      await runtime.stop();
    }
  }, 60_000);
});
