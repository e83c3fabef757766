/// <reference lib="dom" />
import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { OPEN_CASE_BODY } from '../faults/support/real-api';
import { consoleCatalogue } from '../support/web-console';
import { axeViolations, launchBrowser, watchCspViolations } from '../support/web-browser';
import { startRealConsole, type ConsoleUser, type RealConsole } from '../support/web-real-console';
import { screenshot } from '../support/web-screenshots';

/**
 * Issue 16 with issue 15: the console's own login, end to end, against the embedded OpenID
 * provider and its login pages (no stand-in): a caseworker created through the API sets a
 * password from the one-time link, opens the console, is sent to /oidc (Authorization Code with
 * PKCE, resource urn:remedy:api), signs in on the provider's page, lands back on the console with
 * an access token for the audience remedy-api and a refresh token (without offline_access) that
 * rotates, sees the case list, and is refused the administration screen (the API's 403).
 */
const PASSWORD = 'a long caseworker passphrase';
const t = consoleCatalogue('en');

describe('the console logs in with the embedded provider (real /oidc pages)', () => {
  let api: RealConsole;
  let browser: Browser;
  let admin: ConsoleUser;
  let reference: string;
  let setupLink: string;
  let organisationId: string;

  beforeAll(async () => {
    api = await startRealConsole('web-login', { LOGIN_POSTS_PER_MINUTE: '10000' });
    admin = await api.user(['admin']);
    ({ organisationId } = await api.send<{ organisationId: string }>(
      admin,
      'POST',
      '/organisations',
      { name: 'Lighthouse', type: 'NGO', services: ['Accommodation'], country: 'AT', code: 'LGHT' },
    ));
    const created = await api.send<{ userId: string; setupLink: { url: string } }>(
      admin,
      'POST',
      `/organisations/${organisationId}/users`,
      {
        loginName: 'case.worker',
        displayName: 'Case Worker',
        roles: ['caseworker'],
        language: 'en',
      },
    );
    setupLink = created.setupLink.url;
    const someone = await api.user(['caseworker'], organisationId);
    const opened = await api.send<{ caseReference: string; position: string }>(
      someone,
      'POST',
      '/cases',
      OPEN_CASE_BODY,
    );
    reference = opened.caseReference;
    await api.project(opened.position);
    browser = await launchBrowser();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('a caseworker: one-time link, the provider login page, back on the console with a rotating refresh token; refused the administration screen', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const csp = watchCspViolations(page);
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));

    // The one-time link: a password (no second factor required by this organisation).
    await page.goto(setupLink);
    await page.fill('#password', PASSWORD);
    await page.fill('#repeat', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${api.origin}/oidc/setup/enrol`);
    await page.click('text=Not now');
    await page.waitForSelector('text=Your password is set.');

    // The console: Log in → the provider's page → back, with the tokens the provider issues.
    const tokenAnswers: Record<string, unknown>[] = [];
    const tokenRequests: URLSearchParams[] = [];
    page.on('request', (request) => {
      if (request.url() === `${api.origin}/oidc/token`)
        tokenRequests.push(new URLSearchParams(request.postData() ?? ''));
    });
    page.on('response', (response) => {
      if (response.url() === `${api.origin}/oidc/token`)
        void response.json().then((body: Record<string, unknown>) => tokenAnswers.push(body));
    });
    await page.goto(`${api.origin}/console/cases`);
    await page.getByRole('button', { name: t['login.button'] }).click();
    await page.waitForURL(/\/oidc\/interaction\/[\w-]+$/);
    await page.fill('#loginName', 'case.worker');
    await page.fill('#password', PASSWORD);
    await page.click('form[action$="/login"] button[type=submit]');
    await page
      .getByRole('link', { name: reference })
      .waitFor()
      .catch(async (error: Error) => {
        throw new Error(
          `${error.message}\nat ${page.url()}: ${(await page.textContent('body'))?.slice(0, 300)}\ntoken: ${JSON.stringify(tokenAnswers)}\nconsole: ${consoleLines.join('\n')}`,
        );
      });
    expect(page.url()).toBe(`${api.origin}/console/cases`); // no code left in the address
    await page.getByRole('heading', { level: 1, name: t['cases.title'] }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'case-list-after-login-en');

    // What the provider issued: a JWT for the API (audience remedy-api) of this account, and a
    // refresh token although the console asked for `openid` only (no offline_access).
    expect(tokenRequests[0]).toBeDefined();
    expect(Object.fromEntries(tokenRequests[0]!)).toMatchObject({
      grant_type: 'authorization_code',
      client_id: 'remedy-console',
      resource: 'urn:remedy:api',
      redirect_uri: `${api.origin}/callback`,
    });
    while (tokenAnswers.length === 0) await new Promise((r) => setTimeout(r, 50));
    const issued = tokenAnswers[0]!;
    expect(issued).toMatchObject({
      token_type: 'Bearer',
      scope: expect.not.stringContaining('offline_access'),
    });
    expect(typeof issued.refresh_token).toBe('string');
    const claims = decodeJwt(issued.access_token as string);
    expect(claims).toMatchObject({
      aud: 'remedy-api',
      iss: `${api.origin}/oidc`,
      organisation_id: organisationId,
      roles: ['caseworker'],
    });

    // The refresh the console makes (same client, same resource): a new access token and a
    // rotated refresh token; the old one is used up.
    const refresh = (token: string) =>
      fetch(`${api.origin}/oidc/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: 'remedy-console',
          refresh_token: token,
          resource: 'urn:remedy:api',
        }),
      });
    const refreshed = await refresh(issued.refresh_token as string);
    expect(refreshed.status).toBe(200);
    const rotated = (await refreshed.json()) as { access_token: string; refresh_token: string };
    expect(rotated.refresh_token).not.toBe(issued.refresh_token);
    expect(decodeJwt(rotated.access_token).aud).toBe('remedy-api');
    expect((await refresh(issued.refresh_token as string)).status).toBe(400);

    // The administration screen (moved to in the page: the tokens live in its memory only).
    await page.evaluate(() => {
      window.history.pushState(null, '', '/console/admin');
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
    await page.getByText(consoleCatalogue('en')['admin.error.forbidden']!).waitFor();
    expect(
      await page
        .getByRole('navigation', { name: t['nav.label'] })
        .getByRole('link', { name: t['admin.navEntry'] })
        .count(),
    ).toBe(0);
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);
    expect(csp).toEqual([]);
    await context.close();
  }, 240_000);
});
