import { join } from 'node:path';
import * as client from 'openid-client';
import { generate } from 'otplib';
import type { Client } from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePort } from '@remedy/embedded-database';
import { spawnTs } from '../faults/support/processes';
import { addVirtualAuthenticator, axeViolations, launchBrowser } from '../support/browser';
import {
  connectEmbedded,
  newDataDir,
  ROOT,
  type RunningSupervisor,
  startSupervisor,
  useBuiltSupervisor,
  waitForHealth,
  within,
} from '../zero-setup/supervisor-harness';

/**
 * Issue 15, "Done when": a fresh data folder, the system started as `npm start` starts it (the
 * built supervisor, with the real API), the create-admin command it prints, the one-time link
 * the CLI prints, then in Chromium on the provider's own pages: the administrator sets a password
 * and TOTP, signs in with PKCE, creates an organisation and a caseworker through the API, and
 * signs out; the caseworker sets a password, changes it, signs in in English and in Arabic, gets
 * a token the API accepts and is refused on an administrator's route, enrols a passkey (virtual
 * authenticator) when the organisation requires a second factor and signs in with it; wrong
 * passwords lock an account (audited); a deactivated caseworker's refresh token is refused at
 * once. Every page visited: axe 0 violations. Then bad form bodies on every form post of the
 * pages: never a 5xx.
 */
const CLI = join(ROOT, 'apps/cli/src/main.ts');
const REAL_API = join(ROOT, 'test/zero-setup/fixtures/real-api.js');
const PASSWORD = 'a long admin passphrase';

