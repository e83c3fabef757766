import { STATUS_CODES } from 'node:http';
import { RequestMethod, type INestApplication, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, PROBLEM_KINDS, PROBLEM_TYPE_BASE } from './problem';
import { GRANTS_ACCESS, READS_PROJECTIONS } from './read-your-writes';
import { DEFAULT_EXEMPT_PATHS } from './security';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Parameter = Extract<NonNullable<Operation['parameters']>[number], { in: string }>;

/** A request header a route reads, or a response header it sets (declared in the document). */
export type ContractHeader = 'If-Match' | 'Idempotency-Key' | 'ETag' | 'X-Position';

/**
 * What a route's code does beyond what its other metadata says: the error statuses its handler
 * can answer (409, 412, 422, …), the headers it reads and sets. Merged when declared more than
 * once (a param decorator and a method decorator may both declare).
 */
export interface RouteContract {
  readonly answers?: readonly number[];
  readonly reads?: readonly ContractHeader[];
  readonly sets?: readonly ContractHeader[];
}
const CONTRACT_KEY = 'remedy:http:contract';

/** Adds to the contract of a handler (a method) or of every route of a controller (a class). */
export function declareContract(target: object, contract: RouteContract): void {
  const had = (Reflect.getMetadata(CONTRACT_KEY, target) as RouteContract | undefined) ?? {};
  const merge = <T>(a: readonly T[] = [], b: readonly T[] = []) => [...new Set([...a, ...b])];
  Reflect.defineMetadata(
    CONTRACT_KEY,
    {
      answers: merge(had.answers, contract.answers),
      reads: merge(had.reads, contract.reads),
      sets: merge(had.sets, contract.sets),
    },
    target,
  );
}

/** {@link declareContract} as a method or class decorator. */
export const Contract =
  (contract: RouteContract) =>
  (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor): void =>
    declareContract((descriptor?.value as object | undefined) ?? target, contract);

/** One route of the app, as the document describer sees it. */
export interface DescribedRoute {
  readonly controller: Type<unknown>;
  readonly handler: (...args: unknown[]) => unknown;
}

/**
 * What the access policy and authentication say of a route (provided under {@link ROUTE_DESCRIBER}
 * by @remedy/access-policy's AccessPolicyModule): whether it needs a token (401), the error
 * statuses its policy answers (403, 404) and who may call it, in words.
 */
export interface RouteDescriber {
  describe(route: DescribedRoute): {
    readonly authenticated: boolean;
    readonly answers: readonly number[];
    readonly whoMay?: string;
  };
}
export const ROUTE_DESCRIBER = Symbol('remedy:http:RouteDescriber');

type HeaderObject = { description: string; schema: Record<string, unknown> };

/** The request headers routes read (declared inline as parameters). */
const REQUEST_HEADERS: Readonly<Record<string, HeaderObject>> = {
  'If-Match': {
    description: 'The ETag (`"<revision>"`) the change is based on; 412 when it is not current',
    schema: { type: 'string', pattern: '^"\\d+"$' },
  },
  'Idempotency-Key': {
    description:
      'Makes a retry safe: the same key and body within 24 h gets the first answer and runs nothing; another body: 422 IDEMPOTENCY_KEY_REUSED',
    schema: { type: 'string', minLength: 1, maxLength: 255 },
  },
  'X-Min-Position': {
    description:
      'Read your writes: wait (bounded) until the read model has reached this position (`X-Position` of a command answer); 503 when it has not',
    schema: { type: 'string', pattern: '^\\d+\\.\\d+$' },
  },
};

const DAY_SECONDS = 86_400;
/** A header holding a whole number from 0 to `maximum`. */
function count(description: string, maximum = 1_000_000_000): HeaderObject {
  return { description, schema: { type: 'integer', minimum: 0, maximum } };
}

/** The response headers routes set (components of the document, referenced by the answers). */
const RESPONSE_HEADERS: Readonly<Record<string, HeaderObject>> = {
  ETag: {
    description: 'The revision of the resource (`"<revision>"`), for If-Match',
    schema: { type: 'string' },
  },
  'X-Position': {
    description: 'The global position the command produced, for X-Min-Position',
    schema: { type: 'string' },
  },
  'X-Access-Pending': {
    description:
      '`true` when the access the command granted is recorded but not yet readable by the receiving organisation',
    schema: { type: 'string', enum: ['true'] },
  },
  'Retry-After': count('Seconds to wait before retrying', DAY_SECONDS),
  'X-RateLimit-Limit': count('Requests allowed per window (per user, else per client address)'),
  'X-RateLimit-Remaining': count('Requests left in the current window'),
  'X-RateLimit-Reset': count('Seconds until the window resets', DAY_SECONDS),
};
const RATE_LIMIT_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'];

