import { openPersonalView, type PersonalDecrypter } from '@remedy/case-stream';
import type { ClaimDeadline, LegalAidClaimRow } from './entities';

/** Everything recorded of a claim (amounts in integer minor units of `currency`). */
export interface ClaimView {
  readonly claimId: string;
  readonly caseId: string;
  readonly remedyId: string | null;
  readonly avenue: string;
  readonly respondentKind: string;
  readonly currency: string;
  readonly status: string;
  readonly claimed: { readonly byHead: Record<string, number>; readonly total: number };
  /** The standing award (latest decision); null until decided. */
  readonly awarded: { readonly byHead: Record<string, number>; readonly total: number } | null;
  readonly paid: number;
  readonly outstanding: number;
  readonly filedOn: string;
  readonly filingDeadline: string | null;
  readonly filedLate: boolean;
  readonly decisions: LegalAidClaimRow['decisions'];
  readonly appeals: LegalAidClaimRow['appeals'];
  readonly finalOn: string | null;
  readonly hearings: LegalAidClaimRow['hearings'];
  readonly payments: LegalAidClaimRow['payments'];
  readonly paymentDueOn: string | null;
  /** A payment due date has passed with money still outstanding. */
  readonly paymentOverdue: boolean;
  readonly enforcementStartedOn: string | null;
  readonly closure: { readonly outcome: string; readonly closedOn: string } | null;
  readonly legalRepresentativeId: string | null;
  /** The earliest pending deadline from today on (filing deadline, hearing, payment due). */
  readonly nextDeadline: ClaimDeadline | null;
  /** Free text of the claim's events, decrypted (case view only); `{ erased: true }` after erasure. */
  readonly texts?: readonly ClaimText[];
}

export type ClaimText =
  | {
      readonly eventType: string;
      readonly revision: string;
      readonly erased: false;
      readonly value: unknown;
    }
  | { readonly eventType: string; readonly revision: string; readonly erased: true };

export function nextDeadlineOf(
  deadlines: readonly ClaimDeadline[],
  today: string,
): ClaimDeadline | null {
  return (
    deadlines
      .filter((d) => d.dueOn >= today)
      .sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0))[0] ?? null
  );
}

export function claimView(row: LegalAidClaimRow, today: string): ClaimView {
  return {
    claimId: row.claim_id,
    caseId: row.case_id,
    remedyId: row.remedy_id,
    avenue: row.avenue,
    respondentKind: row.respondent_kind,
    currency: row.currency,
    status: row.status,
    claimed: { byHead: row.claimed, total: row.claimed_total },
    awarded:
      row.awarded === null || row.awarded_total === null
        ? null
        : { byHead: row.awarded, total: row.awarded_total },
    paid: row.paid_total,
    outstanding: row.outstanding,
    filedOn: row.filed_on,
    filingDeadline: row.filing_deadline,
    filedLate: row.filed_late,
    decisions: row.decisions,
    appeals: row.appeals,
    finalOn: row.final_on,
    hearings: row.hearings,
    payments: row.payments,
    paymentDueOn: row.payment_due_on,
    paymentOverdue:
      row.status !== 'closed' &&
      row.outstanding > 0 &&
      row.payment_due_on !== null &&
      row.payment_due_on < today,
    enforcementStartedOn: row.enforcement_started_on,
    closure:
      row.closure_outcome === null || row.closed_on === null
        ? null
        : { outcome: row.closure_outcome, closedOn: row.closed_on },
    legalRepresentativeId: row.legal_representative_id,
    nextDeadline: nextDeadlineOf(row.deadlines, today),
  };
}

export async function claimTexts(
  cipher: PersonalDecrypter,
  row: LegalAidClaimRow,
  erased: boolean,
): Promise<ClaimText[]> {
  const out: ClaimText[] = [];
  for (const t of row.sealed_texts) {
    const view = erased
      ? { erased: true as const }
      : await openPersonalView(cipher, row.case_id, t.sealed);
    if (!view) continue;
    if (
      !view.erased &&
      view.value &&
      typeof view.value === 'object' &&
      Object.keys(view.value).length === 0
    )
      continue;
    out.push(
      view.erased
        ? { eventType: t.eventType, revision: t.revision, erased: true }
        : { eventType: t.eventType, revision: t.revision, erased: false, value: view.value },
    );
  }
  return out;
}

/** Sums of one currency (never mixed with another). */
export interface CurrencyTotals {
  readonly currency: string;
  readonly claims: number;
  readonly claimed: number;
  readonly awarded: number;
  readonly paid: number;
  readonly outstanding: number;
}
