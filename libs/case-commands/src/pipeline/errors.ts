import type { RuleId } from '@remedy/case-domain';

/** Rules the application adds to the domain's (the domain's own are RuleId). */
export type ApplicationRule =
  | 'REFERRAL_TARGET_UNKNOWN'
  | 'ORGANISATION_NOT_IN_DIRECTORY'
  | 'ORGANISATION_CODE_TAKEN'
  | 'IDEMPOTENCY_KEY_REUSED';

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
