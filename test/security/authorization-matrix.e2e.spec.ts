import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { Role } from '@remedy/auth';
import { EVENT_STORE, type EventStore } from '@remedy/event-store';
import { rebuildProjection } from '@remedy/projections';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import {
  OPEN_CASE_BODY,
  registerOrganisation,
  realApiPerSuite,
  type RealApi,
} from '../faults/support/real-api';
import type { RouteInfo } from '../support/routes';
import { ALL_ROLES, expectedFor, ROUTE_RULES, type Expected } from './route-rules';
import { caseStreamId } from '@remedy/case-stream';
import { type OpenApi, type Schema } from '../support/openapi';

/**
 * Issue 4, "Done when": the authorisation matrix. The real API (apps/api ApiModule) is booted;
 * every route it registers (read from Fastify's onRoute hook) must have a rule in route-rules.ts
 * and every rule a route. Each route is called anonymously, as every role of the organisation
 * holding the case, and as every role of another organisation, and the answer is checked
 * against the rule:
 * - refused: exactly 401 (anonymous), 403 (a known resource, a role not allowed) or 404 (a case
 *   of another organisation: never 403 across organisations);
 * - allowed: past the policy, i.e. not 401 nor 403, and not the 404 of an unknown case (the
 *   request may still be refused by validation, 400, or by a domain rule, 422, or find no such
 *   sub-resource: those come after the policy); never a 5xx.
 * Requests carry bodies valid enough to pass validation (generated from the OpenAPI document,
 * with a few hand-written ones), so a refusal is the policy's, not the validator's.
 * Each command route gets a fresh case of its own (commands change the case), held by the owning
 * organisation.
 */
type Caller = { readonly label: string; readonly role?: Role; readonly org?: 'owner' | 'other' };
const CALLERS: readonly Caller[] = [
  { label: 'anonymous' },
  ...ALL_ROLES.map((role) => ({ label: `owner ${role}`, role, org: 'owner' as const })),
  ...ALL_ROLES.map((role) => ({ label: `other ${role}`, role, org: 'other' as const })),
];

const key = (r: RouteInfo) => `${r.method} ${r.url}`;
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Hand-written bodies and queries where a generated one would not pass validation. */
const bodies = (ids: { unknown: string }): Record<string, unknown> => ({
  'POST /cases': OPEN_CASE_BODY,
  'POST /organisations': {
    name: 'Organisation matrix',
    type: 'NGO',
    services: ['Accommodation'],
    country: 'AT',
    code: 'AUTHZC',
  },
  // A receiver outside the directory: the access decision (404 / 403) comes before the
  // directory's 422 (the holder's roles get that 422: past the policy).
  'POST /cases/:caseId/transfer': { toOrganisationId: ids.unknown },
  'POST /cases/:caseId/corrections': {
    correction: { fact: 'estimatedAge', value: 30, estimatedOn: '2026-01-01' },
  },
  'POST /cases/search': { fullName: 'Nobody Known', birthDate: '1990-01-01' },
  'POST /statistics/releases': { period: '2026', mode: 'suppression' },
  'POST /organisations/:organisationId/users': {
    loginName: `matrix.${randomUUID().slice(0, 8)}`,
    displayName: 'Matrix User',
    roles: ['caseworker'],
    language: 'en',
  },
  'PUT /organisations/:organisationId': {
    name: 'Organisation renamed',
    type: 'NGO',
    services: ['Accommodation'],
    country: 'AT',
  },
});
/** An organisation id no directory holds. */
const UNKNOWN_ORGANISATION = randomUUID();
const QUERIES: Record<string, string> = {
  'GET /cases/:caseId/as-of': `recordedAt=${encodeURIComponent(new Date().toISOString())}`,
  'GET /referrals': 'direction=in',
};

