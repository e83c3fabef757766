import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { realApiPerSuite } from '../faults/support/real-api';
import { isPublicRoute } from '../security/route-rules';
import { concreteUrl, type RouteInfo } from '../support/routes';

/**
 * The real API module: every route it registers, but the public list (test/security/route-rules.ts:
 * health, the documents, the console's settings, the OpenID provider's own endpoints), needs a
 * valid token.
 */

describe('every route of the API requires identity, except the public list', () => {
  const started = realApiPerSuite('routes', { LOG_LEVEL: 'silent' });
  let app: NestFastifyApplication;
  let routes: readonly RouteInfo[];

  beforeAll(() => {
    ({ app, routes } = started.api);
  });

  it('answers 401 without a token, or with a malformed one, on every non-public route', async () => {
    const guarded = routes.filter((r) => !isPublicRoute(r.method, r.url));
    expect(routes.map((r) => r.url)).toEqual(
      expect.arrayContaining(['/health', '/health/ready', '/docs-json']),
    );
    for (const r of guarded) {
      const url = concreteUrl(r.url, randomUUID());
      const method = r.method as 'GET';
      const anonymous = await app.inject({
        method,
        url,
        payload: method === 'GET' ? undefined : {},
      });
      expect({ route: `${r.method} ${r.url}`, status: anonymous.statusCode }).toEqual({
        route: `${r.method} ${r.url}`,
        status: 401,
      });
      const forged = await app.inject({
        method,
        url,
        headers: { authorization: 'Bearer e30.e30.' },
      });
      expect(forged.statusCode).toBe(401);
    }
  });

  it('keeps the public routes open, and has no /metrics (it is on the internal listener)', async () => {
    for (const url of ['/health', '/docs-json'])
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
    expect(routes.map((r) => r.url)).not.toContain('/metrics');
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });
});
