import { REMINDERS_QUEUE } from '@remedy/case-reminders';
import {
  ADMIN_SESSION_COOKIE,
  QueueDashboardModule,
  readCookie,
} from '../../apps/api/src/admin/queue-dashboard.module';
import { createApiApp, type ApiApp } from '../support/api-app';

describe('queue dashboard (bull-board) at /admin/queues', () => {
  let api: ApiApp;
  beforeAll(async () => {
    api = await createApiApp({
      modules: [QueueDashboardModule.forRoot({ queues: [REMINDERS_QUEUE] })],
    });
  });
  afterAll(async () => api?.close());

  const pages = [
    '/admin/queues',
    '/admin/queues/api/queues',
    '/admin/queues/static/favicon-32x32.png',
  ];

  it('answers 401 without a token (with the Bearer challenge) and with a forged one', async () => {
    for (const url of pages) {
      const anonymous = await api.request(undefined, { method: 'GET', url });
      expect({ url, status: anonymous.statusCode }).toEqual({ url, status: 401 });
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="remedy-api"');
      expect(anonymous.json()).toMatchObject({ reason: 'missing' });
      const forged = await api.request(undefined, {
        method: 'GET',
        url,
        headers: { authorization: 'Bearer e30.e30.' },
      });
      expect(forged.statusCode).toBe(401);
    }
    const session = await api.request(undefined, { method: 'POST', url: '/admin/session' });
    expect(session.statusCode).toBe(401);
    expect(session.headers['set-cookie']).toBeUndefined();
  });

  it('answers 403 to valid tokens without the admin role', async () => {
    for (const role of ['caseworker', 'supervisor', 'legal_aid', 'rapporteur'] as const) {
      const user = await api.user([role]);
      for (const url of pages) {
        const res = await api.get(user, url);
        expect({ role, url, status: res.statusCode }).toEqual({ role, url, status: 403 });
      }
      expect((await api.post(user, '/admin/session')).statusCode).toBe(403);
    }
  });

  it('serves the dashboard to an administrator, listing the case-reminders queue', async () => {
    const admin = await api.user(['admin']);
    const page = await api.get(admin, '/admin/queues');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<base href="/admin/queues/" />');
    expect(page.body).toContain('<title>Remedy queues</title>');
    const asset = await api.get(admin, '/admin/queues/static/favicon-32x32.png');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toBe('image/png');

    const queues = await api.get(admin, '/admin/queues/api/queues');
    expect(queues.statusCode).toBe(200);
    const names = (queues.json() as { queues: { name: string }[] }).queues.map((q) => q.name);
    expect(names).toEqual([REMINDERS_QUEUE]);
  });

  it('records each authenticated dashboard request in the audit trail (refusals too; assets aside)', async () => {
    const admin = await api.user(['admin']);
    const caseworker = await api.user(['caseworker']);
    expect((await api.get(admin, '/admin/queues/api/queues')).statusCode).toBe(200);
    expect((await api.get(admin, '/admin/queues/static/favicon-32x32.png')).statusCode).toBe(200);
    expect((await api.get(caseworker, '/admin/queues/api/queues')).statusCode).toBe(403);
    const rows = async (userId: string) =>
      (
        await api.pool.query(
          `SELECT method, route, status, outcome, rule, roles FROM audit_trail WHERE user_id = $1 ORDER BY audit_id`,
          [userId],
        )
      ).rows;
    expect(await rows(admin.userId)).toEqual([
      {
        method: 'GET',
        route: '/admin/queues/api/queues',
        status: 200,
        outcome: 'allowed',
        rule: null,
        roles: ['admin'],
      },
    ]);
    expect(await rows(caseworker.userId)).toEqual([
      {
        method: 'GET',
        route: '/admin/queues/api/queues',
        status: 403,
        outcome: 'denied',
        rule: 'FORBIDDEN',
        roles: ['caseworker'],
      },
    ]);
  });

  it('answers 503 without the data when the audit row cannot be written', async () => {
    const admin = await api.user(['admin']);
    await api.pool.query('ALTER TABLE audit_trail RENAME TO audit_trail_away');
    try {
      const res = await api.get(admin, '/admin/queues/api/queues');
      expect(res.statusCode).toBe(503);
      expect(res.body).not.toContain('case-reminders');
    } finally {
      await api.pool.query('ALTER TABLE audit_trail_away RENAME TO audit_trail');
    }
    expect((await api.get(admin, '/admin/queues/api/queues')).statusCode).toBe(200);
  });

  it('an administrator can open a cookie session for the browser: HttpOnly, SameSite=Strict, until the token expires', async () => {
    const admin = await api.user(['admin']);
    const res = await api.post(admin, '/admin/session');
    expect(res.statusCode).toBe(204);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(
      new RegExp(`^${ADMIN_SESSION_COOKIE}=[^;]+; Path=/admin; Max-Age=\\d+`),
    );
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    const maxAge = Number(/Max-Age=(\d+)/.exec(setCookie)![1]);
    expect(maxAge).toBeGreaterThan(8 * 3600 - 60);
    expect(maxAge).toBeLessThanOrEqual(8 * 3600);

    const token = readCookie(setCookie.split(';')[0], ADMIN_SESSION_COOKIE)!;
    const withCookie = await api.request(undefined, {
      method: 'GET',
      url: '/admin/queues/api/queues',
      headers: { cookie: `other=1; ${ADMIN_SESSION_COOKIE}=${token}` },
    });
    expect(withCookie.statusCode).toBe(200);

    // A caseworker's token in the cookie is still refused; the cookie opens nothing else of the API.
    const caseworker = await api.user(['caseworker']);
    const wrongRole = await api.request(undefined, {
      method: 'GET',
      url: '/admin/queues',
      headers: { cookie: `${ADMIN_SESSION_COOKIE}=${caseworker.token}` },
    });
    expect(wrongRole.statusCode).toBe(403);

    const cleared = await api.request(admin, { method: 'DELETE', url: '/admin/session' });
    expect(cleared.statusCode).toBe(204);
    expect(String(cleared.headers['set-cookie'])).toContain('Max-Age=0');
  });
});
