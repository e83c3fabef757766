/// <reference lib="dom" />
import { Module } from '@nestjs/common';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { ConsoleConfigController } from '../../apps/api/src/console/console-config.controller';
import { serveConsole } from '../../apps/api/src/console/serve-console';
import { SessionController } from '../../apps/api/src/session/session.controller';
import { LocalTokenIssuer } from '@remedy/auth';
import { CASE_CIPHER, CaseCommandsModule } from '@remedy/case-commands';
import { CaseReadModelsModule } from '@remedy/case-read-models';
import { CodeListsModule } from '@remedy/code-lists';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { createApiApp, type ApiApp, type TestUser } from '../support/api-app';
import { builtConsole, consoleCatalogue } from '../support/web-console';
import { axeViolations, launchBrowser, watchCspViolations } from '../support/web-browser';
import { freePort, StandInProvider } from '../support/web-login';
import {
  openCase,
  openCaseBody,
  organisationWithStaff,
  type OrganisationWithStaff,
} from '../cases/commands/support';

/**
 * The case page and its command forms (apps/web/src/cases, apps/web/src/commands) in Chromium
 * against the real API: the lifecycle walked in the console (open → presumed victim → consent →
 * reflection period → assistance while the person declines police cooperation → closure requested
 * by the caseworker and approved by a supervisor → reopened) in English and in Arabic, axe on each
 * screen; a conflict between two browser contexts (the second sees what changed, keeps its input,
 * submits again); a rule's refusal shown in Arabic, as the API worded it.
 */

type Language = 'en' | 'ar';
const catalogues = { en: consoleCatalogue('en'), ar: consoleCatalogue('ar') };
const msg = (language: Language, key: string): string => {
  const text = catalogues[language][key];
  if (text === undefined) throw new Error(`no message ${key}`);
  return text;
};

