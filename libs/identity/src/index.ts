export * from './accounts/ports';
export {
  AccountsModule,
  ACCOUNTS_POOL,
  CREATE_ADMIN_COMMAND,
  createAccountStore,
} from './accounts/accounts.module';
export {
  AccountError,
  AccountStore,
  NO_ACCOUNT,
  type AccountView,
  type ChangeContext,
  type LoginPolicyView as AccountLoginPolicy,
  type NewAccount,
  type OneTimeLink,
} from './accounts/account-store';
export { DeactivatedSet, DEACTIVATION_CHANNEL } from './accounts/deactivated-set';
export {
  AccountClaimsCache,
  CLAIMS_CHANNEL,
  type AccountClaimsCacheOptions,
} from './accounts/claims-cache';
export { SecretBox } from './accounts/secret-box';
export { ExternalStaffNames } from './accounts/staff-names';
export {
  passwordProblem,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  afterFailure,
  afterLogin,
  lockedForSeconds,
} from './accounts/rules';
export { LOGIN_NAME } from './accounts/views';
export * from './provider';
export * from './pages';