const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** The shared schema of every error answer (RFC 9457 with this API's extensions). */
export const PROBLEM_SCHEMA = {
  type: 'object',
  description: `An RFC 9457 problem document. \`type\` is ${PROBLEM_TYPE_BASE}<kind> (${Object.values(
    PROBLEM_KINDS,
  )
    .map((k) => k.kind)
    .join(
      ', ',
    )}), ${PROBLEM_TYPE_BASE}rules/<RULE> for a refusal by a rule (422; its title in the caller's language: ?lang= or Accept-Language, English by default), or about:blank. Never quotes a submitted value.`,
  required: ['type', 'title', 'status', 'detail'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', format: 'uri', maxLength: 200 },
    title: { type: 'string', maxLength: 500 },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', maxLength: 100_000 },
    instance: { type: 'string', format: 'uri-reference', maxLength: 2000 },
    fields: {
      type: 'array',
      description: '400: each invalid input (body field path, query or path parameter, header)',
      maxItems: 100,
      items: {
        type: 'object',
        required: ['name', 'reason'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', maxLength: 500 },
          reason: { type: 'string', maxLength: 10_000 },
        },
      },
    },
    rule: {
      type: 'string',
      description:
        '422: the rule that refused the command (GET /code-lists/rules and /code-lists/application-rules name them)',
      maxLength: 100,
    },
    reason: {
      type: 'string',
      description: '401: why the token was refused',
      maxLength: 100,
    },
    retryAfter: {
      type: 'integer',
      description: '429 and 503: seconds to wait before retrying (also the Retry-After header)',
      minimum: 0,
    },
  },
} as const;

/** Descriptions of the error statuses in the document. */
const STATUS_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Invalid input: `fields` names each input and the reason (never the value)',
  401: 'No valid bearer token',
  403: 'The role may not do this',
  404: "No such resource for the caller's organisation (another organisation's is not found either)",
  409: 'Changed concurrently, or the same Idempotency-Key is in flight',
  412: 'If-Match does not match the current revision',
  413: 'The body is larger than the API takes',
  415: 'The body is not of a media type the API takes (application/json)',
  422: 'Refused by a rule: `rule` names it, `title` says it in the caller’s language',
  429: 'Too many requests: `retryAfter` and Retry-After say when to retry',
  503: 'A dependency (database, identity provider, read model) is unavailable: retry after `retryAfter` seconds',
};

export interface ApiDocumentOptions {
  readonly title?: string;
  /** Paths the rate limiter skips (no 429 there). */
  readonly rateLimitExempt?: readonly string[];
}

/**
 * The OpenAPI document of the app: what @nestjs/swagger derives from the routes, completed from
 * each route's metadata so it cannot drift from what the code answers: every error status a
 * route can answer, as `application/problem+json` with the shared `Problem` schema (401 for an
 * authenticated route, 403/404 from its access policy, 404 for a path parameter, 400 for any
 * input, 409/412/422 and the headers from its contract, 429 where the rate limiter counts, 503
 * everywhere), the headers it reads and sets, a description of who may call it, global tags and
 * servers. Deterministic: no random ordering.
 */
export function createOpenApiDocument(
  app: INestApplication,
  options: ApiDocumentOptions = {},
): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title ?? 'Remedy API')
      .setDescription(
        'Event-sourced case management for assisting victims of human trafficking. ' +
          'Every route but /health, /health/ready (their status only), /docs and /docs-json needs a bearer token. ' +
          'Errors are RFC 9457 problem documents (`application/problem+json`, schema `Problem`). ' +
          'Metrics and detailed health are on the internal listener (METRICS_HOST, METRICS_PORT), not here.',
      )
      .setVersion('0.1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'A JWT from the local issuer (`npm run cli -- users token`) or the OIDC provider of the OIDC_* settings; signatures, issuer, audience and expiry are checked as RFC8725 (JWT best current practices) recommends',
      })
      .build(),
  );
  describeOperations(app, document, options);
  // The API is public to its clients (not an internal one), served from this document's origin.
  document.servers = [
    {
      url: '/',
      description: 'The deployment serving this document (local, staging or production)',
      'x-internal': false,
    } as never,
  ];
  return canonicalOpenApi(document);
}

