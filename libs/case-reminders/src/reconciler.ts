import type { Job, Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { desiredReminders } from './desired';
import type { DesiredReminder, ReminderJobData, ReminderSettings } from './reminders';

export interface ReconcileReport {
  readonly mode: 'full' | 'incremental';
  readonly desired: number;
  readonly added: number;
  readonly removed: number;
}

/** Job states that still wait to fire (the ones reconciliation may add or remove). */
const PENDING_STATES = ['delayed', 'waiting', 'prioritized'] as const;
const PAGE = 1000;
/** Incremental runs look back this much further than the last run (projection lag, clock skew). */
const INCREMENTAL_MARGIN_MS = 5 * 60_000;

/**
 * Makes the queue hold exactly the reminders the read model calls for.
 * - `full`: compares with the jobs actually in the queue (start-up, after the queue backend
 *   reconnects, and every few minutes), so a queue that lost its jobs gets them back;
 * - `incremental`: only the cases with activity recorded since the last run (minus a margin),
 *   compared with what this process last scheduled for them (after projection batches), without
 *   scanning the queue.
 * Adding is idempotent (the job id derives from case, kind, subject and deadline); a changed
 * deadline yields a new id, and the job for the old one is removed.
 */
export class ReminderReconciler {
  /** Job id → case id of every reminder this process last scheduled (undefined before the first full run). */
  private known: Map<string, string> | undefined;
  private lastRunAt: Date | undefined;
  private running: Promise<ReconcileReport> | undefined;
  private pendingFull = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: Queue<ReminderJobData>,
    private readonly settings: ReminderSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** One reconciliation at a time; a request made while one runs is served by one more run. */
  async reconcile(mode: 'full' | 'incremental' = 'full'): Promise<ReconcileReport> {
    while (this.running) {
      if (mode === 'full') this.pendingFull = true;
      await this.running.catch(() => undefined);
    }
    const effective =
      mode === 'full' || this.pendingFull || this.known === undefined ? 'full' : 'incremental';
    this.pendingFull = false;
    this.running = this.run(effective);
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async run(mode: 'full' | 'incremental'): Promise<ReconcileReport> {
    const now = this.now();
    // Incremental: only cases with activity recorded since the last run (minus a margin for
    // projection lag); time-driven changes (a period ending, a child turning 18) and anything
    // older are the periodic full run's.
    const since =
      mode === 'incremental'
        ? new Date(this.lastRunAt!.getTime() - INCREMENTAL_MARGIN_MS)
        : undefined;
    const desired = await desiredReminders(
      this.dataSource,
      this.settings,
      now,
      since ? { changedSince: since } : {},
    );
    let present: Set<string>;
    if (mode === 'full') {
      present = await this.pendingJobIds();
    } else {
      const changed = new Set(
        (
          (await this.dataSource.query(
            `SELECT case_id FROM case_list WHERE last_activity >= $1::timestamptz`,
            [since!.toISOString()],
          )) as { case_id: string }[]
        ).map((r) => r.case_id),
      );
      for (const source of this.settings.sources)
        for (const id of await source.changedCases(this.dataSource, since!)) changed.add(id);
      present = new Set(
        [...this.known!].filter(([, caseId]) => changed.has(caseId)).map(([id]) => id),
      );
    }
    const toAdd = [...desired.values()].filter((r) => !present.has(r.jobId));
    const toRemove = [...present].filter((id) => !desired.has(id));
    if (toAdd.length > 0) {
      // A job that failed for good (every attempt used, e.g. while the database was down) keeps
      // its id, and BullMQ ignores an add with a taken id: the reminder would never fire. Such a
      // job is removed first, so the reminder is scheduled afresh.
      const failed = await this.failedJobIds();
      for (const r of toAdd) if (failed.has(r.jobId)) await this.queue.remove(r.jobId);
      const now = this.now().getTime();
      for (let i = 0; i < toAdd.length; i += PAGE) {
        await this.queue.addBulk(toAdd.slice(i, i + PAGE).map((r) => this.jobFor(r, now)));
      }
    }
    let removed = 0;
    for (const id of toRemove) {
      // 0 when the job is being processed right now: then it fires once more, harmlessly
      // (the processor re-checks the read model and records due reminders idempotently).
      removed += (await this.queue.remove(id)) ? 1 : 0;
    }
    if (mode === 'full' || !this.known) {
      this.known = new Map([...desired.values()].map((r) => [r.jobId, r.caseId]));
    } else {
      for (const id of toRemove) this.known.delete(id);
      for (const r of desired.values()) this.known.set(r.jobId, r.caseId);
    }
    for (const source of this.settings.sources) await source.prune?.(this.dataSource);
    this.lastRunAt = now;
    return { mode, desired: desired.size, added: toAdd.length, removed };
  }

  private jobFor(r: DesiredReminder, now: number) {
    const data: ReminderJobData = {
      caseId: r.caseId,
      organisationId: r.organisationId,
      kind: r.kind,
      dueOn: r.dueOn,
      ...(r.subjectId !== undefined ? { subjectId: r.subjectId } : {}),
    };
    return {
      name: r.kind,
      data,
      opts: { jobId: r.jobId, delay: Math.max(0, r.remindAt.getTime() - now) },
    };
  }

  private async failedJobIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (let start = 0; ; start += PAGE) {
      const jobs: Job<ReminderJobData>[] = await this.queue.getJobs(
        ['failed'],
        start,
        start + PAGE - 1,
        true,
      );
      for (const j of jobs) if (j?.id) ids.add(j.id);
      if (jobs.length < PAGE) return ids;
    }
  }

  private async pendingJobIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (let start = 0; ; start += PAGE) {
      const jobs: Job<ReminderJobData>[] = await this.queue.getJobs(
        [...PENDING_STATES],
        start,
        start + PAGE - 1,
        true,
      );
      for (const j of jobs) if (j?.id) ids.add(j.id);
      if (jobs.length < PAGE) return ids;
    }
  }
}