describe('authorisation matrix: every route × every role of the owning and of another organisation × anonymous', () => {
  const started = realApiPerSuite('authz');
  let api: RealApi;
  let pool: Pool;
  let doc: OpenApi;
  let owner: string;
  let other: string;
  let shared: string;
  /** A user (account of the embedded provider) of the owning organisation. */
  let ownerUser: string;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    ({ api, pool } = started);
    doc = (await api.request(undefined, { method: 'GET', url: '/docs-json' })).json() as OpenApi;
    owner = await registerOrganisation(api, 'AUTHZA');
    other = await registerOrganisation(api, 'AUTHZB');
    for (const c of CALLERS)
      if (c.role) tokens.set(c.label, await api.token([c.role], c.org === 'owner' ? owner : other));
    const created = await api.post(tokens.get('owner admin'), `/organisations/${owner}/users`, {
      loginName: `matrix.owner.${randomUUID().slice(0, 6)}`,
      displayName: 'Owner User',
      roles: ['caseworker'],
      language: 'en',
    });
    expect(created.statusCode).toBe(201);
    ownerUser = (created.json() as { userId: string }).userId;
    // The case the read routes share, projected (the API runs no projection: the worker does).
    // Catch-up reads only events below the cluster's oldest running transaction, so a rebuild
    // may not see the case yet while other databases' transactions run: rebuild until it does.
    shared = await openCase();
    const dataSource = api.app.get(DataSource, { strict: false });
    const eventStore = api.app.get<symbol, EventStore>(EVENT_STORE, { strict: false });
    const projected = async () =>
      (
        await pool.query(
          `SELECT (SELECT count(*) FROM case_list WHERE case_id = $1)
                + (SELECT count(*) FROM legal_aid_cases WHERE case_id = $1) AS n`,
          [shared],
        )
      ).rows[0].n === '2';
    for (let tries = 0; !(await projected()); tries++) {
      if (tries === 30) throw new Error('the shared case is not projected after 30 rebuilds');
      if (tries > 0) await new Promise((r) => setTimeout(r, 500));
      for (const projection of ALL_PROJECTIONS)
        await rebuildProjection({ dataSource, eventStore, projection });
    }
  }, 120_000);

  const routes = () => api.routes.filter((r) => !/^\/docs\/.+/.test(r.url) || r.url === '/docs/*');

  function resolve(schema: Schema | undefined): Schema {
    let s = schema ?? {};
    for (let i = 0; i < 10 && s.$ref; i++)
      s = doc.components.schemas[s.$ref.replace('#/components/schemas/', '')] ?? {};
    if (s.allOf?.length) return resolve(s.allOf[0]);
    if (s.oneOf?.length) return resolve(s.oneOf[0]);
    return s;
  }

  /** A value satisfying the schema as far as the OpenAPI document describes it. */
  function valueOf(raw: Schema | undefined, name = ''): unknown {
    const s = resolve(raw);
    if (s.enum?.length) return s.enum[0];
    switch (s.type) {
      case 'string':
        if (s.format === 'uuid' || /Id$/.test(name)) return randomUUID();
        if (s.format === 'date' || /(On|Date|date)$/.test(name)) return '2026-01-15';
        if (s.format === 'date-time' || /At$/.test(name)) return new Date().toISOString();
        if (/currency/i.test(name)) return 'EUR';
        if (/amount/i.test(name)) return '100.00';
        if (/language/i.test(name)) return 'uk';
        if (/country|citizenship/i.test(name)) return 'AT';
        return 'matrix text';
      case 'integer':
      case 'number':
        return Math.max(1, s.minimum ?? 1);
      case 'boolean':
        return false;
      case 'array':
        return [valueOf(s.items, name.replace(/s$/, ''))];
      default: {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(s.properties ?? {}))
          if (s.required?.includes(k)) out[k] = valueOf(v, k);
        return out;
      }
    }
  }

  /** A route of the OpenAPI document (a Nest route: its input is validated by the API). */
  const documented = (r: RouteInfo) =>
    doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()] !== undefined;

  function bodyFor(r: RouteInfo): string | undefined {
    if (r.method !== 'POST' && r.method !== 'PUT' && r.method !== 'PATCH') return undefined;
    const BODIES = bodies({ unknown: UNKNOWN_ORGANISATION });
    if (key(r) in BODIES) return JSON.stringify(BODIES[key(r)]);
    const op = doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()];
    const schema = op?.requestBody?.content?.['application/json']?.schema;
    return JSON.stringify(schema ? valueOf(schema) : {});
  }

  function queryFor(r: RouteInfo): string {
    if (key(r) in QUERIES) return `?${QUERIES[key(r)]}`;
    const op = doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()];
    const required = (op?.parameters ?? []).filter((p) => p.in === 'query' && p.required);
    if (required.length === 0) return '';
    return `?${required.map((p) => `${p.name}=${encodeURIComponent(String(valueOf(p.schema, p.name)))}`).join('&')}`;
  }

  async function openCase(): Promise<string> {
    const res = await api.post(tokens.get('owner caseworker'), '/cases', OPEN_CASE_BODY);
    expect(res.statusCode).toBe(201);
    return (res.json() as { caseId: string }).caseId;
  }

  const call = (
    caller: Caller,
    r: RouteInfo,
    url: string,
    body: string | undefined,
  ): Promise<LightMyRequestResponse> =>
    api.request(caller.role ? tokens.get(caller.label) : undefined, {
      method: r.method as InjectOptions['method'],
      url,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { payload: body }),
    });

  /** Does the answer fit the expectation? Returns a reason when it does not. */
  function verdict(
    expected: Expected,
    res: LightMyRequestResponse,
    validated: boolean,
  ): string | undefined {
    const status = res.statusCode;
    if (status >= 500) return `a ${status}`;
    if (expected === 'public') return status === 401 || status === 403 ? 'refused' : undefined;
    if (expected === 'allowed') {
      if (status === 401 || status === 403) return 'refused by the policy';
      if (status === 404 && /No such case/.test(res.body)) return 'the case was not found';
      // The request was valid (so the answer says something about the policy): only the queue
      // dashboard's routes (bull-board's own validation, not in the OpenAPI document) may say 400.
      if (status === 400 && validated) return 'the request is invalid: give it a valid body';
      return undefined;
    }
    return status === expected ? undefined : `expected ${expected}`;
  }

  it('every route the app registers has a rule, and every rule a route', () => {
    const registered = new Set(routes().map(key));
    const listed = new Set(Object.keys(ROUTE_RULES));
    expect({ withoutRule: [...registered].filter((k) => !listed.has(k)).sort() }).toEqual({
      withoutRule: [],
    });
    expect({ ruleWithoutRoute: [...listed].filter((k) => !registered.has(k)).sort() }).toEqual({
      ruleWithoutRoute: [],
    });
  });

  it('answers every route as its rule says, for every caller', async () => {
    const failures: string[] = [];
    const counts = { calls: 0, allowed: 0, 401: 0, 403: 0, 404: 0, public: 0 };
    for (const r of routes()) {
      const rule = ROUTE_RULES[key(r)];
      if (!rule) continue; // the test above names it
      const isCaseRoute = r.url.includes(':caseId');
      // A command changes its case: each command route gets a fresh one; reads share one.
      const caseId = isCaseRoute ? (r.method === 'GET' ? shared : await openCase()) : randomUUID();
      const url =
        r.url
          .replace(':caseId', caseId)
          .replace(':organisationId', owner)
          .replace(':userId', ownerUser)
          .replace(/:[A-Za-z0-9_]+/g, randomUUID())
          .replace(/\*$/, 'index.html') + queryFor(r);
      const body = bodyFor(r);
      // Refused callers first (they must change nothing), then the allowed ones.
      const ordered = [...CALLERS].sort(
        (a, b) =>
          Number(expectedFor(rule, a) === 'allowed') - Number(expectedFor(rule, b) === 'allowed'),
      );
      for (const caller of ordered) {
        const expected = expectedFor(rule, caller);
        const res = await call(caller, r, url, body);
        counts.calls++;
        counts[expected]++;
        const why = verdict(expected, res, documented(r));
        if (why)
          failures.push(
            `${key(r)} as ${caller.label}: ${res.statusCode} (${why}) ${res.body.slice(0, 160)}`,
          );
      }
    }
    console.log(
      `authorisation matrix: ${routes().length} routes × ${CALLERS.length} callers = ${counts.calls} calls; expected ${JSON.stringify(counts)}`,
    );
    expect(failures).toEqual([]);
    expect(counts.calls).toBe(routes().length * CALLERS.length);
  }, 300_000);
  it('decides before validation: with invalid input, a refused caller gets exactly its 403 / 404, an allowed one 400', async () => {
    // Invalid input every validated route refuses: an unknown field in the body, or an unknown
    // query parameter on a route with a query schema. The answer order of the API: 401 → 404 (a
    // case the caller's organisation does not reach) → 403 (a role not allowed) → 400.
    const failures: string[] = [];
    const counts = { 400: 0, 403: 0, 404: 0 };
    const streamLength = async () =>
      (
        await pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM events WHERE stream_id = $1',
          [caseStreamId(shared)],
        )
      ).rows[0]!.n;
    const before = await streamLength();
    for (const r of routes()) {
      const rule = ROUTE_RULES[key(r)];
      if (!rule || 'public' in rule || !documented(r)) continue; // plugins validate on their own
      const op = doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()];
      const hasBodySchema = op?.requestBody?.content?.['application/json']?.schema !== undefined;
      const hasQuerySchema = (op?.parameters ?? []).some((p) => p.in === 'query');
      const body = bodyFor(r);
      const invalidBody =
        body === undefined
          ? undefined
          : JSON.stringify({ ...(JSON.parse(body) as object), zz_order_probe: 1 });
      const url =
        r.url
          .replace(':caseId', shared)
          .replace(':organisationId', owner)
          .replace(':userId', ownerUser)
          .replace(/:[A-Za-z0-9_]+/g, randomUUID()) +
        (queryFor(r) || '?') +
        (hasQuerySchema ? `${queryFor(r) ? '&' : ''}zz_order_probe=1` : '');
      const validates = invalidBody !== undefined ? hasBodySchema : hasQuerySchema;
      for (const caller of CALLERS) {
        const expected = expectedFor(rule, caller);
        if (expected === 401 || expected === 'public') continue;
        if (expected === 'allowed' && !validates) continue; // nothing invalid to send
        const res = await call(caller, r, url, invalidBody);
        const want = expected === 'allowed' ? 400 : expected;
        counts[want]++;
        if (res.statusCode !== want)
          failures.push(
            `${key(r)} as ${caller.label} with invalid input: ${res.statusCode}, expected ${want} ${res.body.slice(0, 160)}`,
          );
      }
    }
    console.log(`policy before validation: ${JSON.stringify(counts)}`);
    expect(failures).toEqual([]);
    // Each kind of answer was checked on many routes.
    expect(counts[400]).toBeGreaterThan(50);
    expect(counts[403]).toBeGreaterThan(100);
    expect(counts[404]).toBeGreaterThan(100);
    // Nothing was appended to the shared case by any of them.
    expect(await streamLength()).toBe(before);
  }, 300_000);

  it("guessing another organisation's case ids: 404 on every case route (never 403, the same answer as for no case), each attempt in the audit trail", async () => {
    const guessers = (['caseworker', 'supervisor', 'legal_aid'] as const).map((role) => ({
      role,
      userId: randomUUID(),
    }));
    const caseRoutes = routes().filter((r) => r.url.includes(':caseId'));
    expect(caseRoutes.length).toBeGreaterThan(40);
    const failures: string[] = [];
    let attempts = 0;
    for (const { role, userId } of guessers) {
      const token = await api.issuer.mintToken({ userId, organisationId: other, roles: [role] });
      for (const r of caseRoutes) {
        const rule = ROUTE_RULES[key(r)];
        if (!rule || !('case' in rule) || rule.refusedFirst?.includes(role)) continue;
        const answers: string[] = [];
        for (const caseId of [shared, randomUUID()]) {
          const url =
            r.url.replace(':caseId', caseId).replace(/:[A-Za-z0-9_]+/g, randomUUID()) + queryFor(r);
          const body = bodyFor(r);
          const res = await api.request(token, {
            method: r.method as InjectOptions['method'],
            url,
            headers: body === undefined ? {} : { 'content-type': 'application/json' },
            ...(body === undefined ? {} : { payload: body }),
          });
          attempts++;
          if (res.statusCode !== 404)
            failures.push(
              `${key(r)} as other ${role}: ${res.statusCode} ${res.body.slice(0, 120)}`,
            );
          answers.push(res.body);
          const audited = await pool.query(
            `SELECT status, outcome FROM audit_trail
              WHERE user_id = $1 AND method = $2 AND route = $3 AND case_id = $4`,
            [userId, r.method, r.url, caseId],
          );
          if (audited.rows.length !== 1 || audited.rows[0].status !== 404)
            failures.push(`${key(r)} as other ${role}: audit ${JSON.stringify(audited.rows)}`);
        }
        // The held case and a case that does not exist get the very same answer.
        if (answers[0] !== answers[1])
          failures.push(`${key(r)} as other ${role}: ${answers[0]} ≠ ${answers[1]}`);
      }
    }
    expect(attempts).toBeGreaterThan(200);
    expect(failures).toEqual([]);
  }, 120_000);
});
