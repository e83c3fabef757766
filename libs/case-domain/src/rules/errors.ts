import type { CaseEvent } from '../events';

/**
 * Every refusal names the rule it enforces. `RULE_<n>_…` are the rules of the product brief
 * (DOMAIN.md, "Rules the system must never break"); the others are transitions of a case's life.
 * Messages carry opaque ids and code values only, never personal data.
 */
export const RULE_IDS = [
  'RULE_2_ASSISTANCE_CONSENT_REQUIRED',
  'RULE_2_SHARING_CONSENT_REQUIRED',
  'RULE_2_CONSENT_ALREADY_LIVE',
  'RULE_2_NO_LIVE_CONSENT',
  'RULE_2_RECEIVING_ORGANISATION_REQUIRED',
  'RULE_2_ASSISTANCE_CONSENT_NAMES_NO_ORGANISATION',
  'RULE_3_BEST_INTERESTS_REQUIRED',
  'RULE_3_BEST_INTERESTS_AGAINST_DECISION',
  'RULE_3_AGE_NOT_UNCERTAIN',
  'RULE_3_MINORITY_ALREADY_PRESUMED',
  'RULE_3_GUARDIAN_ALREADY_APPOINTED',
  'RULE_4_REFLECTION_PERIOD_TOO_SHORT',
  'RULE_4_REFLECTION_PERIOD_NEEDS_VICTIM_STATUS',
  'RULE_6_FLAG_ALREADY_RAISED',
  'RULE_6_FLAG_NOT_RAISED',
  'RULE_7_CASE_ERASED',
  'CASE_NOT_OPENED',
  'CASE_ALREADY_OPENED',
  'CASE_CLOSED',
  'CASE_NOT_CLOSED',
  'CLOSURE_ALREADY_REQUESTED',
  'CLOSURE_NOT_REQUESTED',
  'CLOSURE_FOUR_EYES',
  'ROLE_SUPERVISOR_REQUIRED',
  'ROLE_CASEWORKER_OR_SUPERVISOR_REQUIRED',
  'ACCESS_NOT_HOLDING_ORGANISATION',
  'ACCESS_NO_LEGAL_AID_ACCESS',
  'STATUS_FIRST_MUST_BE_PRESUMED_OR_IDENTIFIED',
  'REFERRAL_ALREADY_EXISTS',
  'REFERRAL_UNKNOWN',
  'REFERRAL_NOT_PENDING',
  'REFERRAL_NOT_ACCEPTED',
  'REFERRAL_NOT_ACTIVE',
  'REFERRAL_RECEIVER_ONLY',
  'REFERRAL_REFERRER_ONLY',
  'SHARE_WITH_HOLDING_ORGANISATION',
  'LEGAL_AID_ACCESS_ALREADY_GRANTED',
  'LEGAL_AID_ACCESS_NOT_GRANTED',
  'CASEWORKER_ALREADY_ASSIGNED',
  'REMEDY_ALREADY_SOUGHT',
  'STATISTICAL_OBJECTION_ALREADY_RECORDED',
  'STATISTICAL_OBJECTION_NOT_RECORDED',
  'INVALID_INPUT',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export interface DomainError {
  readonly rule: RuleId;
  readonly message: string;
}

/** The outcome of `decide`: the new events, or the rule that refused the command. */
export type Decision =
  | { readonly ok: true; readonly events: readonly CaseEvent[] }
  | { readonly ok: false; readonly error: DomainError };

export const accept = (...events: CaseEvent[]): Decision => ({ ok: true, events });

export const reject = (rule: RuleId, message: string): Decision => ({
  ok: false,
  error: { rule, message },
});
