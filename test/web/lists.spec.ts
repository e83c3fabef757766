/// <reference lib="dom" />
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import type { Browser, Locator, Page } from 'playwright-core';
import { ConsoleConfigController } from '../../apps/api/src/console/console-config.controller';
import { serveConsole } from '../../apps/api/src/console/serve-console';
import { SessionController } from '../../apps/api/src/session/session.controller';
import { CASE_CIPHER, CaseCommandsModule } from '@remedy/case-commands';
import { CaseReadModelsModule } from '@remedy/case-read-models';
import { CaseRemindersModule } from '@remedy/case-reminders';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { createApiApp, type ApiApp, type TestUser } from '../support/api-app';
import { builtConsole, consoleCatalogue } from '../support/web-console';
import { axeViolations, launchBrowser } from '../support/web-browser';
import { freePort } from '../support/web-login';
import { logIn, type Language } from '../support/web-session';
import {
  openCase,
  openCaseBody,
  organisationWithStaff,
  type OrganisationWithStaff,
} from '../cases/commands/support';
import { EVENT_TYPES } from '../../apps/web/src/lists/event-types';
import { CURRENT_SCHEMA_VERSIONS } from '@remedy/case-domain';

/**
 * The console's lists (apps/web/src/lists, screens/case-list.tsx) in Chromium against the real
 * API: the case list (filters, keyset pages, next deadline), find a person, due reminders, the
 * referrals inbox (organisation B accepts organisation A's referral in a second browser context;
 * after A records the person's withdrawal of consent, B's next page shows the case gone), the
 * timeline and the case as of a date; axe on each screen in English and Arabic.
 */

const en = consoleCatalogue('en');
const ar = consoleCatalogue('ar');
const catalogueOf = (language: Language) => (language === 'en' ? en : ar);
/** A message without ICU arguments, or with `{name}` arguments filled in. */
const msg = (language: Language, key: string, values: Record<string, string> = {}) =>
  Object.entries(values).reduce(
    (text, [name, value]) => text.replace(`{${name}}`, value),
    catalogueOf(language)[key]!,
  );

const ADULT_NAME = 'Layla Listperson';
const ADULT_BIRTH = '1991-07-14';
const EXTRA_CASES = 26; // more than one page of the case list (25)

