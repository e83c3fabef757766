import type { Job, Queue } from 'bullmq';
import { ErasureStepContribution } from '@remedy/case-commands';
import { REMINDERS_QUEUE, type ReminderJobData } from './reminders';

/** A TypeORM DataSource/EntityManager (rows) or a pg Pool/Client (a result with `rows`). */
export interface ErasureDb {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

/** Every state a BullMQ job can be in: erasure leaves none of a case's jobs behind. */
const ALL_JOB_STATES = [
  'delayed',
  'waiting',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
  'active',
] as const;
const PAGE = 1000;

export interface ReminderErasureReport {
  /** Jobs of the case removed from the queue (any state). */
  readonly jobsRemoved: number;
  /** Jobs of the case being processed right now (locked; the processor finds them obsolete). */
  readonly jobsActive: number;
  /** Rows of `due_reminders` deleted. */
  readonly dueRemindersDeleted: number;
}

/**
 * Erasure of a case's reminders: every job of the reminders queue whose data names the case
 * (delayed, waiting, completed, failed...: reminder kinds of every source share the queue and
 * the `caseId` field), and its rows in `due_reminders`. Jobs hold opaque ids only, but a job about
 * an erased case must neither linger nor run. A job being processed at this moment cannot be
 * removed; it finds the case erased (`desiredReminders` leaves erased cases out) and records
 * nothing. Reconciliation never schedules reminders of an erased case again.
 */
export async function eraseCaseReminders(
  caseId: string,
  db: ErasureDb,
  queue?: Pick<Queue<ReminderJobData>, 'getJobs' | 'remove'>,
): Promise<ReminderErasureReport> {
  const id = caseId.toLowerCase();
  let jobsRemoved = 0;
  let jobsActive = 0;
  if (queue) {
    const ids: { id: string; active: boolean }[] = [];
    for (const state of ALL_JOB_STATES) {
      for (let start = 0; ; start += PAGE) {
        const jobs: Job<ReminderJobData>[] = await queue.getJobs(
          [state],
          start,
          start + PAGE - 1,
          true,
        );
        for (const j of jobs)
          if (j?.id && typeof j.data?.caseId === 'string' && j.data.caseId.toLowerCase() === id)
            ids.push({ id: j.id, active: state === 'active' });
        if (jobs.length < PAGE) break;
      }
    }
    for (const job of ids) {
      if (job.active) {
        jobsActive += 1;
        continue;
      }
      jobsRemoved += (await queue.remove(job.id)) ? 1 : 0;
    }
  }
  const result = await db.query(
    `WITH gone AS (DELETE FROM due_reminders WHERE lower(case_id) = $1 RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [id],
  );
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
    n: number;
  }[];
  return { jobsRemoved, jobsActive, dueRemindersDeleted: rows[0]?.n ?? 0 };
}

/**
 * The `reminders` erasure step, contributed to the command side's erasure (CaseRemindersModule
 * provides it; the CLI passes it to `openStandaloneEraser`): `eraseCaseReminders` over the command
 * side's pool (its owner role sees every organisation's `due_reminders`) and the reminders queue
 * when the process has a queue backend.
 */
export const REMINDERS_ERASURE = new ErasureStepContribution('reminders', ({ pool, kit }) => {
  let queue: Queue<ReminderJobData> | undefined;
  return async (caseId) => ({
    ...(await eraseCaseReminders(
      caseId,
      pool,
      kit ? (queue ??= kit.queue<ReminderJobData>(REMINDERS_QUEUE)) : undefined,
    )),
  });
});