/**
 * The document with `paths` and every `components` section sorted by name, so it does not depend on
 * the order modules and controllers are registered in (what `configureHttpApp` serves at /docs-json
 * and what `npm run openapi` writes to libs/api-client/openapi.json are then the same bytes);
 * everything else keeps the order the code declares (properties, enums, methods).
 */
export function canonicalOpenApi(document: OpenAPIObject): OpenAPIObject {
  const components = document.components
    ? Object.fromEntries(
        Object.entries(document.components).map(([section, entries]) => [
          section,
          byName(entries as Record<string, unknown>),
        ]),
      )
    : undefined;
  return {
    ...document,
    paths: byName(document.paths),
    ...(components ? { components } : {}),
  };
}

function byName<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function describeOperations(
  app: INestApplication,
  document: OpenAPIObject,
  options: ApiDocumentOptions,
): void {
  const routes = routeTable(app);
  const describer = optionalProvider<RouteDescriber>(app, ROUTE_DESCRIBER);
  const exempt = new Set(options.rateLimitExempt ?? DEFAULT_EXEMPT_PATHS);
  const components = (document.components ??= {});
  components.schemas = { ...(components.schemas ?? {}), Problem: PROBLEM_SCHEMA as never };
  components.headers = Object.fromEntries(
    Object.entries(RESPONSE_HEADERS).map(([name, h]) => [name, { ...h }]),
  ) as never;
  const tags = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      for (const t of operation.tags ?? []) tags.add(t);
      const route = routes.get(`${method.toUpperCase()} ${path}`);
      describeOperation(operation, `${method.toUpperCase()} ${path}`, route, describer, exempt);
    }
  }
  document.tags = [...tags].sort().map((name) => ({ name, description: TAGS[name] ?? name }));
}

