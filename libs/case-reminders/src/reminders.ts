import type { DataSource, EntityManager } from 'typeorm';
import { addDays, calendarDateIn, type CalendarDate } from '@remedy/case-domain';

/**
 * Reminders of the case lifecycle (pure part: kinds, settings, job ids, when each one fires).
 * A reminder job carries opaque ids and dates only: never a name or any other personal data.
 */
export const REMINDER_KINDS = [
  'reflection_period_ending',
  'referral_unanswered',
  'best_interests_needed',
] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

export const REMINDERS_QUEUE = 'case-reminders';
/**
 * The periodic full reconciliation: a BullMQ job scheduler on a queue of its own (the reminders
 * queue holds reminders only: reconciliation compares its pending jobs with the read model).
 */
export const REMINDER_RECONCILIATION_QUEUE = 'case-reminders-reconciliation';
export const REMINDER_RECONCILIATION_SCHEDULER = 'case-reminders-reconcile';

export interface ReminderSettings {
  /** IANA time zone of the jurisdiction: deadlines are calendar dates there. */
  readonly timeZone: string;
  /** Days before the last day of a recovery and reflection period (default 5). */
  readonly reflectionLeadDays: number;
  /** Days without an answer after which a referral is reminded (default 7). */
  readonly referralNoAnswerDays: number;
  /** Full reconciliation with the queue every N minutes (default 10). */
  readonly reconcileEveryMinutes: number;
  /** How often the queue backend is probed to notice a reconnection (default 15 s). */
  readonly queueProbeSeconds: number;
  /** Quiet time after a projection batch before the incremental reconciliation runs (default 500 ms). */
  readonly debounceMs: number;
  /** Further reminder sources beside the case lifecycle's own (default none), e.g. claim deadlines. */
  readonly sources: readonly ReminderSource[];
}

export const DEFAULT_REMINDER_SETTINGS: Omit<ReminderSettings, 'timeZone'> = Object.freeze({
  reflectionLeadDays: 5,
  referralNoAnswerDays: 7,
  reconcileEveryMinutes: 10,
  queueProbeSeconds: 15,
  debounceMs: 500,
  sources: [],
});

export function reminderSettings(
  input: Partial<ReminderSettings> & { timeZone: string },
): ReminderSettings {
  const s = { ...DEFAULT_REMINDER_SETTINGS, ...input };
  for (const key of ['reflectionLeadDays', 'referralNoAnswerDays'] as const) {
    if (!Number.isInteger(s[key]) || s[key] < 0)
      throw new RangeError(`${key} must be a whole number of days ≥ 0`);
  }
  if (!(s.reconcileEveryMinutes > 0))
    throw new RangeError('reconcileEveryMinutes must be positive');
  return Object.freeze(s);
}

/** What a reminder job carries (opaque ids, a kind and dates only). */
export interface ReminderJobData {
  readonly caseId: string;
  readonly organisationId: string;
  /** A `ReminderKind`, or a kind of a further source (see sources.ts). */
  readonly kind: ReminderKind | (string & {});
  /** The referral (for referral_unanswered), the decision (for best_interests_needed), a source's subject; else absent. */
  readonly subjectId?: string;
  /** The deadline the reminder is about (calendar date in the jurisdiction). */
  readonly dueOn: CalendarDate;
}

export interface DesiredReminder extends ReminderJobData {
  readonly jobId: string;
  /** When the job should fire. */
  readonly remindAt: Date;
}

/**
 * The job id: derived from the case, the kind, the subject and the deadline, so scheduling the
 * same reminder twice is a no-op, and a changed deadline is a new job (the old one is removed).
 * BullMQ refuses ':' in custom ids, so the parts are joined with '-'.
 */
export function reminderJobId(r: ReminderJobData): string {
  const id = [r.kind, r.caseId, r.subjectId ?? 'case', r.dueOn].join('-');
  if (id.includes(':')) throw new RangeError('reminder job ids must not contain ":"');
  return id;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The instant a calendar day starts in a time zone (handles DST: offset read at that instant). */
export function startOfDayIn(date: CalendarDate, timeZone: string): Date {
  const utcMidnight = Date.parse(`${date}T00:00:00.000Z`);
  const format = formatterFor(timeZone);
  const offsetAt = (instant: number): number => {
    const parts = format.formatToParts(new Date(instant));
    const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
    const asUtc = Date.UTC(
      get('year'),
      get('month') - 1,
      get('day'),
      get('hour'),
      get('minute'),
      get('second'),
    );
    return asUtc - instant;
  };
  let guess = utcMidnight - offsetAt(utcMidnight);
  guess = utcMidnight - offsetAt(guess);
  return new Date(guess);
}

export function reflectionReminder(
  row: { caseId: string; organisationId: string; endsOn: CalendarDate },
  settings: ReminderSettings,
): DesiredReminder {
  const data: ReminderJobData = {
    caseId: row.caseId,
    organisationId: row.organisationId,
    kind: 'reflection_period_ending',
    dueOn: row.endsOn,
  };
  return {
    ...data,
    jobId: reminderJobId(data),
    remindAt: startOfDayIn(addDays(row.endsOn, -settings.reflectionLeadDays), settings.timeZone),
  };
}

export function referralReminder(
  row: { caseId: string; organisationId: string; referralId: string; referredAt: Date },
  settings: ReminderSettings,
): DesiredReminder {
  const remindAt = new Date(row.referredAt.getTime() + settings.referralNoAnswerDays * 86_400_000);
  const data: ReminderJobData = {
    caseId: row.caseId,
    organisationId: row.organisationId,
    kind: 'referral_unanswered',
    subjectId: row.referralId,
    dueOn: calendarDateIn(remindAt, settings.timeZone),
  };
  return { ...data, jobId: reminderJobId(data), remindAt };
}

export function bestInterestsReminder(
  row: { caseId: string; organisationId: string; decision: string; requestedAt: Date },
  settings: ReminderSettings,
): DesiredReminder {
  const data: ReminderJobData = {
    caseId: row.caseId,
    organisationId: row.organisationId,
    kind: 'best_interests_needed',
    subjectId: row.decision,
    dueOn: calendarDateIn(row.requestedAt, settings.timeZone),
  };
  return { ...data, jobId: reminderJobId(data), remindAt: row.requestedAt };
}

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