describe('the console case page (issue 16: CASES)', () => {
  let api: ApiApp;
  let browser: Browser;
  let origin: string;
  let issuer: LocalTokenIssuer;
  let holder: OrganisationWithStaff;
  /** Code-list labels by language, list and code, as the API gives them. */
  const labels: Record<Language, Map<string, string>> = { en: new Map(), ar: new Map() };
  const label = (language: Language, list: string, code: string) =>
    labels[language].get(`${list}/${code}`)!;

  @Module({ controllers: [ConsoleConfigController, SessionController] })
  class ConsoleConfigModule {}

  beforeAll(async () => {
    const consoleDir = await builtConsole();
    const port = await freePort();
    origin = `http://localhost:${port}`;
    api = await createApiApp({
      modules: [
        CaseCommandsModule,
        CaseReadModelsModule.forRoot({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
        CodeListsModule,
        ConsoleConfigModule,
      ],
      projections: ALL_PROJECTIONS,
      env: { PUBLIC_URL: origin, REMEDY_JURISDICTION_TIMEZONE: 'Europe/Vienna' },
      beforeInit: (app) =>
        serveConsole(app, { directory: consoleDir, issuer: `${origin}/oidc`, publicUrl: origin }),
    });
    await api.app.listen({ port, host: '127.0.0.1' });
    issuer = await LocalTokenIssuer.load({ dataDir: api.dataDir });
    holder = await organisationWithStaff(api, await api.user(['admin']), { name: 'Safe Harbour' });
    for (const language of ['en', 'ar'] as const) {
      const res = await api.get(holder.caseworker, `/code-lists?lang=${language}`);
      expect(res.statusCode).toBe(200);
      for (const list of res.json().lists as {
        name: string;
        codes: { code: string; label: string }[];
      }[])
        for (const c of list.codes) labels[language].set(`${list.name}/${c.code}`, c.label);
    }
    browser = await launchBrowser();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  async function login(
    user: TestUser,
    language: Language,
    path: string,
  ): Promise<{ context: BrowserContext; page: Page; csp: string[] }> {
    const context = await browser.newContext({ locale: language === 'ar' ? 'ar-EG' : 'en-GB' });
    const provider = new StandInProvider(origin, user, () =>
      issuer.mintToken({
        userId: user.userId,
        organisationId: user.organisationId,
        roles: user.roles,
      }),
    );
    await provider.install(context);
    const page = await context.newPage();
    const csp = watchCspViolations(page);
    await page.goto(`${origin}${path}`);
    await page.getByRole('button', { name: msg(language, 'login.button') }).click();
    await page.getByRole('navigation', { name: msg(language, 'nav.label') }).waitFor();
    return { context, page, csp };
  }

  /** Opens the tab `group` and the command `id` in it; its form. */
  async function command(page: Page, language: Language, group: string, id: string) {
    await page.getByRole('tab', { name: msg(language, `casepage.group.${group}`) }).click();
    const form = page.getByTestId(`form-${id}`);
    if (!(await form.isVisible()))
      await page
        .getByRole('button', { name: msg(language, `casepage.cmd.${id}`), exact: true })
        .click();
    await form.waitFor();
    return form;
  }

  /** Picks `option` in the Mantine select labelled `field` (a code list's label). */
  async function pick(
    page: Page,
    form: Locator,
    language: Language,
    field: string,
    option: string,
  ) {
    const input = form.getByLabel(msg(language, `commands.field.${field}`)).first();
    await input.click();
    if ((await input.getAttribute('readonly')) === null) await input.fill(option);
    await page
      .getByRole('listbox', { name: msg(language, `commands.field.${field}`) })
      .getByRole('option', { name: option, exact: true })
      .click();
  }

  /** Submits `form` and waits until the command is recorded. */
  async function submit(form: Locator, language: Language, button = 'casepage.submit') {
    await form.getByRole('button', { name: msg(language, button) }).click();
    await form
      .getByTestId('command-done')
      .waitFor()
      .catch(async (error: Error) => {
        throw new Error(`${error.message}: ${await form.textContent()}`);
      });
  }

  /** Submits a command that changes the case's status: its form leaves (no longer offered). */
  async function submitStatusChange(form: Locator, language: Language) {
    await form.getByRole('button', { name: msg(language, 'casepage.submit') }).click();
    await form.waitFor({ state: 'detached' });
  }

  const profileValue = (page: Page, language: Language, key: string) =>
    page
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: msg(language, key), exact: true }) })
      .getByRole('cell');

  async function lifecycle(language: Language) {
    const L = (list: string, code: string) => label(language, list, code);
    const { context, page, csp } = await login(holder.caseworker, language, '/console/cases');

    // Open a case in the console.
    await page
      .getByRole('navigation', { name: msg(language, 'nav.label') })
      .getByRole('link', { name: msg(language, 'casepage.openCase') })
      .click();
    await page
      .getByRole('heading', { level: 1, name: msg(language, 'casepage.openCase') })
      .waitFor();
    const opening = page.getByTestId('form-openCase');
    await pick(page, opening, language, 'referralSource', L('referral-sources', 'Hotline'));
    await pick(page, opening, language, 'profile.sexGender', L('sex-gender', 'Feminine'));
    await pick(page, opening, language, 'profile.citizenships', L('countries', 'SY'));
    await page.keyboard.press('Escape');
    await opening
      .getByRole('textbox', { name: msg(language, 'commands.field.personal.fullName') })
      .fill(`Walk Person ${language}`);
    expect(await axeViolations(page)).toEqual([]);
    await opening.getByRole('button', { name: msg(language, 'casepage.submit.openCase') }).click();
    await page
      .waitForFunction(() => /^\/console\/cases\/[0-9a-f-]{36}$/.test(window.location.pathname))
      .catch(async (error: Error) => {
        throw new Error(`${error.message}: ${await opening.textContent()}`);
      });
    await page
      .getByTestId('open-decisions')
      .getByText(msg(language, 'casepage.open.identification'))
      .waitFor();
    await page.getByText(`Walk Person ${language}`).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    const caseUrl = new URL(page.url()).pathname;

    // Presumed victim.
    const identification = await command(page, language, 'identification', 'victimStatus');
    await pick(
      page,
      identification,
      language,
      'status',
      L('victim-statuses', 'PossibleVictimOfTrafficking'),
    );
    await pick(page, identification, language, 'decidingBody', L('deciding-bodies', 'NGO'));
    expect(await axeViolations(page)).toEqual([]);
    await submit(identification, language);
    await profileValue(page, language, 'case.identification')
      .getByText(L('victim-statuses', 'PossibleVictimOfTrafficking'))
      .waitFor();

    // Consent to assistance, obtained in Arabic with an interpreter.
    const consent = await command(page, language, 'consent', 'giveConsent');
    await pick(page, consent, language, 'purpose', L('consent-purposes', 'assistance'));
    await pick(page, consent, language, 'obtainedInLanguage', L('languages', 'ar'));
    await consent.getByLabel(msg(language, 'commands.field.interpreterUsed')).check();
    await submit(consent, language);
    await profileValue(page, language, 'casepage.consents')
      .getByText(L('consent-purposes', 'assistance'))
      .waitFor();

    // The reflection period: the jurisdiction's minimum shown, the minimum granted.
    const reflection = await command(page, language, 'identification', 'reflectionPeriod');
    const minimum = await reflection
      .getByText(msg(language, 'casepage.reflection.minimum').slice(0, 12))
      .textContent();
    expect(minimum).toMatch(language === 'en' ? /30 days/ : /30|٣٠/);
    await submit(reflection, language);
    await page.waitForFunction(
      ([none]) => {
        const row = [...document.querySelectorAll('tr')].find((r) =>
          r.querySelector('th')?.textContent?.includes(none!),
        );
        return row !== undefined;
      },
      [msg(language, 'case.reflectionEnds')],
    );
    expect(await profileValue(page, language, 'case.reflectionEnds').textContent()).not.toBe(
      msg(language, 'common.none'),
    );

    // The person declines to cooperate with the police: their choice, information only.
    const cooperation = await command(page, language, 'legal', 'cooperation');
    await cooperation.getByText(msg(language, 'casepage.cooperation.intro')).waitFor();
    await pick(
      page,
      cooperation,
      language,
      'cooperation',
      L('law-enforcement-cooperation', 'declined'),
    );
    await submit(cooperation, language);
    await profileValue(page, language, 'casepage.cooperation')
      .getByText(L('law-enforcement-cooperation', 'declined'))
      .waitFor();

    // Assistance all the same.
    const assistance = await command(page, language, 'support', 'assistance');
    await pick(
      page,
      assistance,
      language,
      'assistanceType',
      L('assistance-types', 'Accommodation'),
    );
    expect(await axeViolations(page)).toEqual([]);
    await submit(assistance, language);

    // Closure requested by the caseworker.
    const closure = await command(page, language, 'closure', 'requestClosure');
    await pick(page, closure, language, 'reason', L('closure-reasons', 'assistance_completed'));
    await submitStatusChange(closure, language);
    await page
      .getByTestId('open-decisions')
      .getByText(msg(language, 'casepage.open.closure'))
      .waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(csp).toEqual([]);
    await context.close();

    // Approved by a supervisor, who then reopens the case.
    const supervisor = await login(holder.supervisor, language, caseUrl);
    const sPage = supervisor.page;
    await sPage
      .getByTestId('open-decisions')
      .getByText(msg(language, 'casepage.open.closure'))
      .waitFor();
    const approval = await command(sPage, language, 'closure', 'approveClosure');
    expect(await axeViolations(sPage)).toEqual([]);
    await submitStatusChange(approval, language);
    await sPage
      .getByRole('heading', { level: 1 })
      .locator('xpath=..')
      .getByText(msg(language, 'status.closed'))
      .waitFor();
    const reopen = await command(sPage, language, 'closure', 'reopen');
    await submitStatusChange(reopen, language);
    await sPage
      .getByRole('heading', { level: 1 })
      .locator('xpath=..')
      .getByText(msg(language, 'status.open'))
      .waitFor();
    expect(await axeViolations(sPage)).toEqual([]);
    expect(supervisor.csp).toEqual([]);
    // Nothing personal in the address, the title or the browser's storage.
    expect(sPage.url()).not.toContain('Walk');
    expect(await sPage.title()).not.toContain('Walk');
    expect(await sPage.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([
      0, 0,
    ]);
    await supervisor.context.close();
  }

  it('walks the lifecycle in English: open, presumed victim, consent, reflection period, assistance while declining police cooperation, closure requested and approved, reopened; axe 0', async () => {
    await lifecycle('en');
  }, 300_000);

  it('walks the lifecycle in Arabic, right to left; axe 0', async () => {
    await lifecycle('ar');
  }, 300_000);

  it('a conflict: the second browser sees what changed, keeps what was typed, and submits again on the fresh case', async () => {
    const opened = await openCase(api, holder.caseworker, openCaseBody());
    await api.get(holder.caseworker, '/cases', { 'x-min-position': opened.position });
    const path = `/console/cases/${opened.caseId}`;
    const first = await login(holder.caseworker, 'en', path);
    const second = await login(holder.supervisor, 'en', path);
    const firstNote = await command(first.page, 'en', 'record', 'note');
    const secondNote = await command(second.page, 'en', 'record', 'note');
    const field = (form: Locator) =>
      form.getByRole('textbox', { name: msg('en', 'commands.field.personal.text') });
    await field(secondNote).fill('Typed in the second browser');
    await field(firstNote).fill('Recorded first');
    await submit(firstNote, 'en');

    await secondNote.getByRole('button', { name: msg('en', 'casepage.submit') }).click();
    const changed = secondNote.getByTestId('command-changed');
    await changed.getByText(msg('en', 'commands.changed.title')).waitFor();
    // What changed since the revision shown, in words (test/web/case-forms.spec.ts: in Arabic too).
    await changed.getByText(msg('en', 'lists.event.NoteAdded')).waitFor();
    expect(await field(secondNote).inputValue()).toBe('Typed in the second browser');
    expect(await axeViolations(second.page)).toEqual([]);
    await submit(secondNote, 'en'); // on the fresh case: recorded
    expect(await field(secondNote).inputValue()).toBe('');
    await first.context.close();
    await second.context.close();
  }, 180_000);

  it('a rule refusing a command is shown in Arabic, as the API words it', async () => {
    const opened = await openCase(api, holder.caseworker, openCaseBody());
    await api.get(holder.caseworker, '/cases', { 'x-min-position': opened.position });
    const { page, context } = await login(
      holder.caseworker,
      'ar',
      `/console/cases/${opened.caseId}`,
    );
    // A reflection period before any victim status: rule 4 refuses it.
    const reflection = await command(page, 'ar', 'identification', 'reflectionPeriod');
    await reflection.getByRole('button', { name: msg('ar', 'casepage.submit') }).click();
    const refused = reflection.getByTestId('command-refused');
    await refused.waitFor();
    const rule = label('ar', 'rules', 'RULE_4_REFLECTION_PERIOD_NEEDS_VICTIM_STATUS');
    expect(rule).toMatch(/[\u0600-\u06FF]/);
    await refused.getByText(rule).waitFor();
    await refused.getByText(msg('ar', 'commands.refused')).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 120_000);
});