function describeOperation(
  operation: Operation,
  /** `METHOD /path`. */
  name: string,
  route: DescribedRoute | undefined,
  describer: RouteDescriber | undefined,
  rateLimitExempt: ReadonlySet<string>,
): void {
  const contract = route ? contractOf(route) : {};
  const policy = route && describer ? describer.describe(route) : undefined;
  const parameters = (operation.parameters ?? []) as Parameter[];
  const reads = new Set<string>(contract.reads ?? []);
  const sets = new Set<string>(contract.sets ?? []);
  const statuses = new Set<number>([...(contract.answers ?? []), ...(policy?.answers ?? [])]);
  if (route && metadata(route, READS_PROJECTIONS)) reads.add('X-Min-Position');
  if (route && metadata(route, GRANTS_ACCESS)) sets.add('X-Access-Pending');
  const rateLimited = !rateLimitExempt.has(name.slice(name.indexOf(' ') + 1));
  if (rateLimited) for (const h of RATE_LIMIT_HEADERS) sets.add(h);
  if (reads.has('If-Match')) statuses.add(412);
  for (const name of reads) {
    if (!parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === name.toLowerCase()))
      parameters.push({ name, in: 'header', required: false, ...REQUEST_HEADERS[name]! });
    else {
      const declared = parameters.find((p) => p.name.toLowerCase() === name.toLowerCase())!;
      declared.description ??= REQUEST_HEADERS[name]!.description;
      declared.schema ??= REQUEST_HEADERS[name]!.schema as never;
    }
  }
  if (parameters.length) operation.parameters = parameters;
  if (policy?.authenticated) {
    statuses.add(401);
    operation.security ??= [{ bearer: [] }];
  }
  if (parameters.some((p) => p.in === 'path')) statuses.add(404);
  if (parameters.length || operation.requestBody) statuses.add(400);
  // A body too large (bodyLimit) or of a media type the parser does not take, on any method that
  // may carry one (even where the route reads none): refused before the route.
  if (operation.requestBody || /^(POST|PUT|PATCH) /.test(name))
    for (const status of [413, 415]) statuses.add(status);
  if (rateLimited) statuses.add(429);
  statuses.add(503);

  for (const [status, response] of Object.entries(operation.responses)) {
    const code = Number(status);
    if (code >= 200 && code < 300 && sets.size && response && !('$ref' in response)) {
      response.headers = {
        ...(response.headers ?? {}),
        ...Object.fromEntries([...sets].sort().map((h) => [h, headerRef(h)])),
      };
    }
    // The hand-written error answers of a route give way to the central ones, but for an answer
    // the route writes itself with a body of its own (the readiness probe's 503 status).
    if (code >= 400 && !(response && 'content' in response && response.content))
      delete operation.responses[status];
  }
  for (const status of [...statuses].sort((a, b) => a - b)) {
    if (operation.responses[String(status)]) continue;
    operation.responses[String(status)] = {
      description: STATUS_DESCRIPTIONS[status] ?? STATUS_CODES[status] ?? 'Error',
      ...(status === 429 || status === 503
        ? { headers: { 'Retry-After': headerRef('Retry-After') } }
        : {}),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  if (operation.description === undefined) {
    const what = operation.summary ?? name;
    operation.description = policy?.whoMay ? `${what}. ${policy.whoMay}` : `${what}.`;
  }
}

/** The tags of the API, described once here (every tag a controller uses must be listed). */
const TAGS: Readonly<Record<string, string>> = {
  audit: "The audit trail: who read or changed what, for administrators and the case's supervisors",
  cases: 'Cases: open, record, share, close (commands) and read (views, lists, timeline)',
  claims: 'Legal-aid claims of a case: filing, decisions, appeals, closure',
  'code-lists': 'The code lists with their labels in the six UN languages',
  'data-rights': "The person's access request and the retention schedule",
  exports: "Exports of the caller's organisation (HTCDS, for its supervisors)",
  health: 'Liveness and readiness (status only)',
  'legal-aid': 'The legal-aid view of cases and claims',
  organisations: 'The organisation directory',
  referrals: 'Referrals sent to and by the caller’s organisation',
  reminders: 'Due reminders of the caller’s organisation',
  session: 'The caller’s identity and roles',
  statistics: 'Anonymous statistics: tables, releases for national rapporteurs, HTCDS export',
  users:
    'Users of the embedded login provider and their organisation’s login policy, for organisation and platform administrators',
};

function contractOf(route: DescribedRoute): RouteContract {
  const own = (Reflect.getMetadata(CONTRACT_KEY, route.handler) as RouteContract) ?? {};
  const ofClass = (Reflect.getMetadata(CONTRACT_KEY, route.controller) as RouteContract) ?? {};
  const merge = <T>(a: readonly T[] = [], b: readonly T[] = []) => [...new Set([...a, ...b])];
  return {
    answers: merge(ofClass.answers, own.answers),
    reads: merge(ofClass.reads, own.reads),
    sets: merge(ofClass.sets, own.sets),
  };
}

const metadata = (route: DescribedRoute, key: string): unknown =>
  Reflect.getMetadata(key, route.handler) ?? Reflect.getMetadata(key, route.controller);

/** Every route of the app by `METHOD /path/{param}` (the document's own spelling). */
function routeTable(app: INestApplication): Map<string, DescribedRoute> {
  const table = new Map<string, DescribedRoute>();
  const modules = app.get(ModulesContainer, { strict: false });
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      const base = pathsOf(Reflect.getMetadata(PATH_METADATA, controller));
      for (const name of methodNames(controller.prototype as object)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function') continue;
        const verb = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (verb === undefined) continue;
        for (const b of base)
          for (const p of pathsOf(Reflect.getMetadata(PATH_METADATA, handler)))
            table.set(`${RequestMethod[verb]} ${documentPath(b, p)}`, {
              controller,
              handler: handler as DescribedRoute['handler'],
            });
      }
    }
  }
  return table;
}

function methodNames(prototype: object): string[] {
  const names = new Set<string>();
  for (let p: object | null = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p))
    for (const n of Object.getOwnPropertyNames(p)) if (n !== 'constructor') names.add(n);
  return [...names];
}

const pathsOf = (value: unknown): string[] =>
  Array.isArray(value) ? (value as string[]) : [typeof value === 'string' ? value : ''];

const documentPath = (base: string, path: string): string =>
  (`/${base}/${path}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1') || '/').replace(
    /:([A-Za-z0-9_]+)/g,
    '{$1}',
  );

/**
 * A value provider of the app when one is registered (in any module), else undefined. Looked up
 * in the module graph rather than with `app.get`, which ends the process for a missing provider
 * unless the app was created with `abortOnError: false`.
 */
export function optionalProvider<T>(app: INestApplication, token: symbol): T | undefined {
  for (const module of app.get(ModulesContainer, { strict: false }).values()) {
    const instance = module.providers.get(token)?.instance as T | undefined;
    if (instance !== undefined && instance !== null) return instance;
  }
  return undefined;
}
