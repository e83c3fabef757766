import Fastify, { type FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import type { Language } from '@remedy/identity';
import {
  enrolPage,
  errorPage,
  loggedOutPage,
  loginPage,
  logoutPage,
  PAGES_CSP,
  passwordChangePage,
  registerPageAssets,
  secondFactorPage,
  setupDonePage,
  setupPage,
  tooManyRequestsPage,
} from '@remedy/identity';
import {
  addVirtualAuthenticator,
  axeViolations,
  fontsUsedFor,
  launchBrowser,
} from '../support/browser';

/**
 * Every login page, as the interaction routes render it, in a real Chromium with the pages' CSP
 * and assets: axe (WCAG 2.2 AA) finds nothing in English and in Arabic; Arabic is right to left;
 * Arabic and Chinese are drawn with the bundled Noto fonts; no CSP violation; the scripts run.
 */
const passkey = { optionsUrl: '/preview/passkey-options', action: '/preview/post' };
const PAGES: Record<string, (language: Language) => string> = {
  login: (language) => loginPage({ language, action: '/preview/post', passkey }),
  'login-refused': (language) =>
    loginPage({ language, action: '/preview/post', passkey, error: 'refused', loginName: 'x' }),
  'login-locked': (language) =>
    loginPage({ language, action: '/preview/post', error: 'locked', retryAfterSeconds: 900 }),
  'second-factor': (language) =>
    secondFactorPage({ language, totpAction: '/preview/post', passkey }),
  'second-factor-refused': (language) =>
    secondFactorPage({ language, totpAction: '/preview/post', passkey, error: 'refused' }),
  enrol: (language) =>
    enrolPage({
      language,
      required: true,
      totp: {
        secret: 'JBSWY3DPEHPK3PXP',
        otpauthUri: 'otpauth://totp/Remedy:a1b2?secret=JBSWY3DPEHPK3PXP&issuer=Remedy',
        action: '/preview/post',
      },
      passkey,
      finishAction: '/preview/post',
    }),
  'enrol-done': (language) =>
    enrolPage({
      language,
      required: false,
      passkey,
      enrolled: { totp: true },
      finishAction: '/preview/post',
    }),
  setup: (language) => setupPage({ language, action: '/preview/post' }),
  'setup-mismatch': (language) =>
    setupPage({ language, action: '/preview/post', secret: 's3cret', error: 'mismatch' }),
  'setup-expired': (language) => setupPage({ language, action: '/preview/post', error: 'expired' }),
  'setup-done': (language) => setupDonePage({ language, appUrl: '/' }),
  'password-change': (language) =>
    passwordChangePage({ language, action: '/preview/post', error: 'too_short' }),
  logout: (language) =>
    logoutPage({
      language,
      providerForm:
        '<form id="op.logoutForm" method="post" action="/preview/post"><input type="hidden" name="xsrf" value="x"/></form>',
    }),
  'logged-out': (language) => loggedOutPage({ language, appUrl: '/' }),
  error: (language) => errorPage({ language, code: 'invalid_request' }),
  'too-many': (language) => tooManyRequestsPage({ language, retryAfterSeconds: 42 }),
};

// Browser globals inside page.evaluate callbacks (the project compiles without the DOM library).
declare const document: any;
declare const window: any;
declare function getComputedStyle(element: unknown): any;

let server: FastifyInstance;
let base: string;
let browser: Browser;

beforeAll(async () => {
  server = Fastify();
  registerPageAssets(server);
  server.get<{ Params: { name: string }; Querystring: { lang?: Language } }>(
    '/preview/:name',
    async (request, reply) => {
      const render = PAGES[request.params.name];
      if (!render) return reply.code(404).send();
      return reply
        .header('content-security-policy', PAGES_CSP)
        .type('text/html; charset=utf-8')
        .send(render(request.query.lang ?? 'en'));
    },
  );
  base = await server.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens a page; collects CSP violations and failed requests while it loads. */
async function open(path: string, locale = 'en-GB'): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`);
  });
  await page.goto(`${base}${path}`, { waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  return { page, problems };
}

describe.each(['en', 'ar'] as const)('the login pages in %s', (language) => {
  it.each(Object.keys(PAGES))('%s: no axe violation, no CSP violation', async (name) => {
    const { page, problems } = await open(`/preview/${name}?lang=${language}`);
    try {
      expect(await page.getAttribute('html', 'lang')).toBe(language);
      expect(await page.getAttribute('html', 'dir')).toBe(language === 'ar' ? 'rtl' : 'ltr');
      expect(await axeViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});

describe('the layout and scripts', () => {
  it('mirrors in Arabic: the button sits on the right', async () => {
    const { page: ar } = await open('/preview/login?lang=ar');
    const { page: en } = await open('/preview/login?lang=en');
    try {
      const edges = (p: Page) =>
        p.evaluate(() => {
          const main = document.querySelector('main').getBoundingClientRect();
          const label = document.querySelector('button[type=submit]').getBoundingClientRect();
          return { left: label.left - main.left, right: main.right - label.right };
        });
      const arabic = await edges(ar);
      const english = await edges(en);
      expect(arabic.right).toBeLessThan(arabic.left); // hugs the right edge
      expect(english.left).toBeLessThan(english.right); // hugs the left edge
      expect(await ar.evaluate(() => getComputedStyle(document.body).direction)).toBe('rtl');
    } finally {
      await ar.context().close();
      await en.context().close();
    }
  });

  it.each([
    ['ar', 'Noto Sans Arabic'],
    ['zh', 'Noto Sans SC'],
  ] as const)('draws %s with the bundled %s', async (language, family) => {
    const { page, problems } = await open(`/preview/login?lang=${language}`);
    try {
      for (const selector of ['h1', 'label[for=password]', 'button[type=submit]']) {
        const fonts = await fontsUsedFor(page, selector);
        // Every glyph of the text comes from a bundled web font, most from the language's one.
        expect(fonts.length).toBeGreaterThan(0);
        expect(fonts.filter((f) => !f.isCustomFont)).toEqual([]);
        // (The family name inside fontsource's files may carry a style, e.g. "Noto Sans SC Thin".)
        expect(fonts.some((f) => f.familyName.startsWith(family))).toBe(true);
      }
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('shows the passkey button where WebAuthn works, and focuses the error summary', async () => {
    const { page } = await open('/preview/login-refused');
    try {
      expect(await page.isVisible('#passkey')).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('error-summary');
      expect(await page.getAttribute('#loginName', 'aria-invalid')).toBe('true');
    } finally {
      await page.context().close();
    }
  });

  it('takes the one-time secret from the fragment and clears it from the address', async () => {
    const { page } = await open('/preview/setup#AbC-123_xyz');
    try {
      expect(await page.inputValue('input[name=secret]')).toBe('AbC-123_xyz');
      expect(page.url()).toBe(`${base}/preview/setup`);
      expect(await page.evaluate(() => window.location.hash)).toBe('');
      expect(await page.isVisible('#setup-form')).toBe(true);
    } finally {
      await page.context().close();
    }
  });

  it('without a secret, says the link is incomplete instead of showing the form', async () => {
    const { page } = await open('/preview/setup');
    try {
      expect(await page.isVisible('#setup-form')).toBe(false);
      expect(await page.isVisible('#no-secret')).toBe(true);
    } finally {
      await page.context().close();
    }
  });

  it('serves only the listed assets', async () => {
    for (const path of [
      '/oidc/assets/../package.json',
      '/oidc/assets/nope.js',
      '/oidc/assets/fonts/x.woff2',
    ])
      expect((await server.inject({ method: 'GET', url: path })).statusCode).toBe(404);
    const css = await server.inject({ method: 'GET', url: '/oidc/assets/fonts.css' });
    expect(css.body).toContain("font-family: 'Noto Sans Arabic'");
    expect(css.body).not.toContain('./files/');
  });
});

describe('the browser harness', () => {
  it('axe reports what it should (a field without a label)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.setContent(
        '<!DOCTYPE html><html lang="en"><title>t</title><main><input></main></html>',
      );
      expect((await axeViolations(page)).map((v) => v.id)).toContain('label');
    } finally {
      await context.close();
    }
  });

  it('the virtual authenticator creates and uses a passkey (WebAuthn needs localhost, not an IP)', async () => {
    const { page } = await open('/preview/login');
    try {
      await page.goto(`${base.replace('127.0.0.1', 'localhost')}/preview/login`);
      const authenticator = await addVirtualAuthenticator(page);
      const challenge = 'dGVzdC1jaGFsbGVuZ2UtdGVzdC1jaGFsbGVuZ2U';
      const created = await page.evaluate(
        (c) =>
          window.SimpleWebAuthnBrowser.startRegistration({
            optionsJSON: {
              challenge: c,
              rp: { name: 'Remedy', id: 'localhost' },
              user: { id: 'dXNlci0x', name: 'u1', displayName: 'u1' },
              pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
              authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
            },
          }),
        challenge,
      );
      expect(created.type).toBe('public-key');
      const credentials = await authenticator.credentials();
      expect(credentials).toHaveLength(1);
      expect(credentials[0]!.isResidentCredential).toBe(true);
      const used = await page.evaluate(
        (c) =>
          window.SimpleWebAuthnBrowser.startAuthentication({
            optionsJSON: { challenge: c, rpId: 'localhost', userVerification: 'required' },
          }),
        challenge,
      );
      expect(used.id).toBe(created.id);
      await authenticator.remove();
    } finally {
      await page.context().close();
    }
  });
});
