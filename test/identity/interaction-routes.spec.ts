import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { Provider } from 'oidc-provider';
import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import type { IdentityAccounts, InteractionProvider } from '@remedy/identity';
import { registerLoginRoutes } from '@remedy/identity';
import { axeViolations, launchBrowser } from '../support/browser';

/**
 * The interaction routes with a real oidc-provider (in memory, mounted at /oidc as the API mounts
 * the embedded one) and an in-memory stand-in of the accounts port, driven by Chromium: a PKCE
 * login with openid-client, with and without a second factor, in English and Arabic; the one-time
 * link page; the per-address limit. (The end-to-end test on the real API and accounts is
 * test/identity/login.e2e.spec.ts.)
 */
const USER_SIMPLE = '00000000-0000-4000-8000-000000000001';
const USER_TOTP = '00000000-0000-4000-8000-000000000002';

const calls: string[] = [];
const accounts: IdentityAccounts = {
  claimsOf: async () => undefined,
  passwordLogin: async (loginName, password) => {
    calls.push(`password:${loginName}`);
    if (password !== 'correct horse battery') return { kind: 'refused' };
    if (loginName === 'simple') return { kind: 'signed_in', userId: USER_SIMPLE };
    if (loginName === 'totp')
      return { kind: 'second_factor', userId: USER_TOTP, factors: ['totp'] };
    return { kind: 'refused' };
  },
  totpLogin: async (userId, code) =>
    code === '123456' ? { kind: 'signed_in', userId } : { kind: 'refused' },
  passkeyLoginOptions: async () => ({ challengeId: 'c', options: {} }),
  passkeyLogin: async () => ({ kind: 'refused' }),
  passkeySecondFactor: async () => ({ kind: 'refused' }),
  inspectLink: async (secret) =>
    secret === 'good-secret'
      ? { userId: USER_SIMPLE, purpose: 'setup', language: 'en', secondFactorRequired: false }
      : undefined,
  completeLink: async (secret, password) =>
    password.length < 12
      ? { ok: false, problem: 'too_short' }
      : secret === 'good-secret'
        ? { ok: true, userId: USER_SIMPLE }
        : { ok: false, problem: 'link_expired_or_used' },
  changePassword: async () => ({ ok: true }),
  beginTotpEnrolment: async () => ({
    secret: 'JBSWY3DPEHPK3PXP',
    otpauthUri: 'otpauth://totp/Remedy?secret=JBSWY3DPEHPK3PXP&issuer=Remedy',
  }),
  confirmTotpEnrolment: async (_userId, code) => code === '654321',
  passkeyRegistrationOptions: async () => ({ challengeId: 'c', options: {} }),
  verifyPasskeyRegistration: async () => false,
  recordLogin: async () => undefined,
  recordLogout: async () => undefined,
};

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

let fastify: FastifyInstance;
let browser: Browser;
let origin: string;
let config: client.Configuration;

beforeAll(async () => {
  const port = await freePort();
  origin = `http://localhost:${port}`;
  const provider = new Provider(`${origin}/oidc`, {
    clients: [
      {
        client_id: 'remedy-console',
        token_endpoint_auth_method: 'none',
        redirect_uris: [`${origin}/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/oidc/interaction/${interaction.uid}`,
    },
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({ sub: id }),
    }),
    features: { devInteractions: { enabled: false } },
  });
  fastify = Fastify();
  await registerLoginRoutes(fastify, {
    provider: provider as unknown as InteractionProvider,
    accounts,
    stateKey: randomBytes(32),
    appUrl: `${origin}/`,
    postsPerMinute: 40,
  });
  const callback = provider.callback();
  await fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.all('/oidc/*', async (request, reply) => {
      reply.hijack();
      // As Express's mount does: oidc-provider finds its mount path from originalUrl.
      (request.raw as { originalUrl?: string }).originalUrl = request.raw.url;
      request.raw.url = request.raw.url!.slice('/oidc'.length);
      callback(request.raw, reply.raw);
    });
  });
  fastify.get('/callback', async () => 'signed in');
  await fastify.listen({ port, host: '127.0.0.1' });
  config = await client.discovery(
    new URL(`${origin}/oidc`),
    'remedy-console',
    undefined,
    client.None(),
    {
      execute: [client.allowInsecureRequests],
    },
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await fastify?.close();
});

/** Starts a PKCE authorisation in a new browser context; the page is at the login page. */
async function startLogin(locale: string) {
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: `${origin}/callback`,
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  await page.goto(url.href);
  return { page, verifier };
}

