import { Module } from '@nestjs/common';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ConsoleConfigController } from '../../apps/api/src/console/console-config.controller';
import { serveConsole } from '../../apps/api/src/console/serve-console';
import { SessionController } from '../../apps/api/src/session/session.controller';
import { LocalTokenIssuer } from '@remedy/auth';
import { CASE_CIPHER, CaseCommandsModule } from '@remedy/case-commands';
import { CaseReadModelsModule } from '@remedy/case-read-models';
import { CaseRemindersModule } from '@remedy/case-reminders';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { createApiApp, type ApiApp, type TestUser } from './api-app';
import { builtConsole, consoleCatalogue } from './web-console';
import { watchCspViolations } from './web-browser';
import { freePort, StandInProvider } from './web-login';

@Module({ controllers: [ConsoleConfigController, SessionController] })
class ConsoleConfigModule {}

/** The case API (commands, read side, reminders, every projection in process) serving the console. */
export interface ApiConsole {
  readonly api: ApiApp;
  readonly origin: string;
  readonly issuer: LocalTokenIssuer;
}

export async function startApiConsole(env: Record<string, string> = {}): Promise<ApiConsole> {
  const consoleDir = await builtConsole();
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const api = await createApiApp({
    modules: [
      CaseCommandsModule,
      CaseReadModelsModule.forRoot({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
      CaseRemindersModule.forApi(),
      ConsoleConfigModule,
    ],
    projections: ALL_PROJECTIONS,
    env: { PUBLIC_URL: origin, ...env },
    beforeInit: (app) =>
      serveConsole(app, { directory: consoleDir, issuer: `${origin}/oidc`, publicUrl: origin }),
  });
  await api.app.listen({ port, host: '127.0.0.1' });
  const issuer = await LocalTokenIssuer.load({ dataDir: api.dataDir });
  return { api, origin, issuer };
}

/**
 * A browser context logged in as `user` (through the stand-in provider, local-issuer tokens), in
 * `language`, on `path`, once the navigation shows; with the page's CSP violations.
 */
export async function loginToConsole(
  browser: Browser,
  target: ApiConsole,
  user: TestUser,
  language: 'en' | 'ar',
  path: string,
): Promise<{ context: BrowserContext; page: Page; csp: string[] }> {
  const messages = consoleCatalogue(language);
  const context = await browser.newContext({ locale: language === 'ar' ? 'ar-EG' : 'en-GB' });
  const provider = new StandInProvider(target.origin, user, () =>
    target.issuer.mintToken({
      userId: user.userId,
      organisationId: user.organisationId,
      roles: user.roles,
    }),
  );
  await provider.install(context);
  const page = await context.newPage();
  const csp = watchCspViolations(page);
  await page.goto(`${target.origin}${path}`);
  await page.getByRole('button', { name: messages['login.button'] }).click();
  await page.getByRole('navigation', { name: messages['nav.label'] }).waitFor({ timeout: 90_000 }); // a loaded machine: the login's round trips take time
  return { context, page, csp };
}
