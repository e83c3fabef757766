import { calendarDateIn } from '@remedy/case-domain';
import { childNowSql } from '@remedy/case-read-models';
import {
  bestInterestsReminder,
  referralReminder,
  reflectionReminder,
  type DesiredReminder,
  type ReminderSettings,
  type ReminderDb as Db,
} from './reminders';

/**
 * Every reminder the read model calls for now (from case_list and case_referrals), keyed by job
 * id. Scheduling is driven from here, never from a projection (projections do no side effects).
 * - reflection period ending: open cases whose period has not ended yet;
 * - referral unanswered: pending referrals (reminded to the referring organisation);
 * - best-interests assessment needed: closure requested for a child with none recorded for it.
 * plus whatever the further sources of `settings.sources` call for (e.g. claim deadlines).
 * Reminders already recorded as due are left out unless `includeDue` (the processor's check).
 * Erased cases call for none (erasure removes their jobs; a job still running then is obsolete).
 * Scope: every case, one case (`caseId`), or cases with activity recorded since `changedSince`.
 */
export async function desiredReminders(
  db: Db,
  settings: ReminderSettings,
  now: Date,
  options: { caseId?: string; changedSince?: Date; includeDue?: boolean } = {},
): Promise<Map<string, DesiredReminder>> {
  const today = calendarDateIn(now, settings.timeZone);
  // $1 is today in every query; $2 the scope, if any.
  const scoped = options.caseId !== undefined || options.changedSince !== undefined;
  const scope = scoped ? [options.caseId ?? options.changedSince!.toISOString()] : [];
  const caseScope =
    options.caseId !== undefined
      ? 'AND case_id = $2'
      : options.changedSince !== undefined
        ? 'AND last_activity >= $2::timestamptz'
        : '';
  const referralScope =
    options.caseId !== undefined
      ? 'AND case_id = $2'
      : options.changedSince !== undefined
        ? 'AND case_id IN (SELECT case_id FROM case_list WHERE last_activity >= $2::timestamptz)'
        : '';
  const reflections = (await db.query(
    `SELECT case_id, organisation_id, reflection_ends_on::text AS ends_on FROM case_list
      WHERE lifecycle <> 'closed' AND NOT erased AND reflection_ends_on IS NOT NULL AND reflection_ends_on >= $1::date ${caseScope}`,
    [today, ...scope],
  )) as { case_id: string; organisation_id: string; ends_on: string }[];
  const referrals = (await db.query(
    `SELECT referral_id, case_id, from_organisation_id, recorded_at FROM case_referrals
      WHERE status = 'pending' AND $1::date IS NOT NULL
        AND case_id NOT IN (SELECT case_id FROM case_list WHERE erased) ${referralScope}`,
    [today, ...scope],
  )) as { referral_id: string; case_id: string; from_organisation_id: string; recorded_at: Date }[];
  const assessments = (await db.query(
    `SELECT case_id, organisation_id, closure_requested_at
       FROM case_list l LEFT JOIN case_adult_dates a USING (case_id)
      WHERE lifecycle = 'closure_requested' AND NOT erased AND 'closure' = ANY(best_interests_pending)
        AND closure_requested_at IS NOT NULL
        AND ${childNowSql('$1')} ${caseScope}`,
    [today, ...scope],
  )) as { case_id: string; organisation_id: string; closure_requested_at: Date }[];

  const all: DesiredReminder[] = [
    ...reflections.map((r) =>
      reflectionReminder(
        { caseId: r.case_id, organisationId: r.organisation_id, endsOn: r.ends_on },
        settings,
      ),
    ),
    ...referrals.map((r) =>
      referralReminder(
        {
          caseId: r.case_id,
          organisationId: r.from_organisation_id,
          referralId: r.referral_id,
          referredAt: new Date(r.recorded_at),
        },
        settings,
      ),
    ),
    ...assessments.map((r) =>
      bestInterestsReminder(
        {
          caseId: r.case_id,
          organisationId: r.organisation_id,
          decision: 'closure',
          requestedAt: new Date(r.closure_requested_at),
        },
        settings,
      ),
    ),
  ];
  for (const source of settings.sources) {
    all.push(
      ...(await source.desired(db, settings, now, {
        ...(options.caseId !== undefined ? { caseId: options.caseId } : {}),
        ...(options.changedSince !== undefined ? { changedSince: options.changedSince } : {}),
      })),
    );
  }
  const desired = new Map(all.map((r) => [r.jobId, r]));
  if (!options.includeDue && desired.size > 0) {
    const due = (await db.query(
      `SELECT reminder_id FROM due_reminders WHERE reminder_id = ANY($1::text[])`,
      [[...desired.keys()]],
    )) as { reminder_id: string }[];
    for (const d of due) desired.delete(d.reminder_id);
  }
  return desired;
}
