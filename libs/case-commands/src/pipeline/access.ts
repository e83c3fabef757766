import { caseReachOf, type ActorRole, type CaseState } from '@remedy/case-domain';
import type { Role } from '@remedy/auth';

/**
 * The domain role of a token's roles, highest first: supervisor > caseworker > legal aid lawyer.
 * Rapporteurs and administrators act on no case content: undefined (403).
 */
export function caseRoleOf(roles: readonly Role[]): ActorRole | undefined {
  if (roles.includes('supervisor')) return 'supervisor';
  if (roles.includes('caseworker')) return 'caseworker';
  if (roles.includes('legal_aid')) return 'legal_aid_lawyer';
  return undefined;
}

/**
 * Is the case reachable by this organisation? The holding organisation, an organisation with a
 * live (pending or accepted) referral, or one with live legal-aid access, each with the person's
 * live consent naming it, as the stream records (`caseReachOf` of @remedy/case-domain: the same
 * decision the read side takes). Anyone else gets 404: never 403 across organisations, never a
 * hint that the case exists.
 */
export function isReachableBy(state: CaseState, organisationId: string): boolean {
  return caseReachOf(state, organisationId) !== undefined;
}
