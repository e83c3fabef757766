import { afterFailure, afterLogin, lockedForSeconds, passwordProblem } from './rules';

const POLICY = { maxFailures: 3, lockoutMinutes: 15 };
const NOW = new Date('2026-03-01T10:00:00Z');

describe('password policy (NIST SP 800-63B style)', () => {
  it('given 11 characters, when checked, then it is too short', () => {
    expect(passwordProblem('alice', 'a'.repeat(11))).toBe('too_short');
  });
  it('given 12 characters of any kind (spaces, no digits), when checked, then it is accepted', () => {
    expect(passwordProblem('alice', 'correct horse')).toBeUndefined();
  });
  it('given 12 characters counted in code points (emoji, Arabic), when checked, then it is accepted', () => {
    expect(passwordProblem('alice', '🐎'.repeat(12))).toBeUndefined();
    expect(passwordProblem('alice', 'كلمةسرطويلةجدا')).toBeUndefined();
  });
  it('given 129 characters, when checked, then it is too long; 128 is accepted', () => {
    expect(passwordProblem('alice', 'x'.repeat(129))).toBe('too_long');
    expect(passwordProblem('alice', 'x'.repeat(128))).toBeUndefined();
  });
  it('given the login name in another case, when checked, then it is refused', () => {
    expect(passwordProblem('Alice.Longname', 'alice.LONGNAME')).toBe('same_as_login_name');
  });
});

describe('lockout after consecutive failures', () => {
  it('given no failure, when one fails, then the count is one and the account not locked', () => {
    const next = afterFailure({ failedCount: 0, lockedUntil: null }, POLICY, NOW);
    expect(next).toEqual({ failedCount: 1, lockedUntil: null, locked: false });
  });
  it('given max - 1 failures, when one more fails, then it is locked for the lockout minutes and the count restarts', () => {
    const next = afterFailure({ failedCount: 2, lockedUntil: null }, POLICY, NOW);
    expect(next.locked).toBe(true);
    expect(next.failedCount).toBe(0);
    expect(next.lockedUntil).toEqual(new Date('2026-03-01T10:15:00Z'));
    expect(lockedForSeconds(next, NOW)).toBe(900);
  });
  it('given a lock, when its time has passed, then the account is no longer locked', () => {
    const state = { failedCount: 0, lockedUntil: new Date('2026-03-01T10:15:00Z') };
    expect(lockedForSeconds(state, new Date('2026-03-01T10:14:59.500Z'))).toBe(1);
    expect(lockedForSeconds(state, new Date('2026-03-01T10:15:00Z'))).toBe(0);
  });
  it('given failures, when a login completes, then the count starts again', () => {
    expect(afterLogin()).toEqual({ failedCount: 0, lockedUntil: null });
  });
});