describe('logging in to Remedy on a fresh data folder (issue 15)', () => {
  useBuiltSupervisor();

  let dir: string;
  let origin: string;
  let env: NodeJS.ProcessEnv;
  let supervisor: RunningSupervisor;
  let browser: Browser;
  let config: client.Configuration;
  let db: Client;
  /** Paths of every page checked with axe, per language. */
  const checked = new Set<string>();

  beforeAll(async () => {
    dir = newDataDir();
    const port = await freePort();
    origin = `http://localhost:${port}`; // WebAuthn refuses IP addresses
    const extra = {
      PUBLIC_URL: origin,
      // One address (this test) posts more than a person would in a minute.
      LOGIN_POSTS_PER_MINUTE: '10000',
    };
    env = { ...process.env, REMEDY_DATA_DIR: dir, PORT: String(port), ...extra };
    for (const k of ['DATABASE_URL', 'TEST_DATABASE_URL', 'REDIS_URL']) delete env[k];
    supervisor = startSupervisor(dir, port, { REMEDY_API_ENTRY: REAL_API, ...extra });
    [browser] = await Promise.all([launchBrowser(), waitForHealth(supervisor, port, 120_000)]);
    config = await client.discovery(
      new URL(`${origin}/oidc`),
      'remedy-console',
      undefined,
      client.None(),
      { execute: [client.allowInsecureRequests] },
    );
    db = await connectEmbedded(dir);
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await browser?.close();
  });

  // ---- helpers -------------------------------------------------------------------------------

  const axe = async (page: Page) => {
    expect({ url: page.url(), violations: await axeViolations(page) }).toEqual({
      url: page.url(),
      violations: [],
    });
    const lang = await page.getAttribute('html', 'lang');
    checked.add(
      `${lang} ${new URL(page.url()).pathname.replace(/interaction\/[\w-]+/, 'interaction/:uid')}`,
    );
  };

  const newPage = async (locale: string): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ locale });
    // The console (next issue) serves /callback; here the test takes the code from the URL.
    await context.route(`${origin}/callback**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/plain', body: 'callback' }),
    );
    return { context, page: await context.newPage() };
  };

  /** An authorisation request with PKCE (openid-client); the page is at the provider's login. */
  const startLogin = async (page: Page) => {
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: `${origin}/callback`,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    await page.goto(url.href);
    return verifier;
  };

  /** The redirect to the console's callback, its code exchanged with the PKCE verifier. */
  const tokensFrom = async (page: Page, verifier: string) => {
    await page.waitForURL(/\/callback\?/);
    return client.authorizationCodeGrant(config, new URL(page.url()), {
      pkceCodeVerifier: verifier,
    });
  };

  const signInWithPassword = async (page: Page, loginName: string, password: string) => {
    await page.fill('#loginName', loginName);
    await page.fill('#password', password);
    await page.click('form[action$="/login"] button[type=submit]');
  };

  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  };

  const auditRules = async (userId: string): Promise<string[]> =>
    (
      await db.query<{ rule: string }>(
        `SELECT rule FROM audit_trail WHERE user_id = $1 AND method = 'AUTH' ORDER BY audit_id`,
        [userId],
      )
    ).rows.map((r) => r.rule);

  const epoch = () => Math.floor(Date.now() / 1000);

  /** The one-time link page: password set from the link's fragment; the enrol page follows. */
  const setPassword = async (page: Page, link: string, password: string) => {
    await page.goto(link);
    expect(page.url()).toBe(`${origin}/oidc/setup`); // the secret is out of the address bar
    await axe(page);
    await page.fill('#password', password);
    await page.fill('#repeat', password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${origin}/oidc/setup/enrol`);
    await axe(page);
  };

  // ---- the story -----------------------------------------------------------------------------

  let adminId: string;
  let adminToken: string;
  let adminIdToken: string;
  let adminPage: Page;
  let organisationId: string;
  let caseworker: { id: string; link: string };
  let caseworkerRefresh: string;

  it('prints the create-admin command (not a link) on the fresh folder, and the CLI prints the one-time link once', async () => {
    const deadline = Date.now() + 30_000;
    while (
      !/Create the first one with: npm run cli -- users create-admin/.test(supervisor.output())
    )
      if (Date.now() > deadline) throw new Error(`no create-admin hint:\n${supervisor.output()}`);
      else await new Promise((r) => setTimeout(r, 200));
    expect(supervisor.output()).not.toMatch(/\/oidc\/setup#/);

    const run = spawnTs(
      CLI,
      [
        'users',
        'create-admin',
        '--login-name',
        'platform.admin',
        '--display-name',
        'Platform Admin',
        '--country',
        'AT',
      ],
      env,
    );
    const exit = await within(60_000, 'users create-admin', run.exited);
    expect({ code: exit.code, stderr: run.stderr() }).toMatchObject({ code: 0 });
    const link = run
      .stdout()
      .split('\n')
      .find((line) => line.startsWith(`${origin}/oidc/setup#`));
    expect(link).toBeDefined();
    adminId = /platform administrator ([0-9a-f-]{36})/.exec(run.stdout() + run.stderr())![1]!;
    expect(supervisor.output()).not.toContain(link!.split('#')[1]); // never logged

    // The administrator opens the link: password, then TOTP.
    const { page } = await newPage('en-GB');
    adminPage = page;
    await setPassword(page, link!, PASSWORD);
    const secret = (await page.textContent('#totp-secret'))!.trim();
    await page.fill('#code', await generate({ secret, epoch: epoch() }));
    await page.click('section button[type=submit]');
    await page.waitForSelector('text=The authenticator app is set up.');
    await axe(page);
    await page.click('text=Finish');
    expect(await page.title()).toBe('Your password is set. – Remedy');
    await axe(page);

    // ...and signs in with PKCE: password, then a TOTP code (of the next step: the enrolment's
    // code is used up).
    const verifier = await startLogin(page);
    expect(page.url()).toMatch(/\/oidc\/interaction\/[\w-]+$/);
    await axe(page);
    await signInWithPassword(page, 'platform.admin', PASSWORD);
    await page.waitForSelector('#code');
    await axe(page);
    await page.fill('#code', await generate({ secret, epoch: epoch() + 30 }));
    await page.click('form button[type=submit]');
    const tokens = await tokensFrom(page, verifier);
    adminToken = tokens.access_token;
    adminIdToken = tokens.id_token!;
    const session = await api(adminToken, 'GET', '/session');
    expect(session.status).toBe(200);
    expect(session.json).toMatchObject({ userId: adminId, roles: ['admin'] });
    expect(await auditRules(adminId)).toEqual(
      expect.arrayContaining(['PASSWORD_SET', 'FACTOR_ENROLLED', 'LOGIN_SUCCEEDED']),
    );
  }, 90_000);

  it('the administrator creates an organisation and a caseworker through the API, then signs out', async () => {
    const organisation = await api(adminToken, 'POST', '/organisations', {
      name: 'Harbour Light',
      type: 'NGO',
      services: ['Accommodation'],
      country: 'AT',
      code: 'HLGT01',
    });
    expect(organisation.status).toBe(201);
    organisationId = organisation.json.organisationId;
    const created = await api(adminToken, 'POST', `/organisations/${organisationId}/users`, {
      loginName: 'case.worker',
      displayName: 'Case Worker',
      roles: ['caseworker'],
      language: 'en',
    });
    expect(created.status).toBe(201);
    caseworker = { id: created.json.userId, link: created.json.setupLink.url };
    expect(caseworker.link).toMatch(new RegExp(`^${origin}/oidc/setup#`));

    // RP-initiated logout on the provider's (translated) pages; audited by its end_session hook.
    const logout = new URL(`${origin}/oidc/session/end`);
    logout.searchParams.set('id_token_hint', adminIdToken);
    await adminPage.goto(logout.href);
    await axe(adminPage);
    await adminPage.click('button[value=yes]');
    await adminPage.waitForSelector('text=You are signed out.');
    await axe(adminPage);
    await adminPage.context().close();
    const deadline = Date.now() + 10_000;
    while (!(await auditRules(adminId)).includes('LOGOUT') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await auditRules(adminId)).toContain('LOGOUT');
  }, 60_000);

  it('the caseworker sets a password from the link, changes it on the login page, and signs in in English', async () => {
    const { context, page } = await newPage('en-GB');
    try {
      await setPassword(page, caseworker.link, 'first caseworker passphrase');
      await page.click('text=Not now');
      await page.waitForSelector('text=Your password is set.');

      const verifier = await startLogin(page);
      await page.click('text=Change your password');
      await page.waitForURL(/\/oidc\/interaction\/[\w-]+\/password$/);
      await axe(page);
      await page.fill('#loginName', 'case.worker');
      await page.fill('#current', 'not the passphrase');
      await page.fill('#password', 'second caseworker passphrase');
      await page.fill('#repeat', 'second caseworker passphrase');
      await page.click('form button[type=submit]');
      expect(await page.textContent('.error-summary')).toContain(
        'The login name or the current password is not correct.',
      );
      await axe(page);
      await page.fill('#current', 'first caseworker passphrase');
      await page.fill('#password', 'second caseworker passphrase');
      await page.fill('#repeat', 'second caseworker passphrase');
      await page.click('form button[type=submit]');
      await page.waitForSelector('text=Your password is changed.');
      await axe(page);
      await page.click('text=Back to sign in');

      await signInWithPassword(page, 'case.worker', 'first caseworker passphrase');
      await page.waitForSelector('.error-summary');
      await axe(page);
      await signInWithPassword(page, 'case.worker', 'second caseworker passphrase');
      const tokens = await tokensFrom(page, verifier);
      const session = await api(tokens.access_token, 'GET', '/session');
      expect(session.status).toBe(200);
      expect(session.json).toMatchObject({
        userId: caseworker.id,
        organisationId,
        roles: ['caseworker'],
      });
      // An administrator's route: refused.
      expect(
        (await api(tokens.access_token, 'GET', `/organisations/${organisationId}/users`)).status,
      ).toBe(403);
      expect(await auditRules(caseworker.id)).toEqual(
        expect.arrayContaining([
          'PASSWORD_SET',
          'LOGIN_FAILED',
          'PASSWORD_CHANGED',
          'LOGIN_SUCCEEDED',
        ]),
      );
    } finally {
      await context.close();
    }
  }, 60_000);

  it('the caseworker signs in in Arabic: right to left, Arabic text', async () => {
    const { context, page } = await newPage('ar');
    try {
      const verifier = await startLogin(page);
      expect(await page.getAttribute('html', 'lang')).toBe('ar');
      expect(await page.getAttribute('html', 'dir')).toBe('rtl');
      expect(await page.title()).toBe('تسجيل الدخول – Remedy');
      expect(await page.textContent('label[for=loginName]')).toBe('اسم المستخدم');
      await axe(page);
      await page.click('a[href$="/password"]');
      await axe(page);
      await page.goBack();
      await signInWithPassword(page, 'case.worker', 'second caseworker passphrase');
      const tokens = await tokensFrom(page, verifier);
      caseworkerRefresh = tokens.refresh_token!;
      expect(caseworkerRefresh).toBeTruthy();
      expect((await api(tokens.access_token, 'GET', '/session')).status).toBe(200);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('with a second factor required, the caseworker enrols a passkey at sign-in (virtual authenticator), then signs in with it', async () => {
    const policy = await api(adminToken, 'GET', `/organisations/${organisationId}/login-policy`);
    const etag = policy.headers.get('etag')!;
    const put = await fetch(`${origin}/organisations/${organisationId}/login-policy`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${adminToken}`,
        'content-type': 'application/json',
        'if-match': etag,
      },
      body: JSON.stringify({ requireSecondFactor: true }),
    });
    expect(put.status).toBe(200);

    const { context, page } = await newPage('en-GB');
    try {
      const authenticator = await addVirtualAuthenticator(page);
      let verifier = await startLogin(page);
      const logins = (await auditRules(caseworker.id)).filter((r) => r === 'LOGIN_SUCCEEDED');
      await signInWithPassword(page, 'case.worker', 'second caseworker passphrase');
      await page.waitForSelector('text=Your organisation requires a second factor.');
      await axe(page);
      await page.click('#passkey');
      await page.waitForSelector('text=The passkey is added.');
      expect(await authenticator.credentials()).toHaveLength(1);
      await axe(page);
      await page.click('text=Finish');
      const enrolled = await tokensFrom(page, verifier);
      expect((await api(enrolled.access_token, 'GET', '/session')).status).toBe(200);
      // The login finished after the enrolment is audited like any other.
      expect((await auditRules(caseworker.id)).filter((r) => r === 'LOGIN_SUCCEEDED')).toHaveLength(
        logins.length + 1,
      );

      await context.clearCookies(); // a new sign-in, not the session's
      verifier = await startLogin(page);
      await page.click('#passkey');
      const tokens = await tokensFrom(page, verifier);
      const session = await api(tokens.access_token, 'GET', '/session');
      expect(session.status).toBe(200);
      expect(session.json).toMatchObject({ userId: caseworker.id });
      await authenticator.remove();
    } finally {
      await context.close();
    }
  }, 60_000);

  it('wrong passwords lock the account: the locked page, audited', async () => {
    const created = await api(adminToken, 'POST', `/organisations/${organisationId}/users`, {
      loginName: 'second.worker',
      displayName: 'Second Worker',
      roles: ['caseworker'],
      language: 'en',
    });
    expect(created.status).toBe(201);
    const userId: string = created.json.userId;
    const { context, page } = await newPage('en-GB');
    try {
      await setPassword(page, created.json.setupLink.url, 'second worker passphrase');
      await startLogin(page);
      for (let i = 0; i < 5; i++)
        await signInWithPassword(page, 'second.worker', `wrong passphrase ${i}`);
      expect(await page.textContent('.error-summary')).toContain('Too many failed attempts.');
      await axe(page);
      // Locked: the right password is refused too.
      await signInWithPassword(page, 'second.worker', 'second worker passphrase');
      expect(await page.textContent('.error-summary')).toContain('Too many failed attempts.');
      const rules = await auditRules(userId);
      expect(rules.filter((r) => r === 'LOGIN_FAILED')).toHaveLength(5);
      expect(rules).toContain('LOGIN_LOCKED');
    } finally {
      await context.close();
    }
  }, 60_000);

  it("refuses a deactivated caseworker's refresh token at once", async () => {
    const refreshed = await client.refreshTokenGrant(config, caseworkerRefresh);
    expect((await api(refreshed.access_token, 'GET', '/session')).status).toBe(200);
    const deactivated = await api(adminToken, 'POST', `/users/${caseworker.id}/deactivation`);
    expect(deactivated.status).toBe(200);
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect((await api(refreshed.access_token, 'GET', '/session')).status).toBe(401);
  }, 30_000);

  it('answers bad form bodies on every form post of the pages without a 5xx (4xx for a malformed body)', async () => {
    // A live interaction (its cookie) so the posts reach their handlers.
    const { context, page } = await newPage('en-GB');
    await startLogin(page);
    const uid = /interaction\/([\w-]+)/.exec(page.url())![1]!;
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await context.close();
    const interaction = `/oidc/interaction/${uid}`;
    const posts = [
      `${interaction}/login`,
      `${interaction}/totp`,
      `${interaction}/passkey/options`,
      `${interaction}/passkey`,
      `${interaction}/enrol/totp`,
      `${interaction}/enrol/passkey/options`,
      `${interaction}/enrol/passkey`,
      `${interaction}/enrol/finish`,
      `${interaction}/password`,
      '/oidc/setup',
      '/oidc/setup/enrol/totp',
      '/oidc/setup/enrol/passkey/options',
      '/oidc/setup/enrol/passkey',
      '/oidc/setup/finish',
    ];
    const form = 'application/x-www-form-urlencoded';
    const bodies: { type: string; body: string; malformed?: boolean }[] = [
      { type: form, body: '' },
      { type: form, body: '%%%&&&===' },
      { type: form, body: 'loginName=a&loginName=b&password[]=x&password=y' },
      { type: form, body: `loginName=${'x'.repeat(5_000)}&password=${'y'.repeat(5_000)}` },
      { type: form, body: 'loginName=%00%FF&password=%E2%80%8B&current=\u0000' },
      { type: form, body: 'code=12345a&code=123456' },
      { type: form, body: 'secret=..%2F..%2Fetc%2Fpasswd&password=a&repeat=b' },
      { type: form, body: 'challengeId=x&response=%7Bnot%20json' },
      { type: form, body: 'challengeId=x&response=%5B1%2C2%5D' },
      { type: form, body: 'challengeId=x&response=%7B%22id%22%3A1%2C%22response%22%3Anull%7D' },
      { type: form, body: '__proto__[admin]=1&constructor[prototype][x]=1' },
      { type: form, body: `loginName=${'a'.repeat(70_000)}`, malformed: true },
      { type: 'application/json', body: '{"loginName": ', malformed: true },
      { type: 'application/json', body: '[1,2,3]' },
      { type: 'application/json', body: '{"loginName":{"$ne":1},"password":[1]}' },
      { type: 'text/plain', body: 'loginName=admin' },
      { type: 'application/xml', body: '<a/>', malformed: true },
      { type: 'multipart/form-data; boundary=x', body: '--x\r\n', malformed: true },
    ];
    const failures: string[] = [];
    for (const path of posts)
      for (const { type, body, malformed } of bodies)
        for (const withCookie of [true, false]) {
          const res = await fetch(`${origin}${path}`, {
            method: 'POST',
            redirect: 'manual',
            headers: {
              'content-type': type,
              ...(withCookie
                ? { cookie: `${cookie}; remedy_setup=eyJhbGciOiJIUzI1NiJ9.e30.forged` }
                : {}),
            },
            body,
          });
          const text = await res.text();
          const bad =
            res.status >= 500 ||
            (malformed && (res.status < 400 || res.status >= 500)) ||
            text.includes('x'.repeat(100));
          if (bad) failures.push(`${path} ${type} ${body.slice(0, 40)}: ${res.status}`);
        }
    expect(failures).toEqual([]);
  }, 90_000);

  it('checked every page visited with axe, in English and in Arabic', () => {
    expect([...checked].sort()).toEqual(
      expect.arrayContaining([
        'en /oidc/setup',
        'en /oidc/setup/enrol',
        'en /oidc/interaction/:uid',
        'en /oidc/interaction/:uid/password',
        'en /oidc/session/end',
        'ar /oidc/interaction/:uid',
        'ar /oidc/interaction/:uid/password',
      ]),
    );
  });
});
