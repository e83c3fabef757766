import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import type { Pool } from 'pg';
import { LocalTokenIssuer } from '@remedy/auth';
import { expectedFor, ROUTE_RULES, type RuleCaller } from '../security/route-rules';
import { concreteUrl, type RouteInfo } from '../support/routes';
import {
  OPEN_CASE_BODY,
  registerOrganisation,
  realApiPerSuite,
  type RealApi,
} from './support/real-api';
import { type OpenApi, type Schema } from '../support/openapi';
import { mulberry32 } from '../support/prng';
import { isPublicRoute } from '../security/route-rules';

/**
 * Fault test (issue 8): ten thousand generated bad requests across every route the real API
 * registers (read from Fastify, so a new route is covered without an edit): malformed JSON, JSON
 * that is not an object, unknown fields, values of the wrong type (derived from the OpenAPI
 * schema of each body), bodies above the limit, bad path ids, bad query strings, bad headers,
 * missing and forged tokens, unknown methods. Expected: no 5xx at all, nothing appended, and the
 * answer each kind of defect calls for where it is certain (401, 400, 413).
 * The access policy is decided before validation (401 → 404 → 403 → 400): input defects expecting
 * 400 are sent with a token the route's rule (test/security/route-rules.ts) lets past the policy;
 * the kind `refused` sends the same defects with a token the rule refuses and expects exactly the
 * policy's 403 or 404. (Malformed JSON and oversized bodies are refused by Fastify's body parser
 * before any guard: 400 / 413 for any token; they use allowed tokens too.)
 * Deterministic: the generator is a seeded PRNG, so a failure reproduces.
 */
const TOTAL = 10_000;
const SEED = 0x8badf00d;

