import { consentKey, type CaseState } from '../state';

/**
 * How an organisation reaches a case, as its stream records it (rule 2: sharing needs the
 * person's live consent for that purpose, naming the receiving organisation):
 * - `holder`: it holds the case;
 * - `referral`: a referral to it is pending or accepted AND the person's consent to a referral
 *   naming it is live (declined, completed or revoked referrals give nothing; withdrawing the
 *   consent revokes live referrals in the same append, so both agree);
 * - `legal_aid`: legal-aid access was granted to it and not revoked AND the person's consent to
 *   legal-aid access naming it is live.
 * Undefined: the case is not reachable (an API answers 404, never 403 across organisations).
 * Commands accept every reach; the full case read (detail, timeline, as of) accepts `holder` and
 * `referral`; the legal-aid view has its own, narrower view of the case.
 */
export type CaseReach = 'holder' | 'referral' | 'legal_aid';

export function caseReachOf(state: CaseState, organisationId: string): CaseReach | undefined {
  if (state.lifecycle === 'not_opened') return undefined;
  const org = organisationId.toLowerCase();
  if (state.holdingOrganisationId.toLowerCase() === org) return 'holder';
  const consented = (purpose: 'referral' | 'legal_aid_access') =>
    state.liveConsents.some((k) => k.toLowerCase() === consentKey(purpose, org));
  const referred = Object.values(state.referrals).some(
    (r) =>
      r.toOrganisationId.toLowerCase() === org &&
      (r.status === 'pending' || r.status === 'accepted'),
  );
  if (referred && consented('referral')) return 'referral';
  const granted = state.legalAidOrganisations.some((o) => o.toLowerCase() === org);
  if (granted && consented('legal_aid_access')) return 'legal_aid';
  return undefined;
}

/** Reaches that may read the whole case (facts and personal data): holder and consented referral. */
export const readsWholeCase = (reach: CaseReach | undefined): boolean =>
  reach === 'holder' || reach === 'referral';
