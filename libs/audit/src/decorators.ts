import { SetMetadata } from '@nestjs/common';

export const NOT_AUDITED_KEY = 'remedy:audit:not-audited';

/**
 * Opts a route (or controller) out of the audit trail, naming why. Every authenticated route is
 * audited unless it carries this; a route that touches a case (`/cases/:caseId…`) or legal-aid
 * data (`/legal-aid…`) must never carry it (test/audit/routes-audited.e2e.spec.ts fails then).
 */
export const NotAudited = (reason: string): MethodDecorator & ClassDecorator =>
  SetMetadata(NOT_AUDITED_KEY, reason);
