import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Pool } from 'pg';
import { realApiPerSuite } from '../faults/support/real-api';
import { concreteUrl, type RouteInfo } from '../support/routes';
import { isPublicRoute } from '../security/route-rules';

/** Served without a token (no user to audit). */
/**
 * Never audited: the OpenAPI UI, and the queue dashboard's static assets (no data). The dashboard
 * itself (a Fastify plugin, not Nest) records its requests through its own hook.
 */
/** @NotAudited by design: the caller's own identity, no case data and no command. */
const NOT_AUDITED = new Set(['/session']);
const unaudited = (url: string) =>
  url.startsWith('/docs') || url.startsWith('/admin/queues/static/') || NOT_AUDITED.has(url);
/** Routes that touch a case's data or legal-aid data: they must be audited, always. */
const touchesCaseData = (url: string) =>
  url.startsWith('/cases/:caseId') || url.startsWith('/legal-aid');

/**
 * The real API composition (apps/api ApiModule): every route it registers, called once with a
 * valid token, must leave its row in the audit trail (method and route template), whatever it
 * answers (200, 400, 403, 404, 422). A new route is covered by default (the global interceptor);
 * this test fails if one escapes it, e.g. through @NotAudited on a route touching a case.
 */
describe('every authenticated route of the API is audited', () => {
  const started = realApiPerSuite('audit-routes', { LOG_LEVEL: 'silent' });
  let app: NestFastifyApplication;
  let routes: readonly RouteInfo[];
  let pool: Pool;

  beforeAll(() => {
    ({ app, routes } = started.api);
    pool = started.pool;
  });

  it('records each route once called, by method and template; case and legal-aid routes included', async () => {
    const { issuer } = started.api;
    const organisationId = randomUUID();
    const token = await issuer.mintToken({
      userId: randomUUID(),
      organisationId,
      roles: ['caseworker'],
    });
    // Public routes (test/security/route-rules.ts) carry no identity to audit; the OpenID provider's
    // logins, logouts and account changes are audited by the accounts (test/identity).
    const audited = routes.filter((r) => !isPublicRoute(r.method, r.url) && !unaudited(r.url));
    // The routes this issue names are among them.
    const urls = audited.map((r) => r.url);
    expect(urls).toEqual(
      expect.arrayContaining([
        '/cases/:caseId',
        '/cases/:caseId/timeline',
        '/cases/:caseId/as-of',
        '/cases/:caseId/access-history',
        '/cases/:caseId/notes',
        '/cases/search',
        '/legal-aid/cases/:caseId',
        '/admin/audit-trail',
        '/admin/session',
      ]),
    );
    expect(audited.filter((r) => touchesCaseData(r.url)).length).toBeGreaterThan(40);
    expect([...NOT_AUDITED].filter(touchesCaseData)).toEqual([]);

    const missing: string[] = [];
    for (const r of audited) {
      const method = r.method as 'GET';
      const res = await app.inject({
        method,
        url: concreteUrl(r.url, randomUUID()),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(method === 'GET' ? {} : { payload: '{}' }),
      });
      const found = await pool.query(
        `SELECT status FROM audit_trail WHERE method = $1 AND route = $2 AND organisation_id = $3`,
        [r.method, r.url, organisationId],
      );
      if (found.rows.length !== 1 || found.rows[0].status !== res.statusCode)
        missing.push(`${r.method} ${r.url} (answered ${res.statusCode})`);
    }
    expect(missing).toEqual([]);
  });
});
