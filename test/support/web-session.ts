import { IntlMessageFormat } from 'intl-messageformat';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestUser } from './api-app';
import { consoleCatalogue } from './web-console';
import { watchCspViolations } from './web-browser';
import { StandInProvider } from './web-login';

/** The languages the browser walks are run in (the brief's: English, and Arabic right to left). */
export type Language = 'en' | 'ar';

const catalogues: Partial<Record<Language, Record<string, string>>> = {};

/**
 * A console message of `language` (apps/web/src/locales); with `values`, formatted as the console
 * formats it (ICU: arguments, plurals in the language's rules).
 */
export function msg(
  language: Language,
  key: string,
  values?: Record<string, string | number>,
): string {
  const catalogue = (catalogues[language] ??= consoleCatalogue(language));
  const text = catalogue[key];
  if (text === undefined) throw new Error(`no message ${key} in ${language}`);
  return values ? String(new IntlMessageFormat(text, language).format(values)) : text;
}

/** A browser context logged in to the console, its page, and the CSP violations it reported. */
export interface ConsoleSession {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly csp: string[];
  readonly language: Language;
}

/**
 * A new browser context (its locale the language's) logged in as `user` through the stand-in
 * provider (test/support/web-login.ts: local-issuer tokens the API verifies for real), on `path`
 * once the console's shell shows.
 */
export async function logIn(
  browser: Browser,
  origin: string,
  user: Pick<TestUser, 'userId' | 'organisationId' | 'roles' | 'token'>,
  language: Language,
  path: string,
): Promise<ConsoleSession> {
  const context = await browser.newContext({ locale: language === 'ar' ? 'ar-EG' : 'en-GB' });
  await new StandInProvider(origin, user as TestUser, async () => user.token).install(context);
  const page = await context.newPage();
  const csp = watchCspViolations(page);
  await page.goto(`${origin}${path}`);
  await page.getByRole('button', { name: msg(language, 'login.button') }).click();
  await page
    .getByRole('navigation', { name: msg(language, 'nav.label') })
    .waitFor({ timeout: 90_000 }); // a loaded machine: the login's round trips take time
  return { context, page, csp, language };
}

/** Nothing of the session in browser storage; nothing personal in the address or title. */
export async function expectNothingPersonal(page: Page, ...secrets: string[]): Promise<void> {
  expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);
  for (const secret of secrets) {
    expect(page.url()).not.toContain(secret);
    expect(await page.title()).not.toContain(secret);
  }
}
