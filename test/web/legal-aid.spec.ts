/// <reference lib="dom" />
import type { Browser, Locator, Page } from 'playwright-core';
import { IntlMessageFormat } from 'intl-messageformat';
import { addDays, calendarDateIn } from '@remedy/case-domain';
import { OPEN_CASE_BODY } from '../faults/support/real-api';
import { consoleCatalogue } from '../support/web-console';
import { axeViolations, launchBrowser } from '../support/web-browser';
import {
  loggedInAs,
  startRealConsole,
  type ConsoleUser,
  type RealConsole,
} from '../support/web-real-console';
import { screenshot } from '../support/web-screenshots';
import { CasePage } from '../support/web-case-page';

/**
 * Issue 17 item 1: legal aid in the console (apps/web/src/legal-aid) in Chromium against the real
 * API. A lawyer of a legal service with legal-aid access (and the person's consent) files a claim
 * in EUR and one in JPY, records a hearing, an award and payments in EUR and in USD (with the
 * rate); the case's totals stay one row per currency; the deadlines show in the list and in the
 * calendar; axe finds nothing in English and in Arabic on every screen.
 */
type Language = 'en' | 'ar';
const TZ = 'Europe/Vienna';

describe('legal aid in the console (issue 17)', () => {
  let api: RealConsole;
  let browser: Browser;
  let lawyer: ConsoleUser;
  let caseId: string;
  let reference: string;
  const today = calendarDateIn(new Date(), TZ);
  const labels = new Map<string, string>();
  const label = (list: string, code: string) => labels.get(`${list}/${code}`)!;
  const msg = (language: Language, key: string, values?: Record<string, unknown>) => {
    const text = consoleCatalogue(language)[key];
    if (text === undefined) throw new Error(`no message ${key}`);
    return values ? String(new IntlMessageFormat(text, language).format(values)) : text;
  };
  const money = (minor: number, currency: string) => {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency });
    return format.format(minor / 10 ** format.resolvedOptions().maximumFractionDigits!);
  };
  const day = (date: string, dateStyle: 'medium' | 'long' = 'medium') =>
    new Intl.DateTimeFormat('en', { dateStyle, timeZone: 'UTC' }).format(
      new Date(`${date}T00:00:00Z`),
    );

  beforeAll(async () => {
    api = await startRealConsole(
      'web-legal-aid',
      { REMEDY_JURISDICTION_TIMEZONE: TZ },
      { worker: true },
    );
    const admin = await api.user(['admin']);
    const organisation = async (body: object) =>
      (
        await api.send<{ organisationId: string }>(admin, 'POST', '/organisations', {
          country: 'AT',
          ...body,
        })
      ).organisationId;
    const holderId = await organisation({
      name: 'Harbour Shelter',
      type: 'NGO',
      services: ['Accommodation'],
      code: 'HARBOUR',
    });
    const legalId = await organisation({
      name: 'Justice Clinic',
      type: 'LegalService',
      services: ['LegalRepresentation'],
      code: 'JUSTICE',
    });
    const caseworker = await api.user(['caseworker'], holderId);
    lawyer = await api.user(['legal_aid'], legalId);
    const opened = await api.send<{ caseId: string; caseReference: string }>(
      caseworker,
      'POST',
      '/cases',
      { ...OPEN_CASE_BODY, personal: { fullName: 'Lena Claimwalk', birthDate: '1990-04-02' } },
    );
    ({ caseId, caseReference: reference } = opened);
    await api.send(caseworker, 'POST', `/cases/${caseId}/consents`, {
      purpose: 'legal_aid_access',
      receivingOrganisationId: legalId,
      obtainedInLanguage: 'uk',
      interpreterUsed: true,
    });
    const granted = await api.send<{ position: string }>(
      caseworker,
      'POST',
      `/cases/${caseId}/legal-aid-access`,
      { legalAidOrganisationId: legalId },
    );
    await api.project(granted.position);
    const lists = await api.request(lawyer, { method: 'GET', url: '/code-lists?lang=en' });
    for (const list of lists.json().lists as {
      name: string;
      codes: { code: string; label: string }[];
    }[])
      for (const c of list.codes) labels.set(`${list.name}/${c.code}`, c.label);
    browser = await launchBrowser();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** An input's label: the message, with the asterisk of a required field. */
  const labelled = (field: string) =>
    new RegExp(`^${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\*)?$`);

  /** Picks `option` in the Mantine select labelled `field` (again if the list closed under it). */
  const pick = (page: CasePage, form: Locator, field: string, option: string) =>
    page.pickLabelled(form, labelled(field), option);

  /** Types into the input labelled `field` (dates as YYYY-MM-DD) and leaves it. */
  async function type(form: Locator, field: string, value: string) {
    const input = form.getByLabel(labelled(field)).first();
    await input.fill(value);
    await input.press('Tab');
  }

  /** Opens the accordion item `name` (once) and answers the form `testId` in it. */
  async function step(page: Page, scope: Locator | Page, name: string, testId: string) {
    const form = page.getByTestId(`form-${testId}`);
    if (!(await form.isVisible()))
      await scope.getByRole('button', { name, exact: true }).first().click();
    await form.waitFor();
    return form;
  }

  it('files a claim, records an award and payments in two currencies (totals never mixed) and sees the deadlines in the list and the calendar; axe in English and Arabic', async () => {
    const L = (key: string, values?: Record<string, unknown>) => msg('en', key, values);
    const F = (name: string) => L(`legalaid.field.${name}`);
    const session = await loggedInAs(browser, api, lawyer, 'en-GB', '/');
    const { context, page, csp } = session;
    const casePage = new CasePage(session);
    await page
      .getByRole('navigation', { name: L('nav.label') })
      .getByRole('link', { name: L('legalaid.navEntry') })
      .click();
    await page.getByRole('heading', { level: 1, name: L('legalaid.title') }).waitFor();
    await page.getByRole('link', { name: reference }).click();
    await page
      .getByRole('heading', { level: 1, name: L('legalaid.case.title', { reference }) })
      .waitFor();
    expect(await page.title()).not.toContain('Claimwalk');
    expect(page.url()).toBe(`${api.origin}/console/legal-aid/cases/${caseId}`);

    // File a claim in EUR (amounts typed as decimals) with a filing deadline.
    let form = await step(page, page, L('legalaid.step.fileClaim'), 'fileClaim');
    await pick(casePage, form, F('avenue'), label('remedy-avenues', 'LabourOrEmploymentTribunal'));
    await pick(casePage, form, F('respondentKind'), label('claim-respondent-kinds', 'Employer'));
    await pick(casePage, form, F('currency'), label('currencies', 'EUR'));
    await type(form, label('damage-heads', 'UnpaidWages'), '1200.5');
    await type(form, label('damage-heads', 'MoralDamage'), '300');
    await type(form, F('filingDeadline'), addDays(today, 20));
    await form.getByRole('checkbox', { name: F('representMe') }).check();
    expect(await axeViolations(page)).toEqual([]);
    await casePage.submit(form, { button: 'legalaid.submit.fileClaim' });
    const claimHeading = (n: number, avenue: string, status: string) =>
      L('legalaid.claim.heading', {
        number: n,
        avenue: label('remedy-avenues', avenue),
        status: label('claim-statuses', status),
      });
    await page
      .getByRole('button', { name: claimHeading(1, 'LabourOrEmploymentTribunal', 'filed') })
      .click();
    // The claim's panel (its heading names its status, which changes): the one with its details.
    const claim = page
      .getByRole('region')
      .filter({ has: page.getByTestId('claim-EUR') })
      .first();
    await page.getByTestId('claim-EUR').getByText(money(150_050, 'EUR')).waitFor();
    const claimId = (
      (
        await api.request(lawyer, { method: 'GET', url: `/legal-aid/claims?caseId=${caseId}` })
      ).json() as { items: { claimId: string }[] }
    ).items[0]!.claimId;

    // A hearing, then the award with its payment due date.
    form = await step(page, claim, L('legalaid.step.hearing'), `hearing-${claimId}`);
    await type(form, F('hearingOn'), addDays(today, 3));
    await casePage.submit(form, { button: 'legalaid.submit.hearing' });
    form = await step(page, claim, L('legalaid.step.decision'), `decision-${claimId}`);
    await pick(
      casePage,
      form,
      F('decisionOutcome'),
      label('claim-decision-outcomes', 'partly_awarded'),
    );
    await type(form, label('damage-heads', 'UnpaidWages'), '1000');
    await type(form, F('paymentDueOn'), addDays(today, 10));
    await casePage.submit(form, { button: 'legalaid.submit.decision' });

    // Two payments: 400.00 EUR, and 200.00 USD at 0.9 (180.00 EUR in the claim's currency).
    form = await step(page, claim, L('legalaid.step.payment'), `payment-${claimId}`);
    await pick(casePage, form, F('paymentCurrency'), label('currencies', 'EUR'));
    await type(form, F('amount'), '400');
    await casePage.submit(form, { button: 'legalaid.submit.payment' });
    await pick(casePage, form, F('paymentCurrency'), label('currencies', 'USD'));
    await type(form, F('amount'), '200');
    await type(form, F('exchangeRate'), '0.9');
    await casePage.submit(form, { button: 'legalaid.submit.payment' });
    const payments = page.getByTestId('claim-payments');
    await payments.getByRole('cell', { name: money(20_000, 'USD') }).waitFor();
    await payments.getByRole('cell', { name: money(18_000, 'EUR') }).waitFor();

    // A second claim in JPY (no minor digits): its own row of the totals.
    form = await step(page, page, L('legalaid.step.fileClaim'), 'fileClaim');
    await pick(casePage, form, F('avenue'), label('remedy-avenues', 'StateCompensationFund'));
    await pick(casePage, form, F('respondentKind'), label('claim-respondent-kinds', 'StateFund'));
    await pick(casePage, form, F('currency'), label('currencies', 'JPY'));
    await type(form, label('damage-heads', 'MaterialDamage'), '250000');
    await type(form, F('filingDeadline'), addDays(today, 40));
    await casePage.submit(form, { button: 'legalaid.submit.fileClaim' });

    const totals = page.getByTestId('case-totals');
    const row = (currency: string) => totals.locator(`tr[data-currency="${currency}"]`);
    await row('JPY').waitFor();
    const cells = async (currency: string) =>
      (await row(currency).getByRole('cell').allTextContents()).map((s) => s.trim());
    expect(await cells('EUR')).toEqual([
      '1',
      money(150_050, 'EUR'),
      money(100_000, 'EUR'),
      money(58_000, 'EUR'),
      money(42_000, 'EUR'),
    ]);
    expect(await cells('JPY')).toEqual([
      '1',
      money(250_000, 'JPY'),
      money(0, 'JPY'),
      money(0, 'JPY'),
      money(0, 'JPY'),
    ]);
    expect(await totals.locator('tbody tr').count()).toBe(2); // no USD row, nothing mixed
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'legal-aid-claim-en');

    // The overview: portfolio per currency, deadlines as a list and a calendar, outcomes.
    await page.getByRole('link', { name: L('legalaid.back') }).click();
    await page.getByRole('heading', { level: 1, name: L('legalaid.title') }).waitFor();
    const deadlines = [
      [addDays(today, 3), 'hearing'],
      [addDays(today, 10), 'payment_due'],
      [addDays(today, 40), 'filing_deadline'],
    ] as const;
    const list = page.getByTestId('deadline-list');
    await list.getByRole('row').nth(deadlines.length).waitFor();
    expect((await list.locator('tbody tr').all()).length).toBe(deadlines.length);
    for (const [date, kind] of deadlines)
      await list
        .getByRole('row')
        .filter({ hasText: day(date) })
        .filter({ hasText: L(`legalaid.deadline.${kind}`) })
        .filter({ hasText: reference })
        .waitFor();
    const calendar = page.getByTestId('deadline-calendar');
    const month = (date: string) => date.slice(0, 7);
    let shown = month(today);
    for (const [date] of deadlines) {
      while (shown < month(date)) {
        await calendar.getByRole('button', { name: L('legalaid.calendar.nextMonth') }).click();
        shown = addDays(`${shown}-01`, 31).slice(0, 7);
      }
      await calendar
        .getByRole('button', {
          name: L('legalaid.deadlines.dayWith', { date: day(date, 'long'), count: 1 }),
        })
        .waitFor();
    }
    // Choosing a day lists only its deadlines.
    await calendar
      .getByRole('button', {
        name: L('legalaid.deadlines.dayWith', { date: day(deadlines[2][0], 'long'), count: 1 }),
      })
      .click();
    await page.getByText(L('legalaid.deadlines.onDay', { date: day(deadlines[2][0]) })).waitFor();
    expect(await list.locator('tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: L('legalaid.deadlines.allDays') }).click();

    const portfolio = page.getByTestId('portfolio-totals');
    expect(await portfolio.locator('tbody tr').count()).toBe(2);
    await page
      .getByTestId('portfolio-groups')
      .getByRole('row')
      .filter({ hasText: label('remedy-avenues', 'LabourOrEmploymentTribunal') })
      .filter({ hasText: label('claim-statuses', 'decided') })
      .filter({ hasText: money(58_000, 'EUR') })
      .waitFor();
    await page
      .getByTestId('outcomes')
      .getByRole('row')
      .filter({ hasText: label('remedy-avenues', 'LabourOrEmploymentTribunal') })
      .filter({ hasText: today.slice(0, 4) })
      .waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'legal-aid-portfolio-en');
    expect(csp).toEqual([]);
    await context.close();

    // Arabic (right to left): both screens, axe on each.
    const ar = await loggedInAs(browser, api, lawyer, 'ar-EG', '/console/legal-aid');
    const A = (key: string, values?: Record<string, unknown>) => msg('ar', key, values);
    expect(await ar.page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    await ar.page.getByRole('heading', { level: 1, name: A('legalaid.title') }).waitFor();
    await ar.page.getByTestId('deadline-list').waitFor();
    await ar.page.getByTestId('outcomes').waitFor();
    expect(await axeViolations(ar.page)).toEqual([]);
    await screenshot(ar.page, 'legal-aid-portfolio-ar');
    await ar.page.getByRole('link', { name: reference }).first().click();
    await ar.page
      .getByRole('heading', { level: 1, name: A('legalaid.case.title', { reference }) })
      .waitFor();
    await ar.page.getByTestId('case-totals').waitFor();
    await ar.page.getByRole('button', { name: A('legalaid.step.fileClaim') }).click();
    await ar.page.getByTestId('form-fileClaim').waitFor();
    expect(await axeViolations(ar.page)).toEqual([]);
    await screenshot(ar.page, 'legal-aid-claim-ar');
    expect(ar.csp).toEqual([]);
    await ar.context.close();
  }, 600_000);
});
