import type { components, paths, RemedyClient } from '@remedy/api-client';

/**
 * The one way the console sends a command: a POST of the typed client with `If-Match` (the
 * revision the screen shows, as its ETag), an `Idempotency-Key` (one per submission attempt,
 * reused when that attempt is retried) and `Accept-Language` (a rule's refusal comes back with
 * its title in the person's language). The answer becomes an {@link Outcome}: the screens never
 * read HTTP statuses themselves.
 */

export type Problem = components['schemas']['Problem'];
export type ProblemField = NonNullable<Problem['fields']>[number];

/** Every route that takes a command: a POST that takes an Idempotency-Key. */
export type CommandPath = {
  [P in keyof paths]: paths[P] extends {
    post: { parameters: { header?: { 'Idempotency-Key'?: string } } };
  }
    ? P
    : never;
}[keyof paths];

type Post<P extends CommandPath> = paths[P]['post'];

/** The JSON body a command route takes. */
export type CommandBody<P extends CommandPath> =
  Post<P> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** The path parameters of a command route (`caseId`, `referralId`, ...). */
export type CommandPathParams<P extends CommandPath> =
  Post<P> extends { parameters: { path: infer Q } } ? Q : never;

/** The 200 (or 201) answer of a command route. */
export type CommandAnswer<P extends CommandPath> =
  Post<P> extends { responses: { 200: { content: { 'application/json': infer R } } } }
    ? R
    : Post<P> extends { responses: { 201: { content: { 'application/json': infer R } } } }
      ? R
      : unknown;

export type Outcome<R = unknown> =
  /** Recorded: the new revision (the case's ETag) and the write's position (read your writes). */
  | {
      readonly kind: 'done';
      readonly data: R;
      readonly revision?: number;
      readonly position?: string;
    }
  /** 409 or 412: the case changed since the revision the screen showed. */
  | { readonly kind: 'changed'; readonly status: 409 | 412 }
  /** 422: a rule refused it; `title` is the rule in the person's language. */
  | { readonly kind: 'refused'; readonly rule: string | undefined; readonly title: string }
  /** 400: each field and why. */
  | { readonly kind: 'invalid'; readonly fields: readonly ProblemField[] }
  /** 503, 429 or no answer (the network): keep everything and retry after `retryAfter` seconds. */
  | { readonly kind: 'unavailable'; readonly retryAfter: number | undefined }
  /** 404: not found, or not this person's to see. */
  | { readonly kind: 'not-found' }
  /** 403: not for this role. */
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'failed'; readonly status: number };

export interface SendOptions<P extends CommandPath> {
  readonly path: P;
  readonly params: CommandPathParams<P>;
  readonly body: CommandBody<P>;
  /** The revision the screen shows (sent as the ETag `"<revision>"`); none for POST /cases. */
  readonly revision?: number;
  /** One per submission attempt: the same key when that attempt is retried. */
  readonly idempotencyKey: string;
  /** The person's language (Accept-Language): a 422's title comes back in it. */
  readonly language: string;
}

/** A new Idempotency-Key: random, opaque. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

const revisionOf = (etag: string | null): number | undefined => {
  const match = etag ? /^(?:W\/)?"?(\d+)"?$/.exec(etag.trim()) : null;
  return match ? Number(match[1]) : undefined;
};

/** Sends one command; never throws for an HTTP answer or a network failure. */
export async function sendCommand<P extends CommandPath>(
  api: RemedyClient,
  options: SendOptions<P>,
): Promise<Outcome<CommandAnswer<P>>> {
  const header: Record<string, string> = {
    'Idempotency-Key': options.idempotencyKey,
    'Accept-Language': options.language,
  };
  if (options.revision !== undefined) header['If-Match'] = `"${options.revision}"`;
  let answer: { data?: unknown; error?: unknown; response: Response };
  try {
    // The route is one of the command routes (typed by P); openapi-fetch cannot check a union.
    const post = api.POST as unknown as (
      path: string,
      init: { params: { path: unknown; header: Record<string, string> }; body: unknown },
    ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
    answer = await post(options.path, {
      params: { path: options.params, header },
      body: options.body,
    });
  } catch {
    return { kind: 'unavailable', retryAfter: undefined }; // no answer: the network
  }
  return outcomeOf<CommandAnswer<P>>(answer);
}

/** The outcome of an answer (exported for the tests of the mapping). */
export function outcomeOf<R>(answer: {
  data?: unknown;
  error?: unknown;
  response: Response;
}): Outcome<R> {
  const { response } = answer;
  const problem = (answer.error ?? {}) as Partial<Problem>;
  if (response.ok)
    return {
      kind: 'done',
      data: answer.data as R,
      revision: revisionOf(response.headers.get('etag')),
      position: response.headers.get('x-position') ?? undefined,
    };
  switch (response.status) {
    case 409:
    case 412:
      return { kind: 'changed', status: response.status };
    case 422:
      return { kind: 'refused', rule: problem.rule, title: problem.title ?? '' };
    case 400:
      return { kind: 'invalid', fields: problem.fields ?? [] };
    case 429:
    case 503: {
      const header = Number(response.headers.get('retry-after'));
      return {
        kind: 'unavailable',
        retryAfter:
          problem.retryAfter ?? (Number.isFinite(header) && header > 0 ? header : undefined),
      };
    }
    case 404:
      return { kind: 'not-found' };
    case 403:
      return { kind: 'forbidden' };
    default:
      return { kind: 'failed', status: response.status };
  }
}
