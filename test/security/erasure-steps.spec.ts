import { randomUUID } from 'node:crypto';
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job, Queue } from 'bullmq';
import { Pool } from 'pg';
import {
  CaseCommandsModule,
  ErasureLedger,
  ErasureSteps,
  ErasureStepsFailedError,
} from '@remedy/case-commands';
import {
  CaseRemindersModule,
  eraseCaseReminders,
  REMINDERS_QUEUE,
  type ReminderJobData,
} from '@remedy/case-reminders';
import { createQueueKit, type QueueKit } from '@remedy/queue';
import { createApiApp } from '../support/api-app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../faults/support/processes';

/**
 * The erasure steps on their own (the end-to-end test, erasure.e2e.spec.ts, checks them through
 * the real processes): reminder jobs of a case in every state and its due reminders, on the
 * PostgreSQL queue backend; the erasure ledger file; the step registry.
 */
describe('erasure of a case’s reminders (BullMQ on PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let kit: QueueKit;
  let queue: Queue<ReminderJobData>;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 2 });
    kit = createQueueKit(
      { kind: 'postgres', url: db.url },
      { prefix: `t${randomUUID().slice(0, 8)}` },
    );
    queue = kit.queue<ReminderJobData>(REMINDERS_QUEUE);
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await kit?.close();
    await pool?.end();
    await db?.drop();
  });

  const jobData = (caseId: string, kind: string): ReminderJobData => ({
    caseId,
    organisationId: randomUUID(),
    kind,
    dueOn: '2030-01-01',
  });

  it('removes every job of the case (completed, failed, delayed, waiting) and its due reminders, nothing of another case', async () => {
    const erased = randomUUID();
    const other = randomUUID();
    // Completed and failed: run through a worker (the 'fail' kind throws, one attempt).
    await queue.add('ok', jobData(erased, 'ok'), { jobId: `ok-${erased}` });
    await queue.add('fail', jobData(erased, 'fail'), { jobId: `fail-${erased}`, attempts: 1 });
    await queue.add('ok', jobData(other, 'ok'), { jobId: `ok-${other}` });
    const worker = kit.worker<ReminderJobData>(
      REMINDERS_QUEUE,
      async (job: Job<ReminderJobData>) => {
        if (job.data.kind === 'fail') throw new Error('refused');
        return 'done';
      },
    );
    await eventually('jobs completed and failed', async () => {
      const counts = await queue.getJobCounts('completed', 'failed');
      return counts.completed === 2 && counts.failed === 1;
    });
    await worker.close();
    // Waiting and delayed (no worker runs now).
    await queue.add('later', jobData(erased, 'later'), {
      jobId: `later-${erased}`,
      delay: 3_600_000,
    });
    await queue.add('now', jobData(erased, 'now'), { jobId: `now-${erased}` });
    await queue.add('later', jobData(other, 'later'), {
      jobId: `later-${other}`,
      delay: 3_600_000,
    });
    for (const caseId of [erased, other])
      await pool.query(
        `INSERT INTO due_reminders (reminder_id, case_id, organisation_id, kind, due_on) VALUES ($1, $2, $3, 'k', '2030-01-01')`,
        [`r-${caseId}`, caseId, randomUUID()],
      );

    const report = await eraseCaseReminders(erased.toUpperCase(), pool, queue);
    expect(report).toEqual({ jobsRemoved: 4, jobsActive: 0, dueRemindersDeleted: 1 });

    const left = await queue.getJobs(
      ['completed', 'failed', 'delayed', 'waiting', 'prioritized', 'active'],
      0,
      -1,
    );
    expect(left.map((j) => j.data.caseId)).toEqual([other, other]);
    const due = await pool.query(`SELECT case_id FROM due_reminders ORDER BY case_id`);
    expect(due.rows).toEqual([{ case_id: other }]);
    // Idempotent.
    expect(await eraseCaseReminders(erased, pool, queue)).toEqual({
      jobsRemoved: 0,
      jobsActive: 0,
      dueRemindersDeleted: 0,
    });
  }, 60_000);
});

describe('the erasure ledger file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'remedy-ledger-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const entry = () => ({
    caseId: randomUUID(),
    erasureRequestId: randomUUID(),
    userId: randomUUID(),
    organisationId: randomUUID(),
    erasedAt: new Date().toISOString(),
  });

  it('appends one JSON line per erasure (creating the directory, mode 0600) and reads them back in order', async () => {
    const ledger = new ErasureLedger(join(dir, 'nested', 'erasure-ledger.jsonl'));
    expect(await ledger.entries()).toEqual([]);
    const a = entry();
    const b = { ...entry(), caseId: randomUUID().toUpperCase() };
    await ledger.append(a);
    await ledger.append(b);
    expect(await ledger.entries()).toEqual([a, { ...b, caseId: b.caseId.toLowerCase() }]);
    expect(await ledger.has(b.caseId)).toBe(true);
    expect(await ledger.has(randomUUID())).toBe(false);
    const text = readFileSync(ledger.path, 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    expect(text).not.toMatch(/[^\x20-\x7e\n]/);
    expect(statSync(ledger.path).mode & 0o777).toBe(0o600);
  });

  it('skips a torn or foreign line (a crash mid-write, a hand edit) and keeps the rest', async () => {
    const path = join(dir, 'erasure-ledger.jsonl');
    const a = entry();
    writeFileSync(path, `${JSON.stringify(a)}\n{"caseId":"${randomUUID()}","erasureReq`);
    appendFileSync(path, `\n${JSON.stringify({ ...entry(), caseId: 'Jane Doe' })}\n`);
    const ledger = new ErasureLedger(path);
    expect(await ledger.entries()).toEqual([a]);
    const b = entry();
    await ledger.append(b);
    expect(await ledger.entries()).toEqual([a, b]);
  });

  it('starts a new line after a torn last line, so the next erasure is not lost', async () => {
    const path = join(dir, 'erasure-ledger.jsonl');
    const a = entry();
    writeFileSync(path, `${JSON.stringify(a)}\n{"caseId":"${randomUUID()}","erasureReq`);
    const ledger = new ErasureLedger(path);
    const b = entry();
    await ledger.append(b);
    expect(await ledger.entries()).toEqual([a, b]);
  });
});

describe('erasure steps', () => {
  it('refuses two steps of one name; the core steps come first', () => {
    const steps = new ErasureSteps([{ name: 'data-key', erase: async () => true }]);
    steps.register({ name: 'stored-exports', erase: async () => undefined });
    expect(steps.all().map((s) => s.name)).toEqual(['data-key', 'stored-exports']);
    expect(() => steps.register({ name: 'data-key', erase: async () => undefined })).toThrow(
      /already registered/,
    );
    expect(new ErasureStepsFailedError(['reminders']).message).toContain('reminders');
  });

  it('runs the reminders step, contributed by CaseRemindersModule, after the core steps', async () => {
    const api = await createApiApp({ modules: [CaseCommandsModule, CaseRemindersModule.forApi()] });
    try {
      const steps = api.app.get(ErasureSteps).all();
      expect(steps.map((s) => s.name)).toEqual([
        'data-key',
        'person-index',
        'person-match-tokens',
        'adult-date',
        'linkage-encoding',
        'linkage-record',
        'idempotency-keys',
        'reminders',
      ]);
      // On the command side's pool and the app's queue backend (PostgreSQL here).
      expect(await steps[7]!.erase(randomUUID())).toEqual({
        jobsRemoved: 0,
        jobsActive: 0,
        dueRemindersDeleted: 0,
      });
    } finally {
      await api.close();
    }
  });
});
