/// <reference lib="dom" />
/**
 * Section 8 of `npm run bench`: the web console on a poor connection. Chromium (@sparticuz/chromium
 * driven by playwright-core) with the DevTools protocol's Network.emulateNetworkConditions at
 * DevTools' "Slow 3G" preset (2,000 ms round trip, 400 kbit/s down and up), against the real API
 * serving the built console (dist/web, as `npm start` serves it):
 *
 * - first load: a new browser context (empty cache) opens the console's case list; until the
 *   login screen is drawn (index.html, the initial JavaScript and CSS, /console-config.json, the
 *   language's catalogue), with the bytes transferred;
 * - case page, time to interactive: logged in on the case list (its files in the browser cache),
 *   the case's link is clicked; until the case page is drawn with its timeline and the main thread
 *   has been free of long tasks for 500 ms (the case page's lazy chunk, GET /cases/{id}, the
 *   timeline).
 *
 * The login is answered inside the browser (a stand-in of the provider's endpoints under
 * `<issuer>/**`, handing out the bench's local-issuer token): the provider's own pages are not
 * part of these figures.
 */
import { createHash, randomUUID } from 'node:crypto';
import chromium from '@sparticuz/chromium';
import { SignJWT, generateKeyPair } from 'jose';
import { chromium as playwright, type BrowserContext, type Page } from 'playwright-core';
import type { BenchRow } from '../lib/results';

/** DevTools' "Slow 3G" (front_end/core/sdk/NetworkManager.ts): 400 kbit/s, 2 s RTT. */
export const SLOW_3G = {
  offline: false,
  latency: 2000,
  downloadThroughput: (400 * 1000) / 8,
  uploadThroughput: (400 * 1000) / 8,
};

const SECTION = '8 console (Slow 3G)';

