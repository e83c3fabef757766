import { randomUUID } from 'node:crypto';
import { concreteUrl } from '../support/routes';
import {
  OPEN_CASE_BODY,
  projectAllUntil,
  registerOrganisation,
  realApiPerSuite,
  type RealApi,
} from '../faults/support/real-api';
import { isPublicRoute } from '../security/route-rules';

/** Public routes (test/security/route-rules.ts, the one list): no token, no policy. */
const PUBLIC = (url: string) => isPublicRoute('GET', url) || isPublicRoute('POST', url);

/**
 * The real API composition (apps/api ApiModule): a national rapporteur reaches no route that
 * returns case-level data. Every route the app registers (read from Fastify) but the statistics
 * and the public ones is called with a rapporteur token of an organisation that HOLDS a case,
 * with that case's id in the path: each answer is 403 or 404, never a 2xx; the only exceptions are
 * GET /session, which answers the caller's own ids and roles, and the code lists (labels, no case
 * data).
 */
describe('a national rapporteur reaches no case-level route of the real API', () => {
  const started = realApiPerSuite('rapporteur');
  let api: RealApi;
  let caseId: string;
  let organisationId: string;

  beforeAll(async () => {
    ({ api } = started);
    organisationId = await registerOrganisation(api, 'RAPPT');
    const caseworker = await api.token(['caseworker'], organisationId);
    const opened = await api.post(caseworker, '/cases', OPEN_CASE_BODY);
    expect(opened.statusCode).toBe(201);
    const answer = opened.json() as { caseId: string; position: string };
    caseId = answer.caseId;
    // The API process runs no projection (the worker does): bring every read model up to date here,
    // so that the case-level routes would have something to answer.
    await projectAllUntil(started.db, answer.position);
  });

  it('answers 403 or 404 on every non-statistics route, with the id of a case the organisation holds', async () => {
    const rapporteur = await api.token(['rapporteur'], organisationId);
    const routes = api.routes.filter((r) => !PUBLIC(r.url) && !r.url.startsWith('/statistics'));
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['GET /cases', 'GET /cases/:caseId', 'GET /exports/htcds.csv']),
    );
    const answers: string[] = [];
    for (const route of routes) {
      const url = concreteUrl(route.url.replace(':caseId', caseId), randomUUID());
      const res = await api.request(rapporteur, {
        method: route.method as 'GET',
        url,
        ...(route.method === 'GET' || route.method === 'DELETE'
          ? {}
          : { headers: { 'content-type': 'application/json' }, payload: {} }),
      });
      answers.push(`${route.method} ${route.url} ${res.statusCode}`);
      if (route.method === 'GET' && (route.url === '/session' || route.url === '/code-lists')) {
        expect(res.statusCode).toBe(200);
        expect(res.body).not.toContain(caseId);
        continue;
      }
      // Their own account's language (issue 15): theirs to set; the empty body is invalid input.
      if (route.method === 'PUT' && route.url === '/session/language') {
        expect(res.statusCode).toBe(400);
        expect(res.body).not.toContain(caseId);
        continue;
      }
      // Exactly 403/404, even where the empty body or missing query is invalid input: the access
      // policy decides before validation. Never a 2xx, never a 400.
      const allowed = [403, 404];
      expect({
        route: `${route.method} ${route.url}`,
        status: allowed.includes(res.statusCode),
      }).toEqual({ route: `${route.method} ${route.url}`, status: true });
      expect(res.body).not.toContain(caseId);
    }
    // With valid input, opening and searching cases are refused too.
    const open = await api.post(rapporteur, '/cases', OPEN_CASE_BODY);
    expect(open.statusCode).toBe(403);
    const search = await api.post(rapporteur, '/cases/search', {
      fullName: OPEN_CASE_BODY.personal.fullName,
      birthDate: OPEN_CASE_BODY.personal.birthDate,
    });
    expect(search.statusCode).toBe(403);
    expect(
      (await api.request(rapporteur, { method: 'GET', url: '/cases?limit=5' })).statusCode,
    ).toBe(403);
    // The policy is decided before validation: invalid input from a role not allowed is 403 too.
    expect(
      (await api.request(rapporteur, { method: 'GET', url: '/cases?limit=oops' })).statusCode,
    ).toBe(403);
    // Nothing was appended on the rapporteur's behalf: the case still has its opening event only.
    const events = await api.request(await api.token(['caseworker'], organisationId), {
      method: 'GET',
      url: `/cases/${caseId}`,
    });
    expect(events.json()).toMatchObject({ revision: 0 });
    expect(answers.length).toBe(routes.length);
  });

  it('lets the rapporteur reach the statistics routes', async () => {
    const rapporteur = await api.token(['rapporteur'], organisationId);
    expect(
      (await api.request(rapporteur, { method: 'GET', url: '/statistics/tables' })).statusCode,
    ).toBe(200);
    expect(
      (await api.request(rapporteur, { method: 'GET', url: '/statistics/public-key' })).statusCode,
    ).toBe(200);
    const requested = await api.post(rapporteur, '/statistics/releases', {
      period: '2026',
      mode: 'suppression',
    });
    expect(requested.statusCode).toBe(202);
    // A caseworker of the same organisation still reads its case (the guard confines rapporteurs only).
    const caseworker = await api.token(['caseworker'], organisationId);
    expect(
      (await api.request(caseworker, { method: 'GET', url: `/cases/${caseId}` })).statusCode,
    ).toBe(200);
  });
});
