import type { Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import { desiredReminders } from './desired';
import type { ReminderJobData, ReminderSettings } from './reminders';

export type ReminderOutcome = 'recorded' | 'already_recorded' | 'obsolete';

/**
 * A reminder fired: if the read model still calls for it (the deadline may have moved, the case
 * been closed, the referral answered), record it as due in `due_reminders`, idempotently (the
 * job id is the reminder id). Logs nothing personal: the job holds opaque ids only.
 */
export async function processReminder(
  dataSource: DataSource,
  settings: ReminderSettings,
  job: Pick<Job<ReminderJobData>, 'id' | 'data'>,
  now: Date = new Date(),
): Promise<ReminderOutcome> {
  const id = job.id!;
  const still = await desiredReminders(dataSource, settings, now, {
    caseId: job.data.caseId,
    includeDue: true,
  });
  if (!still.has(id)) return 'obsolete';
  const { caseId, organisationId, kind, subjectId, dueOn } = job.data;
  const inserted = (await dataSource.query(
    `INSERT INTO due_reminders (reminder_id, case_id, organisation_id, kind, subject_id, due_on)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (reminder_id) DO NOTHING RETURNING reminder_id`,
    [id, caseId, organisationId, kind, subjectId ?? null, dueOn],
  )) as unknown[];
  return inserted.length > 0 ? 'recorded' : 'already_recorded';
}