describe('the console lists (issue 16: LISTS)', () => {
  let api: ApiApp;
  let browser: Browser;
  let origin: string;
  let holder: OrganisationWithStaff; // organisation A
  let receiver: OrganisationWithStaff; // organisation B
  let adult: { caseId: string; caseReference: string; position: string };
  let withdrawn: { caseId: string; caseReference: string };
  let adultReferralId: string;
  let withdrawnReferralId: string;

  @Module({ controllers: [ConsoleConfigController, SessionController] })
  class ConsoleConfigModule {}

  const command = async (user: TestUser, url: string, body: Record<string, unknown>) => {
    const res = await api.post(user, url, body);
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json() as {
      caseId: string;
      revision: number;
      position: string;
      referralId?: string;
    };
  };

  const consentAndRefer = async (caseId: string, service = 'Accommodation') => {
    await command(holder.caseworker, `/cases/${caseId}/consents`, {
      purpose: 'referral',
      receivingOrganisationId: receiver.organisationId,
      obtainedInLanguage: 'ar',
      interpreterUsed: false,
    });
    const referred = await command(holder.caseworker, `/cases/${caseId}/referrals`, {
      toOrganisationId: receiver.organisationId,
      service,
    });
    return referred;
  };

  /** Until the read side has reached `position` (read your writes answers 503 until then). */
  const caughtUp = async (position: string) => {
    for (let i = 0; i < 30; i++) {
      const res = await api.get(holder.caseworker, '/cases?limit=1', {
        'x-min-position': position,
      });
      if (res.statusCode === 200) return;
      expect(res.statusCode).toBe(503);
    }
    throw new Error(`the read side did not reach ${position}`);
  };

  beforeAll(async () => {
    const consoleDir = await builtConsole();
    const port = await freePort();
    origin = `http://localhost:${port}`;
    api = await createApiApp({
      modules: [
        CaseCommandsModule,
        CaseReadModelsModule.forRoot({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
        CaseRemindersModule.forApi(),
        ConsoleConfigModule,
      ],
      projections: ALL_PROJECTIONS,
      env: { PUBLIC_URL: origin, REMEDY_JURISDICTION_TIMEZONE: 'Europe/Vienna' },
      beforeInit: (app) =>
        serveConsole(app, { directory: consoleDir, issuer: `${origin}/oidc`, publicUrl: origin }),
    });
    await api.app.listen({ port, host: '127.0.0.1' });
    const admin = await api.user(['admin']);
    holder = await organisationWithStaff(api, admin, { name: 'Safe Harbour A' });
    receiver = await organisationWithStaff(api, admin, { name: 'Shelter Network B' });

    adult = await openCase(
      api,
      holder.caseworker,
      openCaseBody({ personal: { fullName: ADULT_NAME, birthDate: ADULT_BIRTH } }),
    );
    await command(holder.caseworker, `/cases/${adult.caseId}/victim-status`, {
      status: 'PossibleVictimOfTrafficking',
      decidingBody: 'NGO',
      decidedOn: new Date().toISOString().slice(0, 10),
      formsOfExploitation: ['ForcedLabour'],
      sectors: ['F_Construction'],
      countriesOfRecruitment: ['UA'],
      countriesOfTransit: ['PL'],
      countriesOfExploitation: ['AT'],
      meansOfControl: ['DebtBondage'],
    });
    await command(holder.caseworker, `/cases/${adult.caseId}/reflection-period`, {});
    adultReferralId = (await consentAndRefer(adult.caseId)).referralId!;
    withdrawn = await openCase(api, holder.caseworker, openCaseBody());
    withdrawnReferralId = (await consentAndRefer(withdrawn.caseId, 'Psychological')).referralId!;
    let last = '';
    for (let i = 0; i < EXTRA_CASES; i++)
      last = (
        await openCase(
          api,
          holder.caseworker,
          openCaseBody({ personal: { fullName: `Extra Person ${i}`, birthDate: '1985-01-01' } }),
        )
      ).position;
    // A reminder fallen due (as the reminder processor records it).
    await api.pool.query(
      `INSERT INTO due_reminders (reminder_id, case_id, organisation_id, kind, due_on) VALUES ($1, $2, $3, 'reflection_period_ending', '2026-12-01')`,
      [
        `reflection_period_ending-${adult.caseId}-case-2026-12-01`,
        adult.caseId,
        holder.organisationId,
      ],
    );
    // The read side has every case before the browser asks.
    await caughtUp(last);
    browser = await launchBrowser();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** A browser context logged in as `user`, in `language`, on `path`. */
  const login = (user: TestUser, language: Language, path: string) =>
    logIn(browser, origin, user, language, path);

  const nav = (page: Page, language: Language, key: string) =>
    page
      .getByRole('navigation', { name: msg(language, 'nav.label') })
      .getByRole('link', { name: msg(language, key), exact: true })
      .click();

  const h1 = (page: Page, text: string) => page.getByRole('heading', { level: 1, name: text });

  /** Switches the interface language with the header's select. */
  async function switchTo(page: Page, from: Language, to: Language) {
    await page.getByLabel(msg(from, 'header.language')).selectOption(to);
    await page.waitForFunction((lang) => document.documentElement.lang === lang, to);
  }

  /** Waits until the case list shows `n` rows (a page's answer replaced the previous one). */
  const listRows = (page: Page, n: number) =>
    page.waitForFunction(
      (count) => document.querySelectorAll('[data-testid="case-list"] tbody tr').length === count,
      n,
    );

  const row = (table: Locator, text: string) => table.getByRole('row').filter({ hasText: text });

  it('labels every event type of the domain in six languages', () => {
    expect([...EVENT_TYPES].sort()).toEqual(Object.keys(CURRENT_SCHEMA_VERSIONS).sort());
    const dir = join(__dirname, '../../apps/web/src/locales');
    for (const language of readdirSync(dir)) {
      const lists = JSON.parse(readFileSync(join(dir, language, 'lists.json'), 'utf8'));
      expect(EVENT_TYPES.filter((type) => !lists[`lists.event.${type}`])).toEqual([]);
    }
  });

  it('the case list: filters, sorts, keyset pages and the next deadline; find a person; due reminders marked done; the timeline and the case as of a date; axe 0 in English and Arabic', async () => {
    const { context, page, csp } = await login(holder.caseworker, 'en', '/console/cases');
    const list = page.getByTestId('case-list');
    await h1(page, en['cases.title']!).waitFor();
    await list.waitFor();
    // Keyset pages: 28 cases, 25 on the first page, the rest on the next.
    expect(await list.locator('tbody tr').count()).toBe(25);
    await page.getByRole('button', { name: en['cases.next'] }).click();
    await page.getByText('Page 2', { exact: false }).waitFor();
    await listRows(page, EXTRA_CASES + 2 - 25);
    await page.getByRole('button', { name: en['cases.first'] }).click();
    await page.getByText('Page 1', { exact: false }).waitFor();
    await listRows(page, 25);
    // Sorted by the next deadline: the case with a reflection period (and a referral) first.
    await page.getByLabel(en['cases.sort']!).selectOption('next_deadline');
    await page.waitForFunction(
      (reference) =>
        document.querySelector('[data-testid="case-list"] tbody tr th')?.textContent === reference,
      adult.caseReference,
    );
    const deadlineCell = row(list, adult.caseReference).locator('td').nth(4);
    expect(await deadlineCell.textContent()).not.toBe(en['common.none']);
    // Filtered: only cases with open referrals (two of them).
    await page.getByLabel(en['cases.filter.openReferrals']!).check();
    await listRows(page, 2);
    await page.getByLabel(en['cases.filter.status']!).selectOption('closed');
    await page.getByText(en['cases.empty']!).waitFor();
    await page.getByLabel(en['cases.filter.status']!).selectOption('');
    await list.waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // Find a person: name and birth date in the body only; the answer names the case reference.
    await nav(page, 'en', 'lists.nav.search');
    await h1(page, en['lists.search.title']!).waitFor();
    await page.getByLabel(en['lists.search.fullName']!).fill('layla LISTPERSON');
    await page.getByLabel(en['lists.search.birthDate']!).fill(ADULT_BIRTH);
    await page.getByLabel(en['lists.search.birthDate']!).press('Escape');
    await page.getByRole('button', { name: en['lists.search.submit'] }).click();
    await page.getByRole('link', { name: adult.caseReference }).waitFor();
    expect(page.url()).toBe(`${origin}/console/search`);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel(en['lists.search.fullName']!).fill('Nobody Known');
    await page.getByRole('button', { name: en['lists.search.submit'] }).click();
    await page.getByText(en['lists.search.none']!).waitFor();

    // Due reminders: the reflection period's, named by case reference; marked done, it goes.
    await nav(page, 'en', 'lists.nav.reminders');
    await h1(page, en['lists.reminders.title']!).waitFor();
    const reminders = page.getByTestId('reminders');
    const reminder = row(reminders, en['lists.reminder.reflection_period_ending']!);
    await reminder.getByRole('link', { name: adult.caseReference }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await reminder.getByRole('button', { name: en['lists.reminders.markDone'] }).click();
    await page.getByText(en['lists.reminders.none']!).waitFor();
    await page.getByLabel(en['lists.reminders.includeDone']!).check();
    await reminder.getByText(/^Done on /).waitFor();
    const done = await api.get(holder.caseworker, '/reminders/due?includeDone=true');
    expect(done.json().items[0]).toMatchObject({ doneBy: holder.caseworker.userId });

    // The timeline: event types by their labels, occurred and recorded; the case as of a date.
    await reminder.getByRole('link', { name: adult.caseReference }).click();
    const timeline = page.getByTestId('timeline');
    for (const type of [
      'CaseOpened',
      'VictimIdentified',
      'ReflectionPeriodGranted',
      'ConsentGiven',
      'CaseReferred',
    ])
      await row(timeline, en[`lists.event.${type}`]!).first().waitFor();
    expect(await timeline.getByRole('columnheader').allTextContents()).toEqual([
      en['lists.timeline.event'],
      en['lists.timeline.occurred'],
      en['lists.timeline.recorded'],
    ]);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const asOfDate = page.getByRole('textbox', { name: en['lists.asOf.date'] });
    await asOfDate.fill(yesterday);
    await asOfDate.press('Escape');
    await page.getByRole('button', { name: en['lists.asOf.show'] }).click();
    await page.getByText(/^Nothing had been recorded about this case by the end of /).waitFor();
    const today = new Date().toISOString().slice(0, 10);
    await asOfDate.fill(today);
    await asOfDate.press('Escape');
    await page.getByRole('button', { name: en['lists.asOf.show'] }).click();
    const asOf = page.getByTestId('as-of');
    await row(asOf, en['lists.asOf.events']!).getByText('5', { exact: true }).waitFor();
    await row(asOf, en['lists.asOf.referrals']!).getByText('Shelter Network B').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // Arabic: the same screens, right to left, axe 0.
    await switchTo(page, 'en', 'ar');
    await row(timeline, ar['lists.event.CaseReferred']!).first().waitFor();
    await row(asOf, ar['lists.asOf.events']!).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    for (const [key, title] of [
      ['lists.nav.search', 'lists.search.title'],
      ['lists.nav.reminders', 'lists.reminders.title'],
      ['lists.nav.referrals', 'lists.referrals.title'],
      ['nav.cases', 'cases.title'],
    ] as const) {
      await nav(page, 'ar', key);
      await h1(page, ar[title]!).waitFor();
      await page
        .getByRole('progressbar')
        .waitFor({ state: 'detached' })
        .catch(() => undefined);
      await page.waitForLoadState('networkidle');
      expect([key, await axeViolations(page)]).toEqual([key, []]);
    }
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);
    expect(page.url()).not.toContain('Layla');
    expect(csp).toEqual([]);
    await context.close();
  }, 240_000);

  it("the referrals inbox: organisation B's caseworker accepts A's referral in a second browser context (A sees it accepted); after A records the withdrawal of consent, B's next page shows the case gone; axe 0 in English and Arabic", async () => {
    const b = await login(receiver.caseworker, 'ar', '/console/referrals');
    await h1(b.page, ar['lists.referrals.title']!).waitFor();
    const incoming = b.page.getByTestId('referrals-in');
    const accommodation = incoming.locator(`[data-referral="${adultReferralId}"]`);
    await accommodation.getByText('Safe Harbour A').waitFor();
    // The case is named by its reference while it is shared (B reads it by the referral).
    await accommodation.getByRole('link', { name: adult.caseReference }).waitFor();
    await accommodation.getByText(ar['lists.referrals.status.pending']!).waitFor();
    expect(await axeViolations(b.page)).toEqual([]);
    await switchTo(b.page, 'ar', 'en');
    await accommodation.getByText(en['lists.referrals.status.pending']!).waitFor();
    expect(await axeViolations(b.page)).toEqual([]);

    // Accept: sent with If-Match and an Idempotency-Key by the command layer.
    const sent = b.page.waitForRequest(
      (r) => r.method() === 'POST' && r.url().endsWith(`/referrals/${adultReferralId}/accept`),
    );
    await accommodation.getByRole('button', { name: /^Accept/ }).click();
    const request = await sent;
    expect(request.headers()['if-match']).toMatch(/^"\d+"$/);
    expect(request.headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    await accommodation.getByText(en['lists.referrals.status.accepted']!).waitFor();
    await accommodation.getByRole('button', { name: /^Accept/ }).waitFor({ state: 'detached' });

    // A (its own browser context) sees the referral accepted in the outgoing tab.
    const a = await login(holder.caseworker, 'en', '/console/referrals');
    await a.page.getByRole('tab', { name: en['lists.referrals.outgoing'] }).click();
    const outgoing = a.page.getByTestId('referrals-out');
    const sentOut = outgoing.locator(`[data-referral="${adultReferralId}"]`);
    await sentOut.getByText(en['lists.referrals.status.accepted']!).waitFor();
    await sentOut.getByText('Shelter Network B').waitFor();
    await sentOut.getByRole('link', { name: adult.caseReference }).waitFor();
    expect(await axeViolations(a.page)).toEqual([]);
    await switchTo(a.page, 'en', 'ar');
    await sentOut.getByText(ar['lists.referrals.status.accepted']!).waitFor();
    expect(await axeViolations(a.page)).toEqual([]);
    await a.context.close();

    // B opens the other shared case; then A records that the person withdrew the consent.
    const psychological = incoming.locator(`[data-referral="${withdrawnReferralId}"]`);
    await psychological.getByRole('link', { name: withdrawn.caseReference }).click();
    await b.page.waitForURL(`${origin}/console/cases/${withdrawn.caseId}`);
    await row(b.page.getByTestId('timeline'), en['lists.event.CaseReferred']!).waitFor();
    const withdrawal = await command(
      holder.caseworker,
      `/cases/${withdrawn.caseId}/consents/withdraw`,
      {
        purpose: 'referral',
        receivingOrganisationId: receiver.organisationId,
      },
    );
    await caughtUp(withdrawal.position);
    // B's next page: the inbox no longer names the case; the case page finds nothing.
    await nav(b.page, 'en', 'lists.nav.referrals');
    await psychological
      .getByText(en['lists.referrals.caseGone']!)
      .waitFor()
      .catch(async (error) => {
        const inbox = await api.get(receiver.caseworker, '/referrals?direction=in');
        throw new Error(`${await b.page.locator('main').innerText()}\n${inbox.body}`, {
          cause: error,
        });
      });
    expect(await psychological.getByRole('link').count()).toBe(0);
    expect(await b.page.getByText(withdrawn.caseReference).count()).toBe(0);
    expect(await axeViolations(b.page)).toEqual([]);
    await b.page.goBack();
    await b.page.getByText(en['case.notFound']!).waitFor();
    expect(await b.page.getByTestId('timeline').count()).toBe(0);
    expect(b.csp).toEqual([]);
    await b.context.close();
  }, 240_000);
});
