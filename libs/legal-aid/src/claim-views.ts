import { openPersonalView, type PersonalDecrypter } from '@remedy/case-stream';
import type { ClaimDeadline, LegalAidClaimRow } from './entities';
import type { ClaimText, ClaimView } from './views';

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
        ? { eventType: t.eventType, revision: Number(t.revision), erased: true }
        : {
            eventType: t.eventType,
            revision: Number(t.revision),
            erased: false,
            value: view.value,
          },
    );
  }
  return out;
}
