/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ConsoleConfigController } from '../../apps/api/src/console/console-config.controller';
import { serveConsole } from '../../apps/api/src/console/serve-console';
import { SessionController } from '../../apps/api/src/session/session.controller';
import { LocalTokenIssuer } from '@remedy/auth';
import { CASE_CIPHER, CaseCommandsModule } from '@remedy/case-commands';
import { CaseReadModelsModule } from '@remedy/case-read-models';
import { consoleCsp } from '@remedy/http';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { createApiApp, type ApiApp } from '../support/api-app';
import { builtConsole, consoleCatalogue } from '../support/web-console';
import {
  axeViolations,
  launchBrowser,
  renderedFonts,
  watchCspViolations,
} from '../support/web-browser';
import { CLIENT_ID, freePort, StandInProvider } from '../support/web-login';
import { openCase, openCaseBody, organisationWithStaff } from '../cases/commands/support';

/**
 * The console (apps/web) built once (test/support/web-console.ts), served by a test API app as
 * `npm start` serves it, in Chromium. The embedded OpenID provider is not on this branch yet, so
 * the provider's endpoints are answered by the test (Playwright routes: discovery, authorization,
 * token, revocation, end-session), which checks what the console sends (PKCE S256, state, nonce,
 * resource, rotation) and hands out a local-issuer access token the API verifies for real.
 */

const catalogue = consoleCatalogue;

const PERSON_NAME = 'Amira Testperson';

