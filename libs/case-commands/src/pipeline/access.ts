import { caseActorRoleOf } from '@remedy/access-policy';
import { caseReachOf, type ActorRole, type CaseState } from '@remedy/case-domain';
import type { Role } from '@remedy/auth';

/**
 * The domain role of a token's roles (the access policy's mapping, @remedy/access-policy):
 * supervisor > caseworker > legal aid lawyer; rapporteurs and administrators act on no case.
 */
export function caseRoleOf(roles: readonly Role[]): ActorRole | undefined {
  return caseActorRoleOf(roles);
}

/**
 * Is the case reachable by this organisation? The holding organisation, an organisation with a
 * live (pending or accepted) referral, or one with live legal-aid access, each with the person's
 * live consent naming it, as the stream records (`caseReachOf` of @remedy/case-domain: the same
 * decision the read side takes). The access policy turns the reach into 404 / 403 / allowed.
 */
export function isReachableBy(state: CaseState, organisationId: string): boolean {
  return caseReachOf(state, organisationId) !== undefined;
}
