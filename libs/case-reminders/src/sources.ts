import type { DataSource, EntityManager } from 'typeorm';
import type { DesiredReminder, ReminderSettings } from './reminders';

export type ReminderDb = DataSource | EntityManager;

/** Which cases a computation of desired reminders covers: all, one case, or those changed since. */
export interface ReminderScope {
  readonly caseId?: string;
  readonly changedSince?: Date;
}

/**
 * A further source of reminders, plugged into the same machinery as the case lifecycle's own
 * (desired reminders → reconciler → BullMQ → processor → due_reminders → GET /reminders/due).
 * Pass sources in `ReminderSettings.sources` (e.g. `CaseRemindersModule.forWorker({ sources })`).
 *
 * Contract: `desired` reads read models only and returns reminders whose job ids derive from
 * their subject, kind and date (and recipient), with opaque ids and dates only in the payload;
 * the processor re-asks `desired` for the job's case when the job fires.
 */
export interface ReminderSource {
  /** Short name for logs. */
  readonly name: string;
  /** Every reminder this source calls for now, within `scope`. */
  desired(
    db: ReminderDb,
    settings: ReminderSettings,
    now: Date,
    scope: ReminderScope,
  ): Promise<DesiredReminder[]>;
  /** Cases whose reminders from this source may have changed since `since` (incremental runs). */
  changedCases(db: ReminderDb, since: Date): Promise<string[]>;
  /** Projections whose checkpoints trigger an incremental reconciliation (their batches change `desired`). */
  readonly projections?: readonly string[];
  /**
   * Deletes open due reminders of this source whose organisation may no longer see them (e.g.
   * access revoked with the person's consent); run after each reconciliation. Returns the count.
   */
  prune?(db: ReminderDb): Promise<number>;
}
