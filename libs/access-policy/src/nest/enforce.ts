import { ForbiddenException, NotFoundException } from '@nestjs/common';
import type { Actor } from '@remedy/auth';
import type { CaseReach } from '@remedy/case-domain';
import {
  decideAccess,
  decideCase,
  type Action,
  type CaseSubjectType,
  type AccessDecision,
  type OrganisationSubject,
} from '../policy';
import { problem } from '@remedy/http';

/** 403 with the problem shape of the API; the message names the rule, never personal data. */
export function forbidden(message: string): never {
  throw new ForbiddenException(problem(403, message));
}

export function notFound(what = 'case'): never {
  throw new NotFoundException(problem(404, `No such ${what}`));
}

/** Throws the answer a refusal calls for (404 or 403); returns on `allowed`. */
export function enforce(decision: AccessDecision, refusal: string, what = 'case'): void {
  if (decision === 'not_found') notFound(what);
  if (decision === 'forbidden') forbidden(refusal);
}

/** An organisation-wide subject: 403 (naming the rule) unless the policy allows the role. */
export function assertCan(
  actor: Pick<Actor, 'roles'>,
  action: Action,
  subjectType: OrganisationSubject | 'Case',
  refusal: string,
): void {
  enforce(decideAccess(actor, action, subjectType), refusal);
}

/** A case subject, given the reach read from the case's stream: 404, 403, or returns. */
export function assertCanOnCase(
  actor: Pick<Actor, 'roles'>,
  action: Action,
  subjectType: CaseSubjectType,
  reach: CaseReach | undefined,
  refusal: string,
): void {
  enforce(decideCase(actor, action, subjectType, reach), refusal);
}
