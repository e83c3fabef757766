import type { EntityManager } from 'typeorm';
import type { CaseEvent } from '@remedy/case-domain';
import { sealedCiphertextOf } from '@remedy/case-stream';
import type { ClaimDeadline, LegalAidClaimRow } from './entities';

export const CLAIM_EVENT_TYPES = [
  'CompensationClaimFiled',
  'ClaimLegalRepresentativeRecorded',
  'ClaimHearingScheduled',
  'ClaimDecided',
  'ClaimAppealed',
  'ClaimDecisionBecameFinal',
  'ClaimPaymentReceived',
  'ClaimEnforcementStarted',
  'ClaimClosed',
] as const;

const CLAIM_EVENTS = new Set<string>(CLAIM_EVENT_TYPES);
export const isClaimEvent = (type: string): boolean => CLAIM_EVENTS.has(type);

/**
 * The pending deadlines of a claim (pure): none once closed; the filing (limitation) deadline
 * while the claim awaits its first decision; every hearing (the query keeps those from today on);
 * the payment due date while an award is outstanding.
 */
export function claimDeadlines(row: LegalAidClaimRow): ClaimDeadline[] {
  if (row.status === 'closed') return [];
  const out: ClaimDeadline[] = [];
  if (
    row.status === 'filed' &&
    row.filing_deadline !== null &&
    row.filing_deadline >= row.filed_on
  ) {
    out.push({ kind: 'filing_deadline', subjectId: row.claim_id, dueOn: row.filing_deadline });
  }
  for (const h of row.hearings)
    out.push({ kind: 'hearing', subjectId: h.hearingId, dueOn: h.hearingOn });
  if (row.payment_due_on !== null && row.outstanding > 0) {
    out.push({ kind: 'payment_due', subjectId: row.claim_id, dueOn: row.payment_due_on });
  }
  return out.sort((a, b) =>
    a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : a.kind.localeCompare(b.kind),
  );
}

const outstandingOf = (awarded: number | null, paid: number) => Math.max((awarded ?? 0) - paid, 0);

/**
 * A claim's row after one more event of its case (pure). `row` is undefined before the claim is
 * filed; events of other claims and other types return it unchanged.
 */
export function foldClaim(
  row: LegalAidClaimRow | undefined,
  event: CaseEvent,
  recorded: { revision: bigint; recordedAt: Date },
): LegalAidClaimRow | undefined {
  const revision = recorded.revision.toString();
  const stamp = { last_revision: revision, updated_at: recorded.recordedAt.toISOString() };
  const withText = (r: LegalAidClaimRow, personal: unknown): LegalAidClaimRow['sealed_texts'] => {
    const sealed = sealedCiphertextOf(personal);
    return sealed === undefined
      ? r.sealed_texts
      : [...r.sealed_texts, { eventType: event.type, revision, sealed }];
  };
  if (event.type === 'CompensationClaimFiled') {
    if (row) return row;
    const d = event.data;
    const filed: LegalAidClaimRow = {
      claim_id: d.claimId,
      case_id: d.caseId,
      remedy_id: d.remedyId ?? null,
      avenue: d.avenue,
      respondent_kind: d.respondentKind,
      currency: d.currency,
      status: 'filed',
      claimed: { ...d.claimed } as Record<string, number>,
      claimed_total: d.claimedTotal,
      awarded: null,
      awarded_total: null,
      paid_total: 0,
      outstanding: 0,
      filed_on: d.filedOn,
      filing_deadline: d.filingDeadline ?? null,
      filed_late: d.filedLate,
      decisions: [],
      appeals: [],
      final_on: null,
      hearings: [],
      payments: [],
      payment_due_on: null,
      enforcement_started_on: null,
      closure_outcome: null,
      closed_on: null,
      legal_representative_id: d.legalRepresentativeId ?? null,
      deadlines: [],
      sealed_texts: [],
      ...stamp,
    };
    const next = { ...filed, sealed_texts: withText(filed, d.personal) };
    return { ...next, deadlines: claimDeadlines(next) };
  }
  if (!row) return undefined;
  let next: LegalAidClaimRow;
  switch (event.type) {
    case 'ClaimLegalRepresentativeRecorded':
      if (event.data.claimId !== row.claim_id) return row;
      next = { ...row, legal_representative_id: event.data.legalRepresentativeId };
      break;
    case 'ClaimHearingScheduled':
      if (event.data.claimId !== row.claim_id) return row;
      next = {
        ...row,
        hearings: [
          ...row.hearings,
          { hearingId: event.data.hearingId, hearingOn: event.data.hearingOn },
        ],
        sealed_texts: withText(row, event.data.personal),
      };
      break;
    case 'ClaimDecided': {
      if (event.data.claimId !== row.claim_id) return row;
      const d = event.data;
      next = {
        ...row,
        status: 'decided',
        decisions: [
          ...row.decisions,
          {
            instance: d.instance,
            outcome: d.outcome,
            awarded: { ...d.awarded } as Record<string, number>,
            awardedTotal: d.awardedTotal,
            decidedOn: d.decidedOn,
            ...(d.paymentDueOn ? { paymentDueOn: d.paymentDueOn } : {}),
          },
        ],
        awarded: { ...d.awarded } as Record<string, number>,
        awarded_total: d.awardedTotal,
        outstanding: outstandingOf(d.awardedTotal, row.paid_total),
        payment_due_on: d.paymentDueOn ?? null,
        sealed_texts: withText(row, d.personal),
      };
      break;
    }
    case 'ClaimAppealed':
      if (event.data.claimId !== row.claim_id) return row;
      next = {
        ...row,
        status: 'appealed',
        appeals: [
          ...row.appeals,
          { appealedBy: event.data.appealedBy, appealedOn: event.data.appealedOn },
        ],
        sealed_texts: withText(row, event.data.personal),
      };
      break;
    case 'ClaimDecisionBecameFinal':
      if (event.data.claimId !== row.claim_id) return row;
      next = { ...row, status: 'final', final_on: event.data.finalOn };
      break;
    case 'ClaimPaymentReceived': {
      if (event.data.claimId !== row.claim_id) return row;
      const d = event.data;
      const outstanding = outstandingOf(row.awarded_total, d.paidTotal);
      next = {
        ...row,
        payments: [
          ...row.payments,
          {
            paymentId: d.paymentId,
            receivedOn: d.receivedOn,
            amount: d.amount,
            ...(d.original ? { original: { ...d.original } } : {}),
            aboveAward: d.aboveAward,
          },
        ],
        paid_total: d.paidTotal,
        outstanding,
        // What is still outstanding stays due on the date it had until a payment names a new
        // one (the next instalment's); none once nothing is outstanding.
        payment_due_on: outstanding > 0 ? (d.nextPaymentDueOn ?? row.payment_due_on) : null,
        sealed_texts: withText(row, d.personal),
      };
      break;
    }
    case 'ClaimEnforcementStarted':
      if (event.data.claimId !== row.claim_id) return row;
      next = {
        ...row,
        enforcement_started_on: event.data.startedOn,
        sealed_texts: withText(row, event.data.personal),
      };
      break;
    case 'ClaimClosed':
      if (event.data.claimId !== row.claim_id) return row;
      next = {
        ...row,
        status: 'closed',
        closure_outcome: event.data.outcome,
        closed_on: event.data.closedOn,
        sealed_texts: withText(row, event.data.personal),
      };
      break;
    case 'PersonalDataErased':
      next = { ...row, sealed_texts: [] };
      break;
    default:
      return row;
  }
  return { ...next, ...stamp, deadlines: claimDeadlines(next) };
}

