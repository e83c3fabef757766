import type { ExecutionContext } from '@nestjs/common';
import type { Actor } from '@remedy/auth';

/**
 * A retry of a command that was already answered: the same caller, method and path,
 * Idempotency-Key and body. It is answered as the first time was (the stored answer; nothing runs
 * again), even when the policy would now refuse the caller (the case was transferred, a referral
 * declined or completed, consent withdrawn, a role removed): the answer is one this caller was
 * already given, and a client retrying after a lost answer must get it, not a 404.
 *
 * Provided by the lib that keeps the Idempotency-Key records (@remedy/case-commands) under
 * {@link IDEMPOTENT_REPLAY}; PolicyGuard asks it only for a request it refuses, and only a route
 * whose interceptor answers the replay ({@link ADMITTED_REPLAY}) may say yes.
 */
export interface IdempotentReplay {
  /** The stored answer, when the request is a retry of one already answered; else undefined. */
  answeredBefore(context: ExecutionContext, actor: Actor): Promise<AdmittedReplay | undefined>;
}
export const IDEMPOTENT_REPLAY = Symbol('remedy:access-policy:IdempotentReplay');

export interface AdmittedReplay {
  readonly body: unknown;
}

/** Where PolicyGuard leaves the stored answer on the request, for the route's interceptor. */
export const ADMITTED_REPLAY = Symbol('remedy:access-policy:admittedReplay');

export function admittedReplayOf(request: object): AdmittedReplay | undefined {
  return (request as { [ADMITTED_REPLAY]?: AdmittedReplay })[ADMITTED_REPLAY];
}
