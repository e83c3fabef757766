/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { OPEN_CASE_BODY } from '../faults/support/real-api';
import { consoleCatalogue } from '../support/web-console';
import { axeViolations, launchBrowser, watchCspViolations } from '../support/web-browser';
import { startRealConsole, type ConsoleUser, type RealConsole } from '../support/web-real-console';
import { screenshot } from '../support/web-screenshots';
import { StandInProvider } from '../support/web-login';

/**
 * Issue 16: the supervision and administration screens (apps/web/src/supervisor, admin) and the
 * account's language, in Chromium against the real API (every route, the accounts of the
 * embedded provider) serving the built console. The login is the stand-in provider's (the real
 * one: test/web/login.spec.ts); it hands out local-issuer tokens of the users named here.
 */
const t = consoleCatalogue;

/** `read()` until it answers `expected` (a change the page sent, answered in its own time). */
async function eventually<T>(read: () => Promise<T>, expected: T): Promise<void> {
  let last: T | undefined;
  for (let i = 0; i < 100; i += 1) {
    last = await read();
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(last).toBe(expected);
}
const PERSON = 'Nadia Adminwalk';
const KEYBOARD_PERSON = 'Karim Keyboardwalk';

describe('supervision and administration in the console', () => {
  let api: RealConsole;
  let browser: Browser;
  let platformAdmin: ConsoleUser;
  let organisationId: string;
  let supervisor: ConsoleUser;
  let caseworker: ConsoleUser;
  let caseId: string;
  let reference: string;

  beforeAll(async () => {
    api = await startRealConsole('web-admin', {}, { worker: true });
    platformAdmin = await api.user(['admin']);
    ({ organisationId } = await api.send<{ organisationId: string }>(
      platformAdmin,
      'POST',
      '/organisations',
      {
        name: 'Haven Shelter',
        type: 'NGO',
        services: ['Accommodation'],
        country: 'AT',
        code: 'HAVEN',
      },
    ));
    caseworker = await api.user(['caseworker'], organisationId);
    supervisor = await api.user(['supervisor'], organisationId);
    const opened = await api.send<{ caseId: string; caseReference: string; position: string }>(
      caseworker,
      'POST',
      '/cases',
      { ...OPEN_CASE_BODY, personal: { fullName: PERSON, birthDate: '1991-05-06' } },
    );
    ({ caseId, caseReference: reference } = opened);
    // A read of the case: a row of its access history.
    await api.request(caseworker, { method: 'GET', url: `/cases/${caseId}` });
    await api.project(opened.position);
    browser = await launchBrowser();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** A browser context logged in (stand-in provider) as `user`, on `path`. */
  async function loggedIn(
    user: ConsoleUser,
    locale: string,
    path: string,
  ): Promise<{ context: BrowserContext; page: Page; csp: string[] }> {
    const context = await browser.newContext({ locale, acceptDownloads: true });
    await new StandInProvider(api.origin, user, async () => user.token).install(context);
    const page = await context.newPage();
    const csp = watchCspViolations(page);
    await page.goto(`${api.origin}${path}`);
    const language = locale.split('-')[0]!;
    await page.getByRole('button', { name: t(language)['login.button'] }).click();
    await page.waitForURL(`${api.origin}${path}`);
    return { context, page, csp };
  }

  /** Nothing of the session in browser storage, nothing personal in the address or title. */
  async function expectNothingStored(page: Page, ...secrets: string[]) {
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);
    for (const secret of secrets) {
      expect(page.url()).not.toContain(secret);
      expect(await page.title()).not.toContain(secret);
    }
  }

  it('a supervisor: HTCDS export and retention schedule, a case access history and the access-request export; axe in English and Arabic', async () => {
    const en = t('en');
    const { context, page, csp } = await loggedIn(supervisor, 'en-GB', '/console/supervision');
    await page.getByRole('heading', { level: 1, name: en['supervisor.title'] }).waitFor();
    await page
      .getByRole('navigation', { name: en['nav.label'] })
      .getByRole('link', { name: en['supervisor.navEntry'] })
      .waitFor();
    await page
      .getByRole('link', { name: en['supervisor.cases.open']!.replace('{reference}', reference) })
      .waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'supervision-en');

    // HTCDS: a CSV download, nothing kept by the console.
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: en['supervisor.htcds.download'] }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/^htcds-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(readFileSync((await csv.path())!, 'utf8')).toContain(reference);

    // Retention: erase 7 years after closure (If-Match of the schedule read).
    await page.getByRole('switch', { name: en['supervisor.retention.erase'] }).check();
    await page.getByRole('textbox', { name: en['supervisor.retention.years'] }).fill('7');
    await page.getByRole('button', { name: en['supervisor.retention.save'] }).click();
    await page
      .getByText(en['supervisor.retention.current']!.replace(/\{count.*\}\}/, '7 years'))
      .waitFor();
    const schedule = await api.request(supervisor, {
      method: 'GET',
      url: `/organisations/${organisationId}/retention`,
    });
    expect(schedule.json()).toMatchObject({ erasePersonalDataYearsAfterClosure: 7 });

    // The case: its access history and the person's access-request export.
    await page
      .getByRole('link', { name: en['supervisor.cases.open']!.replace('{reference}', reference) })
      .click();
    await page.waitForURL(`${api.origin}/console/supervision/cases/${caseId}`);
    await page
      .getByRole('heading', {
        level: 1,
        name: en['supervisor.case.title']!.replace('{reference}', reference),
      })
      .waitFor();
    await page.getByText(`GET /cases/:caseId`).first().waitFor();
    await page.getByText(caseworker.userId).first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'access-history-en');
    const [exported] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: en['supervisor.accessRequest.download'] }).click(),
    ]);
    expect(exported.suggestedFilename()).toBe(`access-request-${reference}.json`);
    const body = JSON.parse(readFileSync((await exported.path())!, 'utf8')) as { caseId: string };
    expect(body.caseId).toBe(caseId);
    expect(JSON.stringify(body)).toContain(PERSON); // decrypted for the supervisor

    // Arabic: right to left; axe again on both screens.
    await page.getByLabel(en['header.language']!).selectOption('ar');
    const ar = t('ar');
    await page
      .getByRole('heading', {
        level: 1,
        name: ar['supervisor.case.title']!.replace('{reference}', reference),
      })
      .waitFor();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('link', { name: ar['supervisor.case.back'] }).click();
    await page.getByRole('heading', { level: 1, name: ar['supervisor.title'] }).waitFor();
    await page
      .getByText(ar['supervisor.retention.current']!.replace(/\{count.*\}\}/, '7').slice(0, 12))
      .waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'supervision-ar');
    await expectNothingStored(page, PERSON.split(' ')[0]!);
    expect(csp).toEqual([]);
    await context.close();
  }, 240_000);

  it("an organisation administrator: the account's language, users (created with a one-time link shown once, roles, deactivated and reactivated, a reset link), the login policy; axe in Arabic and English", async () => {
    // The administrator's own account (embedded provider) keeps Arabic as its language.
    const created = await api.send<{ userId: string }>(
      platformAdmin,
      'POST',
      `/organisations/${organisationId}/users`,
      { loginName: 'amal.admin', displayName: 'Amal Admin', roles: ['org_admin'], language: 'ar' },
    );
    const orgAdmin = await api.user(['org_admin'], organisationId, created.userId);
    const ar = t('ar');
    const en = t('en');
    // The browser asks for English: the login page speaks English, then the account's Arabic.
    const context = await browser.newContext({ locale: 'en-GB' });
    await new StandInProvider(api.origin, orgAdmin, async () => orgAdmin.token).install(context);
    const page = await context.newPage();
    const csp = watchCspViolations(page);
    await page.goto(`${api.origin}/console/admin`);
    await page.getByRole('button', { name: en['login.button'] }).click();
    await page.getByRole('heading', { level: 2, name: ar['admin.users.list'] }).waitFor();
    expect(
      await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]),
    ).toEqual(['ar', 'rtl']);
    await page.getByRole('cell', { name: 'amal.admin' }).waitFor();
    await page.getByRole('heading', { level: 2, name: ar['admin.policy.title'] }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'users-ar');

    // A new user: the setup link once, with a copy button; gone when the modal closes.
    await page.getByRole('button', { name: ar['admin.users.create'] }).click();
    const dialog = page.getByRole('dialog', { name: ar['admin.users.create'] });
    await dialog
      .getByRole('textbox', { name: ar['admin.users.field.displayName'] })
      .fill('Omar Newcomer');
    await dialog.getByRole('textbox', { name: ar['admin.users.field.loginName'] }).fill('omar.new');
    await dialog.getByRole('checkbox', { name: ar['role.supervisor'] }).check();
    expect(await dialog.getByRole('checkbox', { name: ar['role.admin'] }).count()).toBe(0); // never granted by an organisation administrator
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: ar['admin.users.createSubmit'] }).click();
    const linkDialog = page.getByRole('dialog', { name: ar['admin.users.setupLink'] });
    const setupLink = await linkDialog.getByRole('textbox').inputValue();
    expect(setupLink).toMatch(new RegExp(`^${api.origin}/oidc/setup#`));
    await linkDialog.getByRole('button', { name: ar['admin.link.copy'] }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await linkDialog.getByRole('button', { name: ar['admin.link.done'] }).click();
    await linkDialog.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(setupLink.split('#')[1]!);
    await expectNothingStored(page, 'Omar', setupLink.split('#')[1]!);

    // The user: roles (If-Match), deactivation and reactivation confirmed in a modal.
    await page.getByRole('link', { name: 'Omar Newcomer' }).click();
    await page
      .getByRole('heading', {
        level: 1,
        name: ar['admin.user.titleOf']!.replace('{name}', 'Omar Newcomer'),
      })
      .waitFor();
    expect(page.url()).toMatch(/\/console\/admin\/users\/[0-9a-f-]{36}$/);
    await page.getByRole('checkbox', { name: ar['role.legal_aid'] }).check();
    await page.getByRole('button', { name: ar['admin.user.saveRoles'] }).click();
    await page.getByRole('button', { name: ar['admin.user.deactivate'] }).click();
    const confirm = page.getByRole('dialog', { name: ar['admin.user.deactivate'] });
    expect(await axeViolations(page)).toEqual([]);
    await confirm.getByRole('button', { name: ar['admin.user.deactivate'] }).click();
    await confirm.waitFor({ state: 'detached' });
    const account = page.getByRole('region', { name: ar['admin.user.actions'] });
    await account.getByRole('button', { name: ar['admin.user.reactivate'] }).waitFor();
    await page.getByText(ar['admin.state.deactivated']!).waitFor();
    const userId = page.url().split('/').at(-1)!;
    const deactivated = (
      await api.request(platformAdmin, { method: 'GET', url: `/users/${userId}` })
    ).json();
    expect(deactivated).toMatchObject({ active: false });
    expect([...deactivated.roles].sort()).toEqual(['caseworker', 'legal_aid', 'supervisor']);
    await account.getByRole('button', { name: ar['admin.user.reactivate'] }).click();
    await page
      .getByRole('dialog', { name: ar['admin.user.reactivate'] })
      .getByRole('button', { name: ar['admin.user.reactivate'] })
      .click();
    await account.getByRole('button', { name: ar['admin.user.deactivate'] }).waitFor();
    // A password-reset link, shown once.
    await page.getByRole('button', { name: ar['admin.user.resetLink'] }).click();
    const reset = page.getByRole('dialog', { name: ar['admin.user.resetLinkTitle'] });
    expect(await reset.getByRole('textbox').inputValue()).toMatch(/\/oidc\/setup#/);
    await reset.getByRole('button', { name: ar['admin.link.done'] }).click();
    await screenshot(page, 'user-ar');

    // English, chosen here: stored on the account (PUT /session/language), never in the browser.
    await page.getByLabel(ar['header.language']!).selectOption('en');
    await page
      .getByRole('heading', {
        level: 1,
        name: en['admin.user.titleOf']!.replace('{name}', 'Omar Newcomer'),
      })
      .waitFor();
    await eventually(
      async () =>
        (
          await api.request(platformAdmin, { method: 'GET', url: `/users/${orgAdmin.userId}` })
        ).json().language,
      'en',
    );
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'user-en');

    // The login policy: a second factor required (If-Match of the policy read).
    await page.getByRole('link', { name: en['admin.user.back'] }).click();
    await page.getByRole('switch', { name: en['admin.policy.requireSecondFactor'] }).check();
    await page.getByRole('button', { name: en['admin.save'] }).click();
    await eventually(
      async () =>
        (
          await api.request(platformAdmin, {
            method: 'GET',
            url: `/organisations/${organisationId}/login-policy`,
          })
        ).json().requireSecondFactor,
      true,
    );
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'users-en');
    expect(csp).toEqual([]);
    await context.close();
  }, 240_000);

  it('a platform administrator: the organisation directory with code-list labels, and registers an organisation; axe in English', async () => {
    const en = t('en');
    const { context, page } = await loggedIn(
      platformAdmin,
      'en-GB',
      '/console/admin/organisations',
    );
    await page.getByRole('heading', { level: 1, name: en['admin.orgs.title'] }).waitFor();
    await page.getByRole('cell', { name: 'Austria' }).first().waitFor(); // countries code list
    await page.getByRole('button', { name: en['admin.orgs.register'] }).click();
    const dialog = page.getByRole('dialog', { name: en['admin.orgs.register'] });
    await dialog.getByRole('textbox', { name: en['admin.orgs.col.name'] }).fill('Harbour Legal');
    await dialog.getByRole('textbox', { name: en['admin.orgs.col.code'] }).fill('HARB');
    await dialog.getByRole('combobox', { name: en['admin.orgs.col.country'] }).fill('Fran');
    await page.getByRole('option', { name: 'France' }).click();
    expect(await axeViolations(page)).toEqual([]);
    const [registered] = await Promise.all([
      page.waitForResponse(
        (r) => r.url() === `${api.origin}/organisations` && r.request().method() === 'POST',
      ),
      dialog.getByRole('button', { name: en['admin.orgs.registerSubmit'] }).click(),
    ]);
    // The worker's directory up to the registration.
    await api.project(((await registered.json()) as { position: string }).position);
    // The directory is a projection: here it was brought up to the registration after the
    // console's read (X-Min-Position) may have given up; a new visit reads it afresh.
    await page.goto(`${api.origin}/console/admin/organisations`);
    await page.getByRole('button', { name: en['login.button'] }).click();
    await page
      .getByRole('link', { name: 'Harbour Legal' })
      .waitFor()
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await dialog.textContent().catch(() => '')}`);
      });
    await page.getByRole('cell', { name: 'France' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'organisations-en');
    await context.close();
  }, 180_000);

  /** Tab (forwards) until the focused element's text or label is `name`; no mouse. */
  async function tabTo(page: Page, name: string): Promise<void> {
    for (let i = 0; i < 80; i += 1) {
      await page.keyboard.press('Tab');
      // A press may land while the previous Enter's navigation (the login round trip) ends:
      // then the page is read again once it has loaded, and the press counts as not found.
      const focused = await page
        .evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el) return '';
          const labelled = el.getAttribute('aria-labelledby');
          const byId = labelled ? document.getElementById(labelled)?.textContent : undefined;
          const label = (el as HTMLInputElement).labels?.[0]?.textContent;
          return (el.getAttribute('aria-label') ?? byId ?? label ?? el.textContent ?? '').trim();
        })
        .catch(async (error: Error) => {
          if (!/Execution context was destroyed/.test(error.message)) throw error;
          await page.waitForLoadState('load');
          return '';
        });
      if (focused === name || focused.replace(/\s*\*$/, '') === name) return;
    }
    throw new Error(`no focusable element named ${name} within 80 Tab presses`);
  }

  it('the keyboard alone (Tab, arrows, Enter, Space): log in, open a case, record a note on it, the case list, a case, supervision and its retention schedule', async () => {
    const en = t('en');
    const context = await browser.newContext({ locale: 'en-GB' });
    await new StandInProvider(api.origin, supervisor, async () => supervisor.token).install(
      context,
    );
    const page = await context.newPage();
    await page.goto(`${api.origin}/`);
    await tabTo(page, en['login.button']!);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: en['home.title'] }).waitFor();

    // Open a case: searchable selects by typing, Arrow Down and Enter; Enter sends the form.
    await tabTo(page, en['casepage.openCase']!);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: en['casepage.openCase'] }).waitFor();
    for (const [field, typed] of [
      ['commands.field.referralSource', 'Hotline'],
      ['commands.field.profile.sexGender', 'Female'],
      ['commands.field.profile.citizenships', 'Syria'],
    ] as const) {
      await tabTo(page, en[field]!);
      await page.keyboard.type(typed);
      await page.getByRole('listbox', { name: en[field] }).waitFor();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
    }
    await page.keyboard.press('Escape'); // the multi-select's list
    await tabTo(page, en['commands.field.personal.fullName']!);
    await page.keyboard.type(KEYBOARD_PERSON);
    await tabTo(page, en['casepage.submit.openCase']!);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/cases\/[0-9a-f-]{36}$/);
    await page.getByText(KEYBOARD_PERSON).waitFor();

    // Record a command on it: the tabs by arrow keys, the accordion entry by Enter.
    await tabTo(page, en['casepage.group.identification']!);
    for (let i = 0; i < 10; i++) {
      const focused = await page.evaluate(() => document.activeElement?.textContent);
      if (focused === en['casepage.group.record']) break;
      await page.keyboard.press('ArrowRight');
    }
    await tabTo(page, en['casepage.cmd.note']!);
    await page.keyboard.press('Enter');
    await tabTo(page, en['commands.field.personal.text']!);
    await page.keyboard.type('Recorded by keyboard');
    await tabTo(page, en['casepage.submit']!);
    await page.keyboard.press('Enter');
    await page.getByTestId('form-note').getByText(en['commands.done']!).waitFor();

    await tabTo(page, en['nav.cases']!);
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: reference }).waitFor();
    await tabTo(page, reference);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${api.origin}/console/cases/${caseId}`);
    await page.getByText(PERSON).waitFor();
    await screenshot(page, 'case-en');
    await tabTo(page, en['supervisor.navEntry']!);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: en['supervisor.title'] }).waitFor();
    // The retention schedule: Space turns the switch, digits in the field, Enter sends the form.
    const erase = page.getByRole('switch', { name: en['supervisor.retention.erase'] });
    await tabTo(page, en['supervisor.retention.erase']!);
    if (await erase.isChecked()) {
      await page.keyboard.press('Space'); // off (the field is disabled)…
      expect(await erase.isChecked()).toBe(false);
    }
    await page.keyboard.press('Space'); // …and on
    expect(await erase.isChecked()).toBe(true);
    await tabTo(page, en['supervisor.retention.years']!);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('12');
    await page.keyboard.press('Enter');
    await page
      .getByText(en['supervisor.retention.current']!.replace(/\{count.*\}\}/, '12 years'))
      .waitFor();
    // Into a case's access history and back, by keyboard.
    await tabTo(page, en['supervisor.cases.open']!.replace('{reference}', reference));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: en['supervisor.history.title'] }).waitFor();
    await context.close();
  }, 300_000);

  it('a caseworker has no administration or supervision entry, and the API refuses the screens (shown as such)', async () => {
    const en = t('en');
    const { context, page } = await loggedIn(caseworker, 'en-GB', '/console/admin');
    await page.getByText(en['admin.error.forbidden']!).waitFor();
    const nav = page.getByRole('navigation', { name: en['nav.label'] });
    await nav.getByRole('link', { name: en['nav.cases'] }).waitFor();
    expect(await nav.getByRole('link', { name: en['admin.navEntry'] }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: en['supervisor.navEntry'] }).count()).toBe(0);
    await context.close();
  }, 120_000);
});