async function tokensFrom(page: Page, verifier: string) {
  await page.waitForURL(/\/callback\?/);
  return client.authorizationCodeGrant(config, new URL(page.url()), {
    pkceCodeVerifier: verifier,
  });
}

describe('the login interaction', () => {
  it.each([
    ['en-GB', 'en', 'Sign in'],
    ['ar-EG', 'ar', 'تسجيل الدخول'],
  ])('signs in with a password (%s), with axe 0 violations', async (locale, lang, title) => {
    const { page, verifier } = await startLogin(locale);
    try {
      expect(page.url()).toMatch(/\/oidc\/interaction\/[\w-]+$/);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      expect(await page.title()).toBe(`${title} – Remedy`);
      expect(await axeViolations(page)).toEqual([]);
      await page.fill('#loginName', 'simple');
      await page.fill('#password', 'wrong');
      await page.click('button[type=submit]');
      expect(await page.isVisible('.error-summary')).toBe(true);
      expect(await page.inputValue('#loginName')).toBe('simple');
      expect(await axeViolations(page)).toEqual([]);
      await page.fill('#password', 'correct horse battery');
      await page.click('button[type=submit]');
      const tokens = await tokensFrom(page, verifier);
      expect(tokens.claims()?.sub).toBe(USER_SIMPLE);
      expect(tokens.access_token).toBeTruthy();
    } finally {
      await page.context().close();
    }
  });

  it('asks for the TOTP code after the password', async () => {
    const { page, verifier } = await startLogin('en-GB');
    try {
      await page.fill('#loginName', 'totp');
      await page.fill('#password', 'correct horse battery');
      await page.click('button[type=submit]');
      await page.waitForSelector('#code');
      expect(await axeViolations(page)).toEqual([]);
      await page.fill('#code', '000000');
      await page.click('form button[type=submit]');
      expect(await page.isVisible('.error-summary')).toBe(true);
      await page.fill('#code', '123456');
      await page.click('form button[type=submit]');
      const tokens = await tokensFrom(page, verifier);
      expect(tokens.claims()?.sub).toBe(USER_TOTP);
    } finally {
      await page.context().close();
    }
  });

  it('refuses a post without the interaction cookie', async () => {
    const answer = await fastify.inject({
      method: 'POST',
      url: '/oidc/interaction/unknown/login',
      payload: 'loginName=simple&password=correct+horse+battery',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(answer.statusCode).toBe(400);
    expect(answer.headers['content-security-policy']).toContain("script-src 'self'");
  });
});

describe('the one-time link', () => {
  it('sets the password from the fragment, then offers a second factor', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    try {
      await page.goto(`${origin}/oidc/setup#good-secret`);
      expect(page.url()).toBe(`${origin}/oidc/setup`);
      await page.fill('#password', 'short');
      await page.fill('#repeat', 'short');
      await page.click('button[type=submit]');
      expect(await page.textContent('.error-summary')).toContain('too short');
      expect(page.url()).not.toContain('good-secret');
      await page.fill('#password', 'a long enough password');
      await page.fill('#repeat', 'a long enough password');
      await page.click('button[type=submit]');
      await page.waitForURL(`${origin}/oidc/setup/enrol`);
      expect(await page.textContent('#totp-secret')).toBe('JBSWY3DPEHPK3PXP');
      expect(await axeViolations(page)).toEqual([]);
      await page.fill('#code', '654321');
      await page.click('section button[type=submit]');
      await page.waitForSelector('text=The authenticator app is set up.');
      await page.click('text=Finish');
      expect(await page.title()).toBe('Your password is set. – Remedy');
    } finally {
      await context.close();
    }
  });

  it('says so when the link is used or unknown', async () => {
    const answer = await fastify.inject({
      method: 'POST',
      url: '/oidc/setup',
      payload: 'secret=used&password=aaaaaaaaaaaaa&repeat=aaaaaaaaaaaaa',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toContain('expired or has already been used');
  });

  it('limits posts per address: 429 with Retry-After', async () => {
    let last = 0;
    let retryAfter: string | undefined;
    for (let i = 0; i < 45 && last !== 429; i++) {
      const answer = await fastify.inject({
        method: 'POST',
        url: '/oidc/setup',
        remoteAddress: '203.0.113.9',
        payload: 'secret=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      last = answer.statusCode;
      retryAfter = answer.headers['retry-after'] as string | undefined;
    }
    expect(last).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
