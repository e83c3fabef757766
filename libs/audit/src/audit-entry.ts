import type { Role } from '@remedy/auth';

/** allowed: 1xx-3xx; denied: 4xx (refused: not found, forbidden, invalid, rule); failed: 5xx. */
export type AuditOutcome = 'allowed' | 'denied' | 'failed';

/**
 * One audited request. Opaque ids, the route template and codes only: never a URL with values,
 * a query string, a body or a name.
 */
export interface AuditEntry {
  /** The request id (the command's events carry it as `correlationId`). */
  readonly requestId: string;
  readonly userId: string;
  readonly organisationId: string;
  readonly roles: readonly Role[];
  readonly method: string;
  /** The route template, e.g. `/cases/:caseId/timeline`. */
  readonly route: string;
  /** The case the route names (`:caseId`), when it is a uuid. */
  readonly caseId: string | null;
  /** Other cases the answer named (search results, lists, a new case's id). */
  readonly caseIds: readonly string[];
  readonly status: number;
  readonly outcome: AuditOutcome;
  /** The refusal's rule id (422), or the kind of refusal (`NOT_FOUND`, `FORBIDDEN`, ...). */
  readonly rule: string | null;
}

/** A stored row (recorded_at and audit_id are set by the database). */
export interface AuditRecord extends AuditEntry {
  readonly auditId: string;
  readonly recordedAt: string;
}

export const outcomeOf = (status: number): AuditOutcome =>
  status < 400 ? 'allowed' : status < 500 ? 'denied' : 'failed';

const RULE = /^[A-Z][A-Z0-9_]{0,79}$/;
const STATUS_RULES: Readonly<Record<number, string>> = {
  400: 'INVALID_INPUT',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/**
 * The rule id of a refusal: the domain's rule when one was named (422 `RULE_2_...`), else the
 * kind of refusal by status. Null for an allowed request.
 */
export function ruleOf(status: number, named: unknown): string | null {
  if (status < 400) return null;
  if (typeof named === 'string' && RULE.test(named)) return named;
  return STATUS_RULES[status] ?? (status >= 500 ? 'SERVER_ERROR' : 'REFUSED');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && UUID.test(value);

/** At most this many case ids of one answer are kept (a page is at most a few hundred). */
export const MAX_CASE_IDS = 5_000;

/**
 * The case ids an answer names: every `caseId` property holding a uuid, in objects and arrays up
 * to a few levels deep (lists, search matches, a command's answer). Streams are not inspected.
 */
export function caseIdsIn(body: unknown, exclude: string | null = null): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, depth: number): void => {
    if (found.size >= MAX_CASE_IDS || depth > 5 || value === null || typeof value !== 'object')
      return;
    if (typeof (value as { pipe?: unknown }).pipe === 'function') return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    for (const [key, v] of Object.entries(value)) {
      if (key === 'caseId' && isUuid(v)) {
        const id = v.toLowerCase();
        if (id !== exclude) found.add(id);
      } else if (typeof v === 'object') walk(v, depth + 1);
    }
  };
  walk(body, 0);
  return [...found];
}
