import { consentKey, type CaseState } from '@remedy/case-domain';
import { mayEver } from '@remedy/access-policy';
import type { Role } from '@remedy/auth';

/**
 * How an organisation reaches a case's legal-aid view:
 * - `holder`: it holds the case (its caseworkers and supervisors read the claims of their cases);
 * - `legal_aid`: it has live legal-aid access (granted, not revoked) AND the person's consent for
 *   legal-aid access naming it is live (rule 2; withdrawing that consent revokes the access in
 *   the same append, so both agree; checking both costs nothing).
 * Undefined: the case is not reachable (404, never 403 across organisations).
 */
export type LegalAidReach = 'holder' | 'legal_aid';

export function legalAidReachOf(
  state: CaseState,
  organisationId: string,
): LegalAidReach | undefined {
  if (state.lifecycle === 'not_opened') return undefined;
  const org = organisationId.toLowerCase();
  if (state.holdingOrganisationId.toLowerCase() === org) return 'holder';
  const granted = state.legalAidOrganisations.some((o) => o.toLowerCase() === org);
  const consented = state.liveConsents.some(
    (k) => k.toLowerCase() === consentKey('legal_aid_access', org),
  );
  return granted && consented ? 'legal_aid' : undefined;
}

/** Roles that may use the legal-aid read API at all (others: 403 on every route): the policy's. */
export const mayReadLegalAid = (roles: readonly Role[]): boolean =>
  mayEver({ roles }, 'read', 'LegalAidCase');

/**
 * The row-level filter of list queries: rows of cases the organisation holds (per the
 * projection, as every holder's list in the system), or whose legal-aid access was just verified
 * on the stream (`verified`: case ids, see LegalAidQueries.verifiedLegalAidCases).
 */
export const reachableSql = (alias: string, orgParam: string, verifiedParam: string): string =>
  `(${alias}.holding_organisation_id = ${orgParam} OR ${alias}.case_id = ANY(${verifiedParam}::text[]))`;

/** Candidates for legal-aid reach per the projection (verified on the stream before use). */
export const legalAidCandidatesSql = (alias: string, orgParam: string): string =>
  `(${alias}.holding_organisation_id <> ${orgParam} AND ${orgParam} = ANY(${alias}.legal_aid_organisations)
    AND ${orgParam} = ANY(${alias}.legal_aid_consents))`;
