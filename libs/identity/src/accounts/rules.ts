import type { PasswordProblem } from './ports';

/**
 * The account rules that need no I/O: the password policy (NIST SP 800-63B style) and the
 * lockout after consecutive failures. Pure, so they are tested on their own (rules.spec.ts).
 */

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** Passwords are compared in NFKC (NIST 800-63B 5.1.1.2): the same keys typed twice hash the same. */
export const normalisePassword = (password: string): string => password.normalize('NFKC');

/**
 * Length in characters (code points, not UTF-16 units), at least 12 and at most 128, any
 * characters allowed (spaces too, no composition rules), and not the login name itself.
 */
export function passwordProblem(loginName: string, password: string): PasswordProblem | undefined {
  const normalised = normalisePassword(password);
  const length = [...normalised].length;
  if (length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (length > PASSWORD_MAX_LENGTH) return 'too_long';
  if (normalised.toLowerCase() === normalisePassword(loginName).toLowerCase())
    return 'same_as_login_name';
  return undefined;
}

/** Where an account stands with failed logins. */
export interface LockoutState {
  /** Consecutive failures since the last success or lock. */
  readonly failedCount: number;
  readonly lockedUntil: Date | null;
}

export interface LockoutPolicy {
  /** Consecutive failures (password or second factor) that lock the account. */
  readonly maxFailures: number;
  readonly lockoutMinutes: number;
}

/** Seconds until the lock ends (rounded up), or 0 when the account is not locked at `now`. */
export function lockedForSeconds(state: LockoutState, now: Date): number {
  if (!state.lockedUntil || state.lockedUntil.getTime() <= now.getTime()) return 0;
  return Math.ceil((state.lockedUntil.getTime() - now.getTime()) / 1000);
}

/**
 * After a failed password or second factor: one more consecutive failure; at the policy's
 * maximum the account is locked for `lockoutMinutes` and the count starts again (`locked` says
 * the lock began with this failure, to audit it once).
 */
export function afterFailure(
  state: LockoutState,
  policy: LockoutPolicy,
  now: Date,
): LockoutState & { readonly locked: boolean } {
  const failedCount = state.failedCount + 1;
  if (failedCount >= policy.maxFailures) {
    return {
      failedCount: 0,
      lockedUntil: new Date(now.getTime() + policy.lockoutMinutes * 60_000),
      locked: true,
    };
  }
  return { failedCount, lockedUntil: state.lockedUntil, locked: false };
}

/**
 * After a complete login (every factor): the count starts again. A right password followed by a
 * second factor does NOT reset it, or the second factor could be guessed without end.
 */
export const afterLogin = (): LockoutState => ({ failedCount: 0, lockedUntil: null });
