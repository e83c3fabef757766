import { STATUS_CODES } from 'node:http';

/**
 * One error body for every non-2xx answer: an RFC 9457 problem document, served as
 * `application/problem+json`. Details name fields, rules and opaque ids only: never a submitted
 * value (it may be personal data).
 *
 * `type` is `https://remedy.example/problems/<kind>` for the kinds of {@link PROBLEM_KINDS}, and
 * `https://remedy.example/problems/rules/<RULE>` for a refusal by a rule (422: every rule is a kind
 * of its own, its `title` the rule's label in the caller's language); `about:blank` for any other
 * status (its `title` is then the HTTP status phrase, as RFC 9457 §4.2.1 asks).
 */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  /** 400: each invalid input (body field, query or path parameter, header) and why. */
  readonly fields?: readonly ProblemField[];
  /** 422: the rule that refused the command. */
  readonly rule?: string;
  /** 401: why the token was refused (`missing`, `malformed`, `invalid`, `expired`, …). */
  readonly reason?: string;
  /** 429 and 503: seconds to wait before retrying (also the `Retry-After` header). */
  readonly retryAfter?: number;
}

export interface ProblemField {
  readonly name: string;
  readonly reason: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
/** The base of every `type` URI of this API's problems (a name, not a page to fetch). */
export const PROBLEM_TYPE_BASE = 'https://remedy.example/problems/';

/** The kinds of problem this API answers with, by status: `type` is the base + `kind`. */
export const PROBLEM_KINDS: Readonly<Record<number, { kind: string; title: string }>> = {
  400: { kind: 'invalid-input', title: 'Invalid input' },
  401: { kind: 'unauthenticated', title: 'A valid bearer token is required' },
  403: { kind: 'forbidden', title: 'Not allowed for this role' },
  404: { kind: 'not-found', title: 'Not found' },
  409: { kind: 'conflict', title: 'Changed concurrently' },
  412: { kind: 'precondition-failed', title: 'If-Match does not match the current revision' },
  413: { kind: 'payload-too-large', title: 'Request body too large' },
  415: { kind: 'unsupported-media-type', title: 'Unsupported media type' },
  422: { kind: 'rule-refused', title: 'Refused by a rule' },
  429: { kind: 'rate-limited', title: 'Too many requests' },
  503: { kind: 'unavailable', title: 'A dependency is unavailable' },
};

/** Seconds a client waits before retrying a 503 when nothing more precise is known. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

type Extensions = Partial<Pick<Problem, 'fields' | 'rule' | 'reason' | 'retryAfter' | 'title'>>;

/**
 * The problem document of an answer: the one place an error body is made (the exception filter,
 * and every hook that answers without it, go through {@link problem} and {@link sendProblem}).
 */
export function problem(status: number, detail: string, extensions: Extensions = {}): Problem {
  const known = PROBLEM_KINDS[status];
  const { title, ...rest } = extensions;
  const type =
    status === 422 && rest.rule !== undefined
      ? `${PROBLEM_TYPE_BASE}rules/${rest.rule}`
      : known
        ? PROBLEM_TYPE_BASE + known.kind
        : 'about:blank';
  const retryAfter =
    rest.retryAfter ?? (status === 503 || status === 429 ? DEFAULT_RETRY_AFTER_SECONDS : undefined);
  return {
    type,
    title: title ?? known?.title ?? STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...(rest.fields !== undefined ? { fields: rest.fields } : {}),
    ...(rest.rule !== undefined ? { rule: rest.rule } : {}),
    ...(rest.reason !== undefined ? { reason: rest.reason } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  };
}

/** A 400 naming each invalid input and the reason (never the value). */
export const invalidInput = (fields: readonly ProblemField[]): Problem =>
  problem(400, `Invalid input: ${fields.map((f) => `${f.name} (${f.reason})`).join('; ')}`, {
    fields,
  });

/** Whether a value is a problem document made by {@link problem}. */
export function isProblem(value: unknown): value is Problem {
  const p = value as Partial<Problem> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.type === 'string' &&
    typeof p.status === 'number' &&
    typeof p.title === 'string' &&
    typeof p.detail === 'string'
  );
}

/** The reply methods {@link sendProblem} uses (Fastify's reply, also inside a plugin's hook). */
export interface ProblemReply {
  code(status: number): this;
  header(name: string, value: string): this;
  send(payload: unknown): unknown;
}

/**
 * Writes a problem as the answer: its status, `Content-Type: application/problem+json`,
 * `Retry-After` when it says when to retry, `Content-Language` when its title is localised.
 */
export function sendProblem(
  reply: ProblemReply,
  body: Problem,
  options: { readonly language?: string } = {},
): unknown {
  return reply.send(problemPayload(reply, body, options));
}

/**
 * The status and headers of {@link sendProblem} on `reply`, and the body as a string: for a hook
 * that replaces a payload already on its way (Fastify `onSend`).
 */
export function problemPayload(
  reply: Pick<ProblemReply, 'code' | 'header'>,
  body: Problem,
  options: { readonly language?: string } = {},
): string {
  reply.code(body.status).header('content-type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
  if (body.retryAfter !== undefined) reply.header('retry-after', String(body.retryAfter));
  if (options.language !== undefined) reply.header('content-language', options.language);
  return JSON.stringify(body);
}

/**
 * Names a rule in the caller's language: the title of a 422. Provided under {@link RULE_TITLES}
 * by the lib that holds the message catalogues (@remedy/code-lists' CodeListsModule); the
 * exception filter finds it in the app. Without it a refusal's title is English and generic.
 */
export interface RuleTitles {
  /** `lang`: the `?lang=` query parameter; `acceptLanguage`: the header. */
  titleOf(
    rule: string,
    lang: string | undefined,
    acceptLanguage: string | undefined,
  ): { readonly title: string; readonly language: string } | undefined;
}
export const RULE_TITLES = Symbol('remedy:http:RuleTitles');