describe('the web console (issue 16 foundation)', () => {
  let api: ApiApp;
  let browser: Browser;
  let origin: string;
  let holder: Awaited<ReturnType<typeof organisationWithStaff>>;
  let caseId: string;
  let reference: string;
  let issuer: LocalTokenIssuer;
  let consoleDir: string;

  @Module({ controllers: [ConsoleConfigController, SessionController] })
  class ConsoleConfigModule {}

  beforeAll(async () => {
    consoleDir = await builtConsole();
    const port = await freePort();
    origin = `http://localhost:${port}`;
    api = await createApiApp({
      modules: [
        CaseCommandsModule,
        CaseReadModelsModule.forRoot({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
        ConsoleConfigModule,
      ],
      projections: ALL_PROJECTIONS,
      env: { PUBLIC_URL: origin, REMEDY_JURISDICTION_TIMEZONE: 'Europe/Vienna' },
      beforeInit: (app) =>
        serveConsole(app, { directory: consoleDir, issuer: `${origin}/oidc`, publicUrl: origin }),
    });
    await api.app.listen({ port, host: '127.0.0.1' });
    issuer = await LocalTokenIssuer.load({ dataDir: api.dataDir });
    holder = await organisationWithStaff(api, await api.user(['admin']));
    const opened = await openCase(
      api,
      holder.caseworker,
      openCaseBody({ personal: { fullName: PERSON_NAME, birthDate: '1990-04-02' } }),
    );
    caseId = opened.caseId;
    reference = opened.caseReference;
    // The read side has the case before the browser asks for it.
    const seen = await api.get(holder.caseworker, '/cases', { 'x-min-position': opened.position });
    expect(seen.statusCode).toBe(200);
    browser = await launchBrowser();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const standIn = () =>
    new StandInProvider(origin, holder.caseworker, () =>
      issuer.mintToken({
        userId: holder.caseworker.userId,
        organisationId: holder.organisationId,
        roles: ['caseworker'],
      }),
    );

  describe('served by the API', () => {
    it('serves index.html at / and for client routes with the console CSP, hashed assets for a year, and leaves the API routes alone', async () => {
      const index = await api.app.inject({ method: 'GET', url: '/' });
      expect(index.statusCode).toBe(200);
      expect(index.headers['content-type']).toMatch(/^text\/html/);
      expect(index.headers['content-security-policy']).toBe(consoleCsp());
      expect(index.headers['cache-control']).toBe('no-cache');
      expect(index.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
      expect(index.body).not.toMatch(/<style/);
      for (const url of ['/callback', '/console', '/console/cases', `/console/cases/${caseId}`]) {
        const res = await api.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
        expect([url, res.statusCode, res.body]).toEqual([url, 200, index.body]);
      }
      const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(index.body)![1]!;
      const asset = await api.app.inject({
        method: 'GET',
        url: script,
        headers: { 'accept-encoding': 'gzip' },
      });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.headers['content-encoding']).toBe('gzip');

      // API routes keep their answers and headers, token or not, HTML asked or not.
      const cases = await api.app.inject({
        method: 'GET',
        url: '/cases',
        headers: { accept: 'text/html' },
      });
      expect(cases.statusCode).toBe(401);
      expect(cases.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(cases.headers['content-security-policy']).toMatch(/default-src 'none'/);
      const missing = await api.app.inject({ method: 'GET', url: '/console-nothing-here' });
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-security-policy']).toMatch(/default-src 'none'/);

      // No path of the API document is a client route of the console.
      const document = JSON.parse(
        readFileSync(join(__dirname, '../../libs/api-client/openapi.json'), 'utf8'),
      ) as { paths: Record<string, unknown> };
      const clientRoute = (p: string) =>
        p === '/' ||
        p === '/callback' ||
        p === '/console' ||
        p.startsWith('/console/') ||
        p.startsWith('/assets/');
      expect(Object.keys(document.paths).filter(clientRoute)).toEqual([]);

      const settings = await api.app.inject({ method: 'GET', url: '/console-config.json' });
      expect(settings.statusCode).toBe(200);
      expect(settings.json()).toEqual({
        issuer: `${origin}/oidc`,
        clientId: CLIENT_ID,
        resource: 'urn:remedy:api',
        idleTimeoutSeconds: 900,
        minReflectionDays: 30,
      });
    });
  });

  /** The walk: login page, login, case list, case page; axe on each; nothing stored. */
  async function walk(
    language: 'en' | 'ar',
    locale: string,
  ): Promise<{ page: Page; context: BrowserContext; provider: StandInProvider }> {
    const t = catalogue(language);
    const context = await browser.newContext({ locale });
    const provider = standIn();
    await provider.install(context);
    const page = await context.newPage();
    const violations = watchCspViolations(page);

    await page.goto(`${origin}/console/cases`);
    await page.getByRole('button', { name: t['login.button'] }).waitFor();
    expect(
      await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]),
    ).toEqual([language, language === 'ar' ? 'rtl' : 'ltr']);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: t['login.button'] }).click();
    await page.getByRole('link', { name: reference }).waitFor();
    expect(page.url()).toBe(`${origin}/console/cases`); // back where the login started, no code
    const authorization = provider.authorizations.at(-1)!;
    expect(Object.fromEntries(authorization)).toEqual({
      client_id: CLIENT_ID,
      redirect_uri: `${origin}/callback`,
      response_type: 'code',
      scope: 'openid',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
      state: expect.any(String),
      nonce: expect.any(String),
      resource: 'urn:remedy:api',
      ui_locales: language,
    });
    // The stand-in accepted the code only with the verifier of that challenge.
    expect(provider.tokenRequests.at(-1)!.get('grant_type')).toBe('authorization_code');

    await page.getByRole('link', { name: reference }).waitFor();
    await page.getByRole('heading', { level: 1, name: t['cases.title'] }).waitFor();
    await page
      .getByRole('navigation', { name: t['nav.label'] })
      .getByRole('link', { name: t['nav.cases'] })
      .waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('link', { name: reference }).click();
    await page.waitForURL(`${origin}/console/cases/${caseId}`);
    await page
      .getByRole('heading', { level: 1, name: t['case.title']!.replace('{reference}', reference) })
      .waitFor();
    // The timeline names the event in the person's language (lists.event.*).
    await page.getByText(t['lists.event.CaseOpened']!, { exact: true }).first().waitFor();
    await page.getByText(PERSON_NAME).waitFor(); // the API decrypted it for this caseworker
    expect(await axeViolations(page)).toEqual([]);

    // Privacy in the browser: nothing stored, no name in the address or the title.
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(page.url()).not.toContain(PERSON_NAME.split(' ')[0]);
    expect(await page.title()).not.toContain(PERSON_NAME.split(' ')[0]);
    expect(violations).toEqual([]);
    return { page, context, provider };
  }

  it('in English: login by Authorization Code with PKCE, the case list, the case page; axe finds nothing', async () => {
    const { context } = await walk('en', 'en-GB');
    await context.close();
  });

  it('in Arabic (the browser asks for ar): right to left, the glyphs drawn with the bundled Noto Sans Arabic; Chinese with Noto Sans SC; axe finds nothing', async () => {
    const { page, context } = await walk('ar', 'ar-EG');
    const fonts = await renderedFonts(page, 'h1');
    expect(fonts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ familyName: 'Noto Sans Arabic', isCustomFont: true }),
      ]),
    );
    expect(fonts.filter((f) => !f.isCustomFont)).toEqual([]);
    expect(await page.evaluate(() => getComputedStyle(document.body).direction)).toBe('rtl');

    // The language switch: Chinese, left to right, drawn with the bundled Noto Sans SC.
    await page.getByLabel(catalogue('ar')['header.language']!).selectOption('zh');
    await page
      .getByRole('heading', {
        level: 1,
        name: catalogue('zh')['case.title']!.replace('{reference}', reference),
      })
      .waitFor();
    expect(
      await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]),
    ).toEqual(['zh', 'ltr']);
    const chinese = await renderedFonts(page, 'h1');
    expect(chinese).toEqual(
      expect.arrayContaining([
        // The bundled files name their family "Noto Sans SC Thin" (one variable-weight source).
        expect.objectContaining({
          familyName: expect.stringMatching(/^Noto Sans SC/),
          isCustomFont: true,
        }),
      ]),
    );
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('refreshes the access token before it expires with the rotated refresh token, clears the screen after the idle time, and logs out at the provider', async () => {
    const t = catalogue('en');
    const context = await browser.newContext({ locale: 'en-GB' });
    const provider = standIn();
    provider.expiresIn = 2; // the first token: refreshed at once
    await provider.install(context);
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(`${origin}/console/cases`);
    const refreshed = provider.nextRefresh();
    await page.getByRole('button', { name: t['login.button'] }).click();
    await page.getByRole('link', { name: reference }).waitFor();
    provider.expiresIn = 300; // the refreshed token lives on
    await page.clock.runFor(2_000);
    await refreshed;
    const refresh = provider.tokenRequests.at(-1)!;
    expect([
      refresh.get('grant_type'),
      refresh.get('refresh_token'),
      refresh.get('resource'),
    ]).toEqual(['refresh_token', 'refresh-1', 'urn:remedy:api']);
    // The list still answers with the new token.
    await page.getByRole('link', { name: reference }).click();
    await page.getByText(PERSON_NAME).waitFor();

    // 15 minutes without a key press or a click: the session ends, the screen is cleared.
    await page.clock.fastForward('16:00');
    await page
      .getByText(t['login.ended']!.replace(/\{minutes, plural.*\}\}/, '15 minutes'))
      .waitFor();
    expect(await page.getByText(PERSON_NAME).count()).toBe(0);
    expect(await page.getByText(reference).count()).toBe(0);
    // The refresh token held when the session ended is revoked (the last or, if a refresh was
    // under way at that moment, the one before it).
    expect(provider.revocations.at(-1)?.get('token')).toMatch(/^refresh-[23]$/);

    // Log in again, then out: the provider's end_session endpoint, back to /.
    await page.getByRole('button', { name: t['login.button'] }).click();
    await page
      .getByRole('heading', { level: 1, name: t['case.title']!.replace('{reference}', reference) })
      .waitFor();
    await page.getByRole('button', { name: t['header.logout'] }).click();
    await page.waitForURL(`${origin}/`);
    const logout = provider.logouts.at(-1)!;
    expect([
      logout.get('client_id'),
      logout.get('post_logout_redirect_uri'),
      Boolean(logout.get('id_token_hint')),
    ]).toEqual([CLIENT_ID, `${origin}/`, true]);
    await page.getByRole('button', { name: t['login.button'] }).waitFor();
    await context.close();
  }, 180_000);
});
