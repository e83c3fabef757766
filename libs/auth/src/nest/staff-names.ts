import type { Actor } from '../actor';

/**
 * With an external OpenID provider, the `name` claim of a member of staff, recorded when AuthGuard
 * lets their token in (the supervisor's dashboard names caseworkers by it). Provided by
 * @remedy/identity under {@link STAFF_NAMES} when OIDC_ISSUER is set. `seen` must return at once
 * (it is on every request): it writes at most once per user per token lifetime, in the
 * background, and never logs the name.
 */
export interface StaffNameRecorder {
  seen(actor: Actor, token: string): void;
}
export const STAFF_NAMES = Symbol('remedy:auth:StaffNames');
