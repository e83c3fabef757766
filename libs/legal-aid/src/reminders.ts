import { addDays, calendarDateIn } from '@remedy/case-domain';
import {
  startOfDayIn,
  type DesiredReminder,
  type ReminderDb,
  type ReminderJobData,
  type ReminderScope,
  type ReminderSettings,
  type ReminderSource,
} from '@remedy/case-reminders';
import type { ClaimDeadlineKind } from './entities';
import { LEGAL_AID_PROJECTION } from './legal-aid.projection';

/** Reminder kinds of compensation claims (in due_reminders.kind and the jobs' `kind`). */
export const CLAIM_REMINDER_KINDS = [
  'claim_filing_deadline',
  'claim_hearing',
  'claim_payment_due',
] as const;
export type ClaimReminderKind = (typeof CLAIM_REMINDER_KINDS)[number];

const KIND_OF: Record<ClaimDeadlineKind, ClaimReminderKind> = {
  filing_deadline: 'claim_filing_deadline',
  hearing: 'claim_hearing',
  payment_due: 'claim_payment_due',
};

export interface ClaimReminderSettings {
  /** Days before a filing (limitation) deadline (default 14). */
  readonly filingDeadlineLeadDays: number;
  /** Days before a hearing (default 7). */
  readonly hearingLeadDays: number;
  /** Days before a payment falls due (default 3). */
  readonly paymentDueLeadDays: number;
}

export const DEFAULT_CLAIM_REMINDER_SETTINGS: ClaimReminderSettings = Object.freeze({
  filingDeadlineLeadDays: 14,
  hearingLeadDays: 7,
  paymentDueLeadDays: 3,
});

const leadDays = (kind: ClaimDeadlineKind, s: ClaimReminderSettings): number =>
  kind === 'filing_deadline'
    ? s.filingDeadlineLeadDays
    : kind === 'hearing'
      ? s.hearingLeadDays
      : s.paymentDueLeadDays;

/**
 * The job id of a claim reminder: from the claim, the kind and the date, and the organisation it
 * goes to (each organisation that reaches the case gets its own due reminder). Same deadline →
 * same id (scheduling twice is a no-op); a moved date → a new id, the old job is removed.
 */
export const claimReminderJobId = (
  kind: ClaimReminderKind,
  claimId: string,
  dueOn: string,
  organisationId: string,
): string => [kind, claimId, dueOn, organisationId].join('-');

/** One desired reminder of a pending claim deadline (pure). */
export function claimReminder(
  row: {
    caseId: string;
    claimId: string;
    organisationId: string;
    kind: ClaimDeadlineKind;
    dueOn: string;
  },
  settings: ReminderSettings,
  claimSettings: ClaimReminderSettings = DEFAULT_CLAIM_REMINDER_SETTINGS,
): DesiredReminder {
  const kind = KIND_OF[row.kind];
  const data: ReminderJobData = {
    caseId: row.caseId,
    organisationId: row.organisationId,
    kind,
    subjectId: row.claimId,
    dueOn: row.dueOn,
  };
  return {
    ...data,
    jobId: claimReminderJobId(kind, row.claimId, row.dueOn, row.organisationId),
    remindAt: startOfDayIn(
      addDays(row.dueOn, -leadDays(row.kind, claimSettings)),
      settings.timeZone,
    ),
  };
}

/** Organisations a claim's reminders go to: the holder, and every legal-aid organisation with live access and consent. */
const RECIPIENTS = `(SELECT array_agg(DISTINCT o) FROM unnest(
     ARRAY[c.holding_organisation_id] || ARRAY(SELECT unnest(c.legal_aid_organisations) INTERSECT SELECT unnest(c.legal_aid_consents))
   ) AS o)`;

/**
 * Claim deadlines as a reminder source of @remedy/case-reminders (same reconciler, processor,
 * due_reminders and GET /reminders/due): filing (limitation) deadlines, hearings and payment due
 * dates still pending (legal_aid_claims.deadlines) from today on, one reminder per organisation
 * that reaches the case.
 */
export function claimDeadlineReminders(input: Partial<ClaimReminderSettings> = {}): ReminderSource {
  const claimSettings: ClaimReminderSettings = Object.freeze({
    ...DEFAULT_CLAIM_REMINDER_SETTINGS,
    ...input,
  });
  for (const [key, value] of Object.entries(claimSettings)) {
    if (!Number.isInteger(value) || value < 0)
      throw new RangeError(`${key} must be a whole number of days ≥ 0`);
  }
  return {
    name: 'claim-deadlines',
    projections: [LEGAL_AID_PROJECTION],
    async desired(
      db: ReminderDb,
      settings: ReminderSettings,
      now: Date,
      scope: ReminderScope,
    ): Promise<DesiredReminder[]> {
      const today = calendarDateIn(now, settings.timeZone);
      const params: unknown[] = [today];
      let where = '';
      if (scope.caseId !== undefined) {
        params.push(scope.caseId);
        where = 'AND cl.case_id = $2';
      } else if (scope.changedSince !== undefined) {
        params.push(scope.changedSince.toISOString());
        where = 'AND (cl.updated_at >= $2::timestamptz OR c.updated_at >= $2::timestamptz)';
      }
      const rows = (await db.query(
        `SELECT cl.case_id, cl.claim_id, d->>'kind' AS kind, d->>'dueOn' AS due_on, ${RECIPIENTS} AS recipients
           FROM legal_aid_claims cl JOIN legal_aid_cases c ON c.case_id = cl.case_id
           CROSS JOIN LATERAL jsonb_array_elements(cl.deadlines) d
          WHERE cl.status <> 'closed' AND NOT c.erased AND (d->>'dueOn')::date >= $1::date ${where}`,
        params,
      )) as {
        case_id: string;
        claim_id: string;
        kind: ClaimDeadlineKind;
        due_on: string;
        recipients: string[];
      }[];
      return rows.flatMap((r) =>
        r.recipients.map((organisationId) =>
          claimReminder(
            {
              caseId: r.case_id,
              claimId: r.claim_id,
              organisationId,
              kind: r.kind,
              dueOn: r.due_on,
            },
            settings,
            claimSettings,
          ),
        ),
      );
    },
    async changedCases(db: ReminderDb, since: Date): Promise<string[]> {
      const rows = (await db.query(
        `SELECT case_id FROM legal_aid_claims WHERE updated_at >= $1::timestamptz
         UNION SELECT c.case_id FROM legal_aid_cases c WHERE c.updated_at >= $1::timestamptz
           AND EXISTS (SELECT 1 FROM legal_aid_claims cl WHERE cl.case_id = c.case_id)`,
        [since.toISOString()],
      )) as { case_id: string }[];
      return rows.map((r) => r.case_id);
    },
    async prune(db: ReminderDb): Promise<number> {
      // Rule 2: an organisation that lost legal-aid access (or consent) keeps no open claim reminder.
      const rows = (await db.query(
        `WITH gone AS (DELETE FROM due_reminders d
          WHERE d.kind = ANY($1::text[]) AND d.done_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM legal_aid_cases c WHERE c.case_id = d.case_id
                  AND (c.holding_organisation_id = d.organisation_id
                       OR (d.organisation_id = ANY(c.legal_aid_organisations) AND d.organisation_id = ANY(c.legal_aid_consents))))
          RETURNING d.reminder_id) SELECT count(*)::int AS n FROM gone`,
        [[...CLAIM_REMINDER_KINDS]],
      )) as { n: number }[];
      return rows[0]?.n ?? 0;
    },
  };
}
