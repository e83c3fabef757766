/**
 * Refusals name the rule they enforce; messages carry table ids, dimension names and code values
 * only (the inputs of this lib are aggregates, never personal data).
 */
export type DisclosureRule =
  | 'INVALID_INPUT'
  | 'THRESHOLD_BELOW_MINIMUM'
  | 'INCONSISTENT_MARGINS'
  | 'AUDIT_TOO_LARGE'
  | 'REVISION_WOULD_DISCLOSE'
  | 'PRIVACY_BUDGET_EXCEEDED'
  | 'RELEASE_ALREADY_CHARGED';

export interface DisclosureError {
  readonly rule: DisclosureRule;
  readonly message: string;
}

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: DisclosureError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const refuse = <T = never>(rule: DisclosureRule, message: string): Result<T> => ({
  ok: false,
  error: { rule, message },
});