/** The columns the projection writes (`copyUpsert`). */
export const LEGAL_AID_CLAIM_COLUMNS: readonly (readonly [keyof LegalAidClaimRow, string])[] = [
  ['claim_id', 'text'],
  ['case_id', 'text'],
  ['remedy_id', 'text'],
  ['avenue', 'text'],
  ['respondent_kind', 'text'],
  ['currency', 'text'],
  ['status', 'text'],
  ['claimed', 'jsonb'],
  ['claimed_total', 'bigint'],
  ['awarded', 'jsonb'],
  ['awarded_total', 'bigint'],
  ['paid_total', 'bigint'],
  ['outstanding', 'bigint'],
  ['filed_on', 'date'],
  ['filing_deadline', 'date'],
  ['filed_late', 'boolean'],
  ['decisions', 'jsonb'],
  ['appeals', 'jsonb'],
  ['final_on', 'date'],
  ['hearings', 'jsonb'],
  ['payments', 'jsonb'],
  ['payment_due_on', 'date'],
  ['enforcement_started_on', 'date'],
  ['closure_outcome', 'text'],
  ['closed_on', 'date'],
  ['legal_representative_id', 'text'],
  ['deadlines', 'jsonb'],
  ['sealed_texts', 'jsonb'],
  ['last_revision', 'bigint'],
  ['updated_at', 'timestamptz'],
];

const SELECTED: readonly (readonly [string, string?])[] = [
  ['claim_id'],
  ['case_id'],
  ['remedy_id'],
  ['avenue'],
  ['respondent_kind'],
  ['currency'],
  ['status'],
  ['claimed'],
  ['claimed_total', 'text'],
  ['awarded'],
  ['awarded_total', 'text'],
  ['paid_total', 'text'],
  ['outstanding', 'text'],
  ['filed_on', 'text'],
  ['filing_deadline', 'text'],
  ['filed_late'],
  ['decisions'],
  ['appeals'],
  ['final_on', 'text'],
  ['hearings'],
  ['payments'],
  ['payment_due_on', 'text'],
  ['enforcement_started_on', 'text'],
  ['closure_outcome'],
  ['closed_on', 'text'],
  ['legal_representative_id'],
  ['deadlines'],
  ['sealed_texts'],
  ['last_revision', 'text'],
  ['updated_at', 'text'],
];

/** Claim columns as the folds expect them (dates and bigints as text), from table alias `alias`. */
export const claimSelect = (alias?: string): string =>
  SELECTED.map(([c, cast]) => {
    const col = alias ? `${alias}.${c}` : c;
    return cast ? `${col}::${cast} AS ${c}` : col;
  }).join(', ');

export const CLAIM_SELECT = claimSelect();

/** Converts a selected row's bigint texts back to numbers (amounts are safe integers of minor units). */
export function claimRowOf(raw: Record<string, unknown>): LegalAidClaimRow {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    ...(raw as unknown as LegalAidClaimRow),
    claimed_total: num(raw.claimed_total)!,
    awarded_total: num(raw.awarded_total),
    paid_total: num(raw.paid_total)!,
    outstanding: num(raw.outstanding)!,
  };
}

export async function loadClaimsOfCases(
  em: EntityManager,
  caseIds: readonly string[],
): Promise<Map<string, LegalAidClaimRow>> {
  const rows = (await em.query(
    `SELECT ${CLAIM_SELECT} FROM legal_aid_claims WHERE case_id = ANY($1::text[])`,
    [caseIds],
  )) as Record<string, unknown>[];
  return new Map(rows.map((r) => [r.claim_id as string, claimRowOf(r)]));
}