export interface ConsoleBenchOptions {
  readonly baseUrl: string;
  /** An access token of a caseworker of the case's organisation. */
  readonly token: string;
  readonly userId: string;
  readonly caseId: string;
  readonly reference: string;
  readonly rounds: number;
  readonly log: (line: string) => void;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** The provider's endpoints, answered in the browser: discovery, authorization, token. */
async function standInLogin(
  context: BrowserContext,
  issuer: string,
  clientId: string,
  userId: string,
  token: string,
): Promise<void> {
  const { privateKey } = await generateKeyPair('RS256');
  const codes = new Map<string, string>();
  await context.route(`${issuer}/**`, async (route) => {
    const url = new URL(route.request().url());
    const json = (body: unknown) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
    if (url.pathname.endsWith('/.well-known/openid-configuration'))
      return json({
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    if (url.pathname.endsWith('/auth')) {
      const code = randomUUID();
      codes.set(code, url.searchParams.get('nonce') ?? '');
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      return route.fulfill({ status: 302, headers: { location: back.href } });
    }
    if (url.pathname.endsWith('/token')) {
      const form = new URLSearchParams(route.request().postData() ?? '');
      const nonce = codes.get(form.get('code') ?? '') ?? '';
      const now = Math.floor(Date.now() / 1000);
      const idToken = await new SignJWT({ nonce })
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuer(issuer)
        .setAudience(clientId)
        .setSubject(userId)
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(privateKey);
      return json({
        access_token: token,
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: createHash('sha256').update(randomUUID()).digest('hex'),
        id_token: idToken,
      });
    }
    return route.fulfill({ status: 404, body: '' });
  });
}

/**
 * Throttles the page's network; answers the bytes it has received so far (the DevTools protocol's
 * encodedDataLength of every finished load: headers and bodies as they came over the wire; the
 * Resource Timing API's transferSize read 0 for most files here).
 */
async function throttle(page: Page): Promise<() => number> {
  const cdp = await page.context().newCDPSession(page);
  let received = 0;
  cdp.on('Network.loadingFinished', (event) => {
    received += event.encodedDataLength;
  });
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
  return () => received;
}

/** Waits for `what`; a timeout names the step and what the page showed (the bench's log). */
async function step(page: Page, what: string, wait: Promise<unknown>): Promise<void> {
  try {
    await wait;
  } catch (error) {
    const text = await page
      .locator('body')
      .innerText()
      .catch(() => '');
    throw new Error(
      `${what}: ${(error as Error).message.split('\n')[0]} (${page.url()}; page: ${text.replace(/\s+/g, ' ').slice(0, 300)})`,
      { cause: error },
    );
  }
}

export async function consoleBench(options: ConsoleBenchOptions): Promise<BenchRow[]> {
  const { baseUrl, log } = options;
  const settings = (await (await fetch(`${baseUrl}/console-config.json`)).json()) as {
    issuer: string;
    clientId: string;
  };
  // The console at its public URL (PUBLIC_URL, the embedded issuer's origin), as a person opens
  // it: the login's token request is then same-origin (from the API's bare address
  // http://127.0.0.1:<port> it is cross-origin, refused by CORS, and the login never ends).
  const consoleUrl = `${new URL(settings.issuer).origin}/console/cases`;
  const browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    headless: true,
    args: chromium.args.filter((a) => a !== '--single-process' && !a.startsWith('--headless')),
  });
  const firstLoads: number[] = [];
  const bytes: number[] = [];
  const interactive: number[] = [];
  try {
    for (let round = 0; round < options.rounds; round += 1) {
      // A new context: an empty cache, no session.
      const context = await browser.newContext({ locale: 'en-GB' });
      await standInLogin(
        context,
        settings.issuer,
        settings.clientId,
        options.userId,
        options.token,
      );
      const page = await context.newPage();
      const transferred = await throttle(page);
      const start = Date.now();
      await page.goto(consoleUrl, { waitUntil: 'commit' });
      await step(
        page,
        'first load: the login screen',
        page.getByRole('button', { name: 'Log in' }).waitFor({ timeout: 120_000 }),
      );
      firstLoads.push(Date.now() - start);
      bytes.push(transferred());

      // Logged in, on the case list; then the case page (its chunk and data not loaded yet),
      // measured in the page's own clock.
      await page.getByRole('button', { name: 'Log in' }).click();
      const link = page.getByRole('link', { name: options.reference });
      await step(page, 'the case list', link.waitFor({ timeout: 120_000 }));
      await page.evaluate(() => {
        const w = window as unknown as { __longTaskEnd: number };
        w.__longTaskEnd = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries())
            w.__longTaskEnd = Math.max(w.__longTaskEnd, e.startTime + e.duration);
        }).observe({ type: 'longtask', buffered: false });
      });
      const clickedAt = await page.evaluate(() => performance.now());
      await link.click();
      // The timeline's first row (labelled in the person's language; its type in data-event-type).
      await step(
        page,
        'the case page',
        page
          .locator('[data-testid="timeline"] [data-event-type="CaseOpened"]')
          .waitFor({ timeout: 120_000 }),
      );
      const drawnAt = await page.evaluate(() => performance.now());
      // Quiet: 500 ms without a long task after the page was drawn.
      const quietAt = await page.evaluate(async (drawn: number) => {
        const w = window as unknown as { __longTaskEnd: number };
        for (;;) {
          const since = Math.max(drawn, w.__longTaskEnd);
          if (performance.now() - since >= 500) return since;
          await new Promise((r) => setTimeout(r, 100));
        }
      }, drawnAt);
      interactive.push(quietAt - clickedAt);
      log(
        `8 console: first load ${firstLoads.at(-1)} ms (${Math.round(bytes.at(-1)! / 1024)} KiB), case page TTI ${Math.round(interactive.at(-1)!)} ms`,
      );
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const note = `median of ${options.rounds}; Chromium, Network.emulateNetworkConditions: ${SLOW_3G.latency} ms RTT, ${(SLOW_3G.downloadThroughput * 8) / 1000} kbit/s down/up (DevTools "Slow 3G")`;
  return [
    {
      section: SECTION,
      measure: 'first load: empty cache → login screen drawn',
      value: median(firstLoads),
      unit: 'ms',
      goal: 'initial JS ≤ 250 KB gzipped (npm run build)',
      note,
    },
    {
      section: SECTION,
      measure: 'first load: bytes transferred',
      value: Math.round(median(bytes) / 1024),
      unit: 'KiB',
      note: 'index.html, initial JS and CSS, console-config.json, the catalogue, fonts used',
    },
    {
      section: SECTION,
      measure:
        'case page: click on the case list → drawn with its timeline, 500 ms without a long task',
      value: Math.round(median(interactive)),
      unit: 'ms',
      note: `${note}; the case list's files cached`,
    },
  ];
}
