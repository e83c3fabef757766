import { ApiProperty } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { withOrganisationScope } from '@remedy/database';

/** A reminder that fell due (the answer of GET /reminders/due and of marking one done). */
export class DueReminder {
  @ApiProperty({ description: 'Opaque id (not a uuid)', pattern: '^[A-Za-z0-9_-]{1,400}$' })
  readonly reminderId!: string;

  @ApiProperty({ format: 'uuid' })
  readonly caseId!: string;

  @ApiProperty({
    description:
      'What falls due: reflection_period_ending, referral_unanswered, best_interests_needed, or a claim deadline of legal aid',
    example: 'reflection_period_ending',
  })
  readonly kind!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The referral, claim, hearing... the reminder is about',
  })
  readonly subjectId!: string | null;

  @ApiProperty({ format: 'date' })
  readonly dueOn!: string;

  @ApiProperty({ format: 'date-time' })
  readonly becameDueAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  readonly doneAt!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Opaque id of the user' })
  readonly doneBy!: string | null;
}

export class DueReminderList {
  @ApiProperty({ type: [DueReminder] })
  readonly items!: DueReminder[];
}

interface Row {
  reminder_id: string;
  case_id: string;
  kind: string;
  subject_id: string | null;
  due_on: string;
  became_due_at: Date;
  done_at: Date | null;
  done_by: string | null;
}

const view = (r: Row): DueReminder => ({
  reminderId: r.reminder_id,
  caseId: r.case_id,
  kind: r.kind,
  subjectId: r.subject_id,
  dueOn: r.due_on,
  becameDueAt: new Date(r.became_due_at).toISOString(),
  doneAt: r.done_at ? new Date(r.done_at).toISOString() : null,
  doneBy: r.done_by,
});

const COLUMNS =
  'reminder_id, case_id, kind, subject_id, due_on::text AS due_on, became_due_at, done_at, done_by';

/** Due reminders of one organisation (the caller's only), open ones by default, earliest deadline first. */
export async function listDueReminders(
  ds: DataSource,
  organisationId: string,
  options: { includeDone?: boolean; limit?: number } = {},
): Promise<DueReminder[]> {
  const limit = Math.min(Math.max(1, options.limit ?? 100), 500);
  const rows = (await withOrganisationScope(ds, organisationId, (db) =>
    db.query(
      `SELECT ${COLUMNS} FROM due_reminders WHERE organisation_id = $1 ${options.includeDone ? '' : 'AND done_at IS NULL'}
        ORDER BY due_on, reminder_id LIMIT ${limit}`,
      [organisationId],
    ),
  )) as Row[];
  return rows.map(view);
}

/** Marks a due reminder done (idempotent: the first marking stays). Undefined for another organisation's. */
export async function markReminderDone(
  ds: DataSource,
  organisationId: string,
  reminderId: string,
  userId: string,
): Promise<DueReminder | undefined> {
  // As the application role, its organisation set: row-level security limits both statements to it.
  const rows = (await withOrganisationScope(ds, organisationId, async (db) => {
    await db.query(
      `UPDATE due_reminders SET done_at = now(), done_by = $3
        WHERE reminder_id = $1 AND organisation_id = $2 AND done_at IS NULL`,
      [reminderId, organisationId, userId],
    );
    return db.query(
      `SELECT ${COLUMNS} FROM due_reminders WHERE reminder_id = $1 AND organisation_id = $2`,
      [reminderId, organisationId],
    );
  })) as Row[];
  return rows[0] ? view(rows[0]) : undefined;
}