/** The seeded generator, with the two draws the requests are built from. */
function prng(seed: number) {
  const next = mulberry32(seed);
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
type Rng = ReturnType<typeof prng>;

/** Public routes (test/security/route-rules.ts, the one list): no token, no policy. */
const PUBLIC = (url: string) => isPublicRoute('GET', url) || isPublicRoute('POST', url);
const hasBody = (r: RouteInfo) => r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH';
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const BAD_IDS = [
  'not-a-uuid',
  '123',
  '00000000-0000-0000-0000-00000000000g',
  "1' OR '1'='1",
  '%27%3B%20DROP%20TABLE%20events%3B--',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  '%E2%80%8B',
  '%F0%9F%92%A5',
  'x'.repeat(2_000),
  '-1',
  '9'.repeat(40),
  'null',
  'undefined',
  '%7B%22%24ne%22%3A1%7D',
];
const BAD_QUERY_VALUES = [
  '-1',
  '0',
  '1e309',
  'NaN',
  'abc',
  '9'.repeat(30),
  '%00',
  '%FF',
  'true%00',
  "'",
  '[]',
  '{}',
  'x'.repeat(3_000),
];
/**
 * Issue 12: a value no answer may quote. Bad text, ids that are no ids and over-long path
 * parameters carry it; no response body may contain it.
 */
const MARKER = 'MRKR7f3e';
const BAD_TEXT = [`${MARKER}\u0000`, `${MARKER}\ud800`, `\udc00${MARKER}`, `${MARKER}\u001b`];
/** Ids that are no UUID (one over Fastify's default 100-character parameter limit). */
const NOT_IDS = [MARKER, `${MARKER}-not-a-uuid`, `${MARKER}${'x'.repeat(3_000)}`, `${MARKER}%00`];
/** Bodies nested far deeper than MAX_JSON_DEPTH (32). */
const DEPTH_BOMBS = [
  '{"a":'.repeat(3_000) + '1' + '}'.repeat(3_000),
  `{"${MARKER}":${'['.repeat(2_000)}${']'.repeat(2_000)}}`,
];
const UUID_G = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const WRONG_FOR: Record<string, unknown[]> = {
  string: [12345, true, {}, [1, 2], { $ne: null }, 1.5],
  number: ['12', 'abc', {}, [], true, '1e3'],
  integer: ['12', 'abc', 1.5, {}, [], true, -1e20],
  boolean: ['true', 1, {}, 'yes', []],
  array: ['x', 5, { 0: 'a' }, true, [{ $x: 1 }, 7]],
  object: [5, 'x', [], true],
};

describe('ten thousand bad requests across every route of the API (fault test)', () => {
  const started = realApiPerSuite('bad');
  let otherDir: string;
  let api: RealApi;
  let pool: Pool;
  let doc: OpenApi;
  let ids: { caseId: string; organisationId: string; flagId: string; userId: string };
  let tokens: { good: (RuleCaller & { token: string })[]; forged: (string | undefined)[] };

  beforeAll(async () => {
    ({ api, pool } = started);
    otherDir = mkdtempSync(join(tmpdir(), 'remedy-bad-other-'));
    doc = (await api.request(undefined, { method: 'GET', url: '/docs-json' })).json() as OpenApi;

    const organisationId = await registerOrganisation(api, 'BADREQ');
    const caseworker = await api.token(['caseworker'], organisationId);
    const opened = await api.post(caseworker, '/cases', OPEN_CASE_BODY);
    expect(opened.statusCode).toBe(201);
    const caseId = (opened.json() as { caseId: string }).caseId;
    const flag = await api.post(caseworker, `/cases/${caseId}/non-punishment-flags`, {});
    expect(flag.statusCode).toBe(200); // this route answers 200, not 201
    // A user (account of the embedded provider) of the organisation, for the /users/:userId routes.
    const created = await api.post(
      await api.token(['admin']),
      `/organisations/${organisationId}/users`,
      {
        loginName: 'bad.requests.user',
        displayName: 'Bad Requests',
        roles: ['caseworker'],
        language: 'en',
      },
    );
    expect(created.statusCode).toBe(201);
    ids = {
      caseId,
      organisationId,
      flagId: (flag.json() as { flagId: string }).flagId,
      userId: (created.json() as { userId: string }).userId,
    };

    // Tokens that must be refused: absent, malformed, unsigned, signed by another key or
    // another algorithm, tampered with, or in another scheme.
    const good = await api.token(['supervisor'], organisationId);
    const [h, p, s] = good.split('.');
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const stranger = await (
      await LocalTokenIssuer.load({ dataDir: otherDir })
    ).mintToken({ userId: randomUUID(), organisationId, roles: ['supervisor'] });
    const { privateKey } = generateKeyPairSync('ed25519');
    const selfSigned = `${h}.${p}`;
    tokens = {
      // Each with how the route rules see it: the case and the organisation of the URLs are
      // the `owner`'s.
      good: [
        { token: caseworker, role: 'caseworker', org: 'owner' },
        { token: good, role: 'supervisor', org: 'owner' },
        { token: await api.token(['admin']), role: 'admin', org: 'other' },
        {
          token: await api.token(['rapporteur'], organisationId),
          role: 'rapporteur',
          org: 'owner',
        },
        { token: await api.token(['legal_aid'], organisationId), role: 'legal_aid', org: 'owner' },
        { token: await api.token(['org_admin'], organisationId), role: 'org_admin', org: 'owner' },
        // An organisation outside the directory.
        { token: await api.token(['supervisor']), role: 'supervisor', org: 'other' },
      ],
      forged: [
        undefined,
        '',
        'Bearer',
        'Bearer ',
        'Bearer garbage',
        'Bearer a.b.c',
        'Bearer e30.e30.',
        `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${p}.`,
        `Bearer ${b64({ alg: 'NoNe', typ: 'JWT' })}.${p}.`,
        `Bearer ${h}.${b64({ ...claims, roles: ['admin'] })}.${s}`,
        `Bearer ${h}.${b64({ ...claims, exp: 1 })}.${s}`,
        `Bearer ${h}.${p}.${s!.slice(0, -4)}AAAA`,
        `Bearer ${selfSigned}.${sign(null, Buffer.from(selfSigned), privateKey).toString('base64url')}`,
        `Bearer ${stranger}`,
        `Bearer ${good}x`,
        `Basic ${Buffer.from('user:password').toString('base64')}`,
        `bearer  ${'x'.repeat(5_000)}`,
        good, // without the "Bearer " scheme
      ],
    };
  });

  afterAll(async () => {
    rmSync(otherDir, { recursive: true, force: true });
  });

  function resolve(schema: Schema | undefined): Schema {
    let s = schema ?? {};
    for (let i = 0; i < 10 && s.$ref; i++)
      s = doc.components.schemas[s.$ref.replace('#/components/schemas/', '')] ?? {};
    if (s.allOf?.length) return resolve(s.allOf[0]);
    return s;
  }
  function bodySchema(r: RouteInfo): Schema | undefined {
    const op = doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()];
    const schema = op?.requestBody?.content?.['application/json']?.schema;
    return schema ? resolve(schema) : undefined;
  }
  const documented = (r: RouteInfo) =>
    doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()] !== undefined;
  function queryParams(r: RouteInfo): string[] {
    const op = doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()];
    return (op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
  }
  const goodUrl = (r: RouteInfo) =>
    r.url
      .replace(':caseId', ids.caseId)
      .replace(':flagId', ids.flagId)
      .replace(':organisationId', ids.organisationId)
      .replace(':userId', ids.userId)
      .replace(/:[A-Za-z0-9_]+/g, randomUUID());

  /** The paths of the body's string fields, one level into nested objects. */
  function textFields(schema: Schema | undefined): string[][] {
    const paths: string[][] = [];
    for (const [name, raw] of Object.entries(schema?.properties ?? {})) {
      const prop = resolve(raw);
      if (prop.type === 'string' && !prop.enum) paths.push([name]);
      for (const [inner, innerRaw] of Object.entries(prop.properties ?? {})) {
        const p = resolve(innerRaw);
        if (p.type === 'string' && !p.enum) paths.push([name, inner]);
      }
    }
    return paths;
  }

  /** A body whose properties all have a value of the wrong type (the schema says which). */
  function wrongTypedBody(rng: Rng, schema: Schema): Record<string, unknown> | undefined {
    const props = Object.entries(schema.properties ?? {});
    if (props.length === 0) return undefined;
    const chosen = props.filter((_, i) => i === 0 || rng.next() < 0.5);
    const body: Record<string, unknown> = {};
    for (const [name, raw] of chosen) {
      const prop = resolve(raw);
      const type = prop.enum ? 'string' : (prop.type ?? (prop.properties ? 'object' : 'object'));
      body[name] =
        prop.enum && rng.next() < 0.4
          ? 'NotACodeOfThisList'
          : rng.pick(WRONG_FOR[type] ?? WRONG_FOR.object!);
    }
    return body;
  }

  const MALFORMED = [
    '{',
    '{"a":',
    '{"a" 1}',
    "{'a':1}",
    '[1,',
    'nul',
    '{"a":1}}',
    '\u0000',
    '{"a":"\\uZZZZ"}',
    '{"a":01}',
    '{"__proto__":',
    'undefined',
    '{,}',
  ];
  const NON_OBJECT = ['1', 'true', 'null', '"text"', '[]', '[{}]', '[1,2,3]', '-0', '1e999'];
  const HUGE = JSON.stringify({ personal: { text: 'x'.repeat(300 * 1024) } });
  const HUGE_RAW = 'y'.repeat(300 * 1024);

  /**
   * What the defect calls for: exactly 401, 400 or 413; exactly the policy's refusal (403 / 404:
   * `refused`, with `status`); any 4xx; or only "not a 5xx" (benign).
   */
  type Expect =
    'unauthorized' | 'bad' | 'refused' | 'not-found' | 'too-large' | 'client-error' | 'no-5xx';
  interface Generated {
    readonly kind: string;
    readonly route: RouteInfo;
    readonly options: InjectOptions;
    readonly expect: Expect;
    /** The policy's refusal, for `refused`. */
    readonly status?: number;
  }

  const ruleOf = (method: string, url: string) => ROUTE_RULES[`${method} ${url}`];
  /** Tokens the route's rule lets past the policy (all of them for a route without a rule). */
  function allowedTokens(method: string, url: string): string[] {
    const rule = ruleOf(method, url);
    return tokens.good
      .filter((c) => !rule || ['allowed', 'public'].includes(String(expectedFor(rule, c))))
      .map((c) => c.token);
  }
  /** Tokens the route's rule refuses, with the refusal (403 / 404) each gets. */
  function refusedTokens(method: string, url: string): { token: string; status: number }[] {
    const rule = ruleOf(method, url);
    if (!rule) return [];
    return tokens.good.flatMap((c) => {
      const expected = expectedFor(rule, c);
      return typeof expected === 'number' ? [{ token: c.token, status: expected }] : [];
    });
  }

  function generate(rng: Rng, route: RouteInfo): Generated {
    // Any valid token, for the defects whose answer does not depend on the policy; a token the
    // route's rule allows, for those expecting 400 (the policy is decided before validation).
    const anyToken = rng.pick(tokens.good).token;
    const allowedAuth = (method = route.method, url = route.url) => ({
      authorization: `Bearer ${rng.pick(allowedTokens(method, url))}`,
    });
    const auth = { authorization: `Bearer ${anyToken}` };
    const json = { 'content-type': 'application/json' };
    const schema = hasBody(route) ? bodySchema(route) : undefined;
    const method = route.method as InjectOptions['method'];
    const base = { method, url: goodUrl(route) };
    /**
     * A case sending a JSON body from a caller the route's rule allows. `payload` is called after
     * the token is picked (the order of the generator's draws is part of a seed's cases).
     */
    const withBody = (k: string, expect: Expect, payload: () => string): Generated => {
      const headers = { ...allowedAuth(), ...json };
      return { kind: k, route, expect, options: { ...base, headers, payload: payload() } };
    };
    const kinds = ['token', 'path-id', 'query', 'header', 'method'];
    if (hasBody(route))
      kinds.push(
        'malformed',
        'non-object',
        'unknown-field',
        'wrong-type',
        'huge',
        'content-type',
        'depth-bomb',
        'bad-text',
      );
    if (route.url.includes(':')) kinds.push('not-an-id');
    if (refusedTokens(route.method, route.url).length) kinds.push('refused');
    const kind = PUBLIC(route.url) ? rng.pick(['query', 'header', 'method']) : rng.pick(kinds);
    switch (kind) {
      case 'refused': {
        // Invalid input from a caller the policy refuses: exactly its 403 / 404, never 400.
        const { token, status } = rng.pick(refusedTokens(route.method, route.url));
        const params = queryParams(route);
        const q = params.length
          ? `?${params[0]}=${rng.pick(BAD_QUERY_VALUES)}&zz_${rng.int(100)}=1`
          : '';
        const body = hasBody(route)
          ? {
              payload: JSON.stringify(
                (schema && rng.next() < 0.5 ? wrongTypedBody(rng, schema) : undefined) ?? {
                  [`zz_${rng.int(1000)}`]: 1,
                },
              ),
            }
          : {};
        return {
          kind,
          route,
          expect: 'refused',
          status,
          options: {
            method,
            url: `${base.url}${q}`,
            headers: { authorization: `Bearer ${token}`, ...json },
            ...body,
          },
        };
      }
      case 'token': {
        const forged = rng.pick(tokens.forged);
        const body = hasBody(route)
          ? { payload: JSON.stringify(rng.next() < 0.5 ? OPEN_CASE_BODY : {}) }
          : {};
        return {
          kind,
          route,
          expect: 'unauthorized',
          options: {
            ...base,
            ...body,
            headers: { ...json, ...(forged === undefined ? {} : { authorization: forged }) },
          },
        };
      }
      case 'malformed':
        return withBody(kind, 'bad', () => rng.pick(MALFORMED));
      case 'non-object':
        return withBody(kind, schema ? 'bad' : 'client-error', () => rng.pick(NON_OBJECT));
      case 'unknown-field': {
        const body: Record<string, unknown> = {
          ...(route.url === '/cases' ? OPEN_CASE_BODY : {}),
          [`zz_${rng.int(1000)}`]: rng.pick([1, 'x', null, {}, []]),
        };
        const payload =
          rng.next() < 0.2
            ? JSON.stringify(body).replace('{', '{"__proto__":{"admin":true},')
            : JSON.stringify(body);
        return withBody(kind, schema ? 'bad' : 'client-error', () => payload);
      }
      case 'wrong-type': {
        const body = schema ? wrongTypedBody(rng, schema) : undefined;
        return body
          ? withBody(kind, 'bad', () => JSON.stringify(body))
          : withBody('unknown-field', schema ? 'bad' : 'client-error', () => '{"zz_unknown":1}');
      }
      case 'depth-bomb':
        // Issue 12 item 5: refused before parsing (400), never a RangeError 500.
        return withBody(kind, 'bad', () => rng.pick(DEPTH_BOMBS));
      case 'bad-text': {
        // Issue 12 item 6: NUL, lone surrogates, control characters in any text field (or, for a
        // body without one, an unknown field): 400 naming the field, before anything is stored.
        const fields = textFields(schema);
        const field = fields.length ? rng.pick(fields) : [`zz_${rng.int(100)}`];
        const body: Record<string, unknown> =
          route.url === '/cases' ? structuredClone(OPEN_CASE_BODY) : {};
        let at: Record<string, unknown> = body;
        for (const part of field.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
        at[field[field.length - 1]!] = rng.pick(BAD_TEXT);
        // A route without a body schema ignores its body (its answer is its own).
        return withBody(kind, schema ? 'bad' : 'client-error', () => JSON.stringify(body));
      }
      case 'not-an-id': {
        // Issue 12 item 7: an id that is no id (over-long too): 401 without a token, then 404
        // for a caller the policy lets through, even with an invalid body (404 before 400).
        const id = rng.pick(NOT_IDS);
        const anonymous = rng.next() < 0.4;
        const url = route.url.replace(/:[A-Za-z0-9_]+/g, id);
        return {
          kind,
          route,
          expect: anonymous ? 'unauthorized' : 'not-found',
          options: {
            method,
            url,
            headers: { ...(anonymous ? {} : allowedAuth()), ...json },
            ...(hasBody(route) ? { payload: `{"zz_unknown":"${MARKER}"}` } : {}),
          },
        };
      }
      case 'huge':
        return withBody(kind, 'too-large', () => (rng.next() < 0.5 ? HUGE : HUGE_RAW));
      case 'content-type':
        return {
          kind,
          route,
          expect: 'client-error',
          options: {
            ...base,
            headers: {
              ...auth,
              'content-type': rng.pick([
                'text/plain',
                'application/xml',
                'multipart/form-data; boundary=x',
                'application/x-www-form-urlencoded',
              ]),
            },
            payload: rng.pick(['a=1', '<a/>', '{"personal":{"text":"t"}}']),
          },
        };
      case 'path-id': {
        if (!route.url.includes(':')) return generate(rng, route);
        const url = concreteUrl(route.url, rng.pick(BAD_IDS));
        const body = hasBody(route)
          ? { payload: rng.next() < 0.5 ? '{}' : JSON.stringify(OPEN_CASE_BODY) }
          : {};
        return {
          kind,
          route,
          expect: 'client-error',
          options: { method, url, headers: { ...auth, ...json }, ...body },
        };
      }
      case 'query': {
        const params = queryParams(route);
        // A value from BAD_QUERY_VALUES is not bad for every parameter (`days=0` is a valid window),
        // so the unknown parameter, always refused, is always there; known ones carry bad values beside it.
        const pairs = params.filter(() => rng.next() < 0.7);
        const q = [...pairs, `zz_${rng.int(100)}`].map((p) => `${p}=${rng.pick(BAD_QUERY_VALUES)}`);
        if (rng.next() < 0.2 && params.length) q.push(`${params[0]}=a&${params[0]}=b`);
        const body = hasBody(route) ? { payload: '{"zz_unknown":true}' } : {};
        // A route without a query schema may ignore unknown parameters: only "never 5xx" there.
        const expect: Expect =
          params.length || schema ? 'bad' : hasBody(route) ? 'client-error' : 'no-5xx';
        return {
          kind,
          route,
          expect,
          options: {
            method,
            url: `${base.url}?${q.join('&')}`,
            headers: { ...(expect === 'bad' ? allowedAuth() : auth), ...json },
            ...body,
          },
        };
      }
      case 'header': {
        if (hasBody(route) && route.url.startsWith('/cases/')) {
          // A valid note body: only the header is wrong, so a header that was ignored would append.
          const header = rng.pick([
            {
              'if-match': rng.pick([
                'garbage',
                '"-1"',
                'W/"x"',
                '*',
                '"1", "2"',
                '"' + '9'.repeat(25) + '"',
                '',
              ]),
            },
            { 'idempotency-key': rng.pick(['x'.repeat(300), 'key\twith\ttabs', 'ключ', '']) },
          ]);
          return {
            kind,
            route,
            expect: 'bad',
            options: {
              method,
              url: `/cases/${ids.caseId}/notes`,
              headers: { ...allowedAuth('POST', '/cases/:caseId/notes'), ...json, ...header },
              payload: '{"personal":{"text":"t"}}',
            },
          };
        }
        const header = rng.pick([
          {
            'x-min-position': rng.pick([
              'garbage',
              '1.',
              '.1',
              '-2.-2',
              '9'.repeat(30) + '.1',
              '1.2.3',
              '',
            ]),
          },
          { accept: 'application/xml' },
          { 'accept-encoding': 'br;q=abc, *;q=-1' },
          { cookie: 'a'.repeat(4_000) },
          { 'x-forwarded-for': 'not-an-ip' },
          { range: 'bytes=abc' },
        ]);
        // Odd but harmless headers on a read may well be answered 200.
        return {
          kind,
          route,
          expect: hasBody(route) ? 'client-error' : 'no-5xx',
          options: {
            ...base,
            headers: { ...auth, ...header },
            ...(hasBody(route) ? { payload: '{"zz_unknown":1}' } : {}),
          },
        };
      }
      default: {
        // A method the route does not have.
        const other = rng.pick(
          ['DELETE', 'PATCH', 'OPTIONS', 'PUT', 'POST'].filter((m) => m !== route.method),
        ) as InjectOptions['method'];
        return {
          kind: 'method',
          route,
          expect: 'client-error',
          options: {
            method: other,
            url: base.url,
            headers: { ...auth, ...json },
            payload: '{"zz":1}',
          },
        };
      }
    }
  }

  const eventCount = async () =>
    (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]!.n;

  it(`answers ${TOTAL} generated bad requests without a 5xx and appends nothing`, async () => {
    const routes = api.routes.filter((r) => !/^\/docs\/.+/.test(r.url) || r.url === '/docs/*');
    expect(routes.length).toBeGreaterThan(50);
    const before = await eventCount();
    const rng = prng(SEED);
    const failures: string[] = [];
    const byKind = new Map<string, number>();
    const statuses = new Map<number, number>();
    const covered = new Set<string>();
    const started = Date.now();
    const CONCURRENCY = 8;
    let sent = 0;
    // Round-robin over the routes; the public ones (health and metrics compute every
    // projection's lag: costly, and they read no input) get 10 rounds, the others the rest.
    const schedule: RouteInfo[] = [];
    for (let round = 0; schedule.length < TOTAL; round++)
      for (const r of routes) if (round < 10 || !PUBLIC(r.url)) schedule.push(r);
    const worker = async () => {
      while (sent < TOTAL) {
        const i = sent++;
        const route = schedule[i]!;
        const g = generate(rng, route);
        // Public routes (health, metrics, docs) and routes outside the OpenAPI document (plugins
        // such as the queue dashboard, with their own rules) may answer anything but a 5xx.
        const expectation: Expect = PUBLIC(route.url) || !documented(route) ? 'no-5xx' : g.expect;
        const res = await api.app.inject(g.options);
        const status = res.statusCode;
        covered.add(`${route.method} ${route.url}`);
        byKind.set(g.kind, (byKind.get(g.kind) ?? 0) + 1);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const ok =
          status < 500 &&
          (expectation === 'unauthorized'
            ? status === 401
            : expectation === 'bad'
              ? status === 400
              : expectation === 'refused'
                ? status === g.status
                : expectation === 'not-found'
                  ? status === 404
                  : expectation === 'too-large'
                    ? status === 413
                    : expectation === 'client-error'
                      ? status >= 400
                      : true);
        // No answer quotes the input: the marker, nor an id of the URL in an error.
        const echoes =
          res.body.includes(MARKER) ||
          (status >= 400 &&
            (String(g.options.url).match(UUID_G) ?? []).some((id) => res.body.includes(id)));
        if ((!ok || echoes) && failures.length < 20) {
          failures.push(
            `#${i} ${g.kind} ${route.method} ${route.url} → ${String(g.options.method)} ${String(g.options.url).slice(0, 120)}: ${status} ${res.body.slice(0, 200)}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const ms = Date.now() - started;
    console.log(
      `bad requests: ${TOTAL} in ${ms} ms over ${covered.size} routes; kinds ${JSON.stringify(Object.fromEntries(byKind))}; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );
    expect(failures).toEqual([]);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect(covered.size).toBe(routes.length);
    // The routes of the OpenAPI document are most of them, and got the strict expectations.
    expect(routes.filter(documented).length).toBeGreaterThanOrEqual(45);
    expect(await eventCount()).toBe(before);
    // Every kind of defect was sent many times.
    for (const kind of [
      'token',
      'malformed',
      'non-object',
      'unknown-field',
      'wrong-type',
      'huge',
      'path-id',
      'query',
      'header',
      'refused',
      'depth-bomb',
      'bad-text',
      'not-an-id',
    ]) {
      expect({ kind, many: (byKind.get(kind) ?? 0) >= 100 }).toEqual({ kind, many: true });
    }
  }, 240_000);
});
