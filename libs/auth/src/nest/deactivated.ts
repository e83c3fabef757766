/**
 * Accounts that are deactivated (issue 15: leavers refused at once). Provided by the embedded
 * provider's accounts (@remedy/identity) under {@link DEACTIVATED_ACCOUNTS}: a set kept in memory
 * in each API process, loaded at start and kept current by PostgreSQL LISTEN/NOTIFY. AuthGuard
 * asks it after every verification (for every issuer: local, embedded, external), outside the
 * verification cache, so a deactivated user's token is refused on the very next request.
 */
export interface DeactivatedAccounts {
  isDeactivated(userId: string): boolean;
}
export const DEACTIVATED_ACCOUNTS = Symbol('remedy:auth:DeactivatedAccounts');
