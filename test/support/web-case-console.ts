import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { ConsoleConfigController } from '../../apps/api/src/console/console-config.controller';
import { serveConsole } from '../../apps/api/src/console/serve-console';
import { SessionController } from '../../apps/api/src/session/session.controller';
import { LocalTokenIssuer } from '@remedy/auth';
import { CASE_CIPHER, CaseCommandsModule } from '@remedy/case-commands';
import { CaseReadModelsModule } from '@remedy/case-read-models';
import { CodeListsModule } from '@remedy/code-lists';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { createApiApp, type ApiApp, type TestUser } from './api-app';
import { builtConsole, consoleCatalogue } from './web-console';
import { launchBrowser } from './web-browser';
import { freePort, StandInProvider } from './web-login';

export type ConsoleLanguage = 'en' | 'ar';

/** A message of the built console's catalogue (throws on a key it lacks). */
export const message = (language: ConsoleLanguage, key: string): string => {
  const text = consoleCatalogue(language)[key];
  if (text === undefined) throw new Error(`no message ${key}`);
  return text;
};

@Module({ controllers: [ConsoleConfigController, SessionController] })
class ConsoleConfigModule {}

/**
 * The built console served by an API of the case modules (commands, read side with its
 * projections running, code lists, the console's settings and session) plus `modules`, listening
 * on a free port of localhost; one Chromium. Logs a test user in through the stand-in provider.
 */
export interface CaseConsole {
  readonly api: ApiApp;
  readonly origin: string;
  readonly browser: Browser;
  /** A code list's label, in a language, as the API gives it. */
  label(language: ConsoleLanguage, list: string, code: string): string;
  login(
    user: TestUser,
    language: ConsoleLanguage,
    path: string,
  ): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function startCaseConsole(
  modules: readonly (Type<unknown> | DynamicModule)[] = [],
): Promise<CaseConsole> {
  const directory = await builtConsole();
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const api = await createApiApp({
    modules: [
      CaseCommandsModule,
      CaseReadModelsModule.forRoot({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
      CodeListsModule,
      ConsoleConfigModule,
      ...modules,
    ],
    projections: ALL_PROJECTIONS,
    env: { PUBLIC_URL: origin },
    beforeInit: (app) =>
      serveConsole(app, { directory, issuer: `${origin}/oidc`, publicUrl: origin }),
  });
  await api.app.listen({ port, host: '127.0.0.1' });
  const issuer = await LocalTokenIssuer.load({ dataDir: api.dataDir });
  const browser = await launchBrowser();
  const labels = new Map<string, string>();
  const viewer = await api.user(['caseworker']);
  for (const language of ['en', 'ar'] as const) {
    const res = await api.get(viewer, `/code-lists?lang=${language}`);
    if (res.statusCode !== 200) throw new Error(`GET /code-lists: ${res.statusCode}`);
    for (const list of res.json().lists as {
      name: string;
      codes: { code: string; label: string }[];
    }[])
      for (const c of list.codes) labels.set(`${language}/${list.name}/${c.code}`, c.label);
  }
  return {
    api,
    origin,
    browser,
    label: (language, list, code) => {
      const text = labels.get(`${language}/${list}/${code}`);
      if (text === undefined) throw new Error(`no label ${list}/${code}`);
      return text;
    },
    async login(user, language, path) {
      const context = await browser.newContext({ locale: language === 'ar' ? 'ar-EG' : 'en-GB' });
      await new StandInProvider(origin, user, () =>
        issuer.mintToken({
          userId: user.userId,
          organisationId: user.organisationId,
          roles: user.roles,
        }),
      ).install(context);
      const page = await context.newPage();
      await page.goto(`${origin}${path}`);
      await page.getByRole('button', { name: message(language, 'login.button') }).click();
      await page.getByRole('navigation', { name: message(language, 'nav.label') }).waitFor();
      return { context, page };
    },
    async close() {
      await browser.close();
      await api.close();
    },
  };
}

/**
 * The case page's command form `id` in the tab `group` (its accordion item opened when closed).
 */
export async function caseForm(
  page: Page,
  language: ConsoleLanguage,
  group: string,
  id: string,
): Promise<Locator> {
  await page.getByRole('tab', { name: message(language, `casepage.group.${group}`) }).click();
  const form = page.getByTestId(`form-${id}`);
  if (!(await form.isVisible()))
    await page
      .getByRole('button', { name: message(language, `casepage.cmd.${id}`), exact: true })
      .click();
  await form.waitFor();
  return form;
}

/** Chooses the option named `option` in the select `input` (a Mantine combobox). */
export async function chooseOption(page: Page, input: Locator, option: string): Promise<void> {
  await input.click();
  const listbox = page
    .getByRole('listbox')
    .filter({ has: page.getByRole('option') })
    .last();
  await listbox.getByRole('option', { name: option, exact: true }).click();
}

/** A row value of the case page's tables (profile, personal details) by its row header. */
export function rowValue(scope: Page | Locator, header: string): Locator {
  // `has` is matched inside each row: a locator of the page, not one under `scope`.
  const page = 'goto' in scope ? scope : scope.page();
  return scope
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: header, exact: true }) })
    .getByRole('cell');
}
