import type { RuleId } from '@remedy/case-domain';

/**
 * Rules the application adds to the domain's (the domain's own are RuleId). Each has a label in
 * the six message catalogues of @remedy/code-lists (the `rules` list), as the domain's have.
 */
export const APPLICATION_RULE_IDS = [
  'REFERRAL_TARGET_UNKNOWN',
  /** Issue 19: the other case of a duplicate decision is not a case of the caller's organisation. */
  'DUPLICATE_OTHER_CASE_UNKNOWN',
  'ORGANISATION_NOT_IN_DIRECTORY',
  'ORGANISATION_CODE_TAKEN',
  'IDEMPOTENCY_KEY_REUSED',
] as const;
export type ApplicationRule = (typeof APPLICATION_RULE_IDS)[number];

/**
 * A refusal naming its rule; the HTTP layer answers 422 with `rule` (ProblemExceptionFilter
 * recognises errors named 'DomainError'). Messages repeat no id or value of the request.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly rule: RuleId | ApplicationRule,
    message: string,
  ) {
    super(message);
  }
}
