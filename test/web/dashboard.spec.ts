/// <reference lib="dom" />
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ApiApp } from '../support/api-app';
import {
  DASHBOARD_TIME_ZONE,
  NAMED_CASEWORKER,
  seedDashboard,
  type DashboardSeed,
} from '../support/dashboard-seed';
import { loginToConsole, startApiConsole, type ApiConsole } from '../support/web-api-console';
import { consoleCatalogue } from '../support/web-console';
import { axeViolations, launchBrowser } from '../support/web-browser';
import { screenshot } from '../support/web-screenshots';
import { organisationWithStaff, type OrganisationWithStaff } from '../cases/commands/support';

/**
 * The supervisor's dashboard (issue 17 item 2, apps/web/src/dashboard) in Chromium against the
 * real API, on a data set seeded through the API (test/support/dashboard-seed.ts): every figure
 * shown equals the count computed from the seeded cases; a figure's link lists exactly the cases
 * behind it; axe 0 violations in English and Arabic; screenshots for docs/screenshots.
 */
const en = consoleCatalogue('en');
const ar = consoleCatalogue('ar');
const DOCS = join(__dirname, '..', '..', 'docs', 'screenshots');

describe('the supervisor dashboard in the console (issue 17 item 2)', () => {
  let target: ApiConsole;
  let api: ApiApp;
  let browser: Browser;
  let holder: OrganisationWithStaff;
  let seed: DashboardSeed;

  beforeAll(async () => {
    target = await startApiConsole({ REMEDY_JURISDICTION_TIMEZONE: DASHBOARD_TIME_ZONE });
    api = target.api;
    const admin = await api.user(['admin']);
    holder = await organisationWithStaff(api, admin, { name: 'Safe Harbour Dashboard' });
    const receiver = await organisationWithStaff(api, admin, { name: 'Shelter Dashboard B' });
    seed = await seedDashboard(api, holder, receiver);
    // The read side has every case before the browser asks.
    for (let i = 0; ; i++) {
      const res = await api.get(holder.supervisor, '/dashboard/supervisor', {
        'x-min-position': seed.position,
      });
      if (res.statusCode === 200) break;
      if (i === 30) throw new Error(`the read side did not catch up: ${res.statusCode}`);
    }
    browser = await launchBrowser();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const numberIn = async (page: Page, testId: string) =>
    Number((await page.getByTestId(testId).textContent())!.replace(/[^\d.]/g, ''));
  const cellTexts = (page: Page, selector: string) =>
    page.$$eval(selector, (cells) => cells.map((c) => c.textContent?.trim() ?? ''));

  it('shows every figure as counted from the seeded cases; each links to the cases behind it; axe 0 in English and Arabic', async () => {
    const { context, page, csp } = await loginToConsole(
      browser,
      target,
      holder.supervisor,
      'en',
      '/console/cases',
    );
    const e = seed.expected;
    // The navigation offers the dashboard to supervisors.
    await page
      .getByRole('navigation', { name: en['nav.label'] })
      .getByRole('link', { name: en['dashboard.navEntry'], exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: en['dashboard.title'] }).waitFor();
    await page.getByTestId('dashboard-figure-open').waitFor();

    // Headline figures.
    const headline: [string, number][] = [
      ['open', e.openTotal],
      ['reflection_7', e.reflectionEndingIn7Days],
      ['reflection_30', e.reflectionEndingIn30Days],
      ['assessment_awaited', e.childrenAwaitingAssessment],
      ['closure_requested', e.closuresAwaitingApproval],
      ['reminders_overdue', e.overdueReminders],
      ['assisted', e.firstAssistance.medianDays!],
    ];
    for (const [figure, value] of headline)
      expect({ figure, value: await numberIn(page, `dashboard-figure-${figure}`) }).toEqual({
        figure,
        value,
      });
    // "Time to first assistance" says it is a median of occurred dates, over how many cases.
    await page
      .getByText(
        `Median of the days between the occurred dates of opening and of first assistance, over ${e.firstAssistance.cases} cases.`,
      )
      .waitFor();

    // Open cases by status and caseworker: the chart's data table.
    const headers = await cellTexts(page, '#dashboard-open-table thead th');
    const rows = await page.$$eval('#dashboard-open-table tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? '')),
    );
    const shown: Record<string, number> = {};
    for (const [who, ...counts] of rows)
      counts.forEach((count, i) => {
        const status = Object.keys(en).find(
          (k) => k.startsWith('identification.') && en[k] === headers[i + 1],
        );
        if (Number(count) > 0) {
          const name = who === en['dashboard.caseworker.none'] ? '' : who;
          shown[`${name}|${status!.slice('identification.'.length)}`] = Number(count);
        }
      });
    expect(shown).toEqual(e.openCells);
    expect(rows.map((r) => r[0])).toContain(NAMED_CASEWORKER);

    // Referrals sent and received: count, answered, accepted, rate, median time to answer.
    for (const [key, expected] of [
      ['sent', e.referralsSent],
      ['received', e.referralsReceived],
    ] as const) {
      const cells = await cellTexts(page, `#dashboard-referrals-table tr[data-row="${key}"] td`);
      expect(cells.slice(0, 3).map(Number)).toEqual([
        expected.count,
        expected.answered,
        expected.accepted,
      ]);
      expect(Number(cells[3]!.replace('%', '')) / 100).toBeCloseTo(expected.acceptanceRate!, 3);
      expect(Number(cells[4]!.replace(/[^\d.]/g, ''))).toBe(expected.medianDaysToAnswer);
    }
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'dashboard-supervisor-en');

    // A figure's link: the cases behind it, in the case list.
    const references = (keys: readonly string[]) =>
      keys.map((id) => seed.references[Object.keys(seed.ids).find((k) => seed.ids[k] === id)!]!);
    for (const figure of ['reflection_7', 'reminders_overdue'] as const) {
      await page.getByTestId(`dashboard-figure-${figure}`).click();
      await page.getByText(en[`dashboard.figure.${figure}`]!, { exact: false }).waitFor();
      const expected = references(seed.casesBehind[figure]).sort();
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid="case-list"] tbody tr').length === n,
        expected.length,
      );
      expect((await cellTexts(page, '[data-testid="case-list"] tbody th')).sort()).toEqual(
        expected,
      );
      expect(page.url()).toContain(`figure=${figure}`);
      await page.goBack();
      await page.getByTestId('dashboard-figure-open').waitFor();
    }
    // A cell of the table: the named caseworker's open cases not identified yet.
    await page
      .locator('#dashboard-open-table')
      .getByRole('row')
      .filter({ hasText: NAMED_CASEWORKER })
      .getByRole('link')
      .first()
      .click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="case-list"] tbody tr').length > 0,
    );
    expect(page.url()).toContain(`caseworkerId=${seed.namedCaseworkerId}`);
    await page.goBack();
    await page.getByTestId('dashboard-figure-open').waitFor();

    // Arabic, right to left.
    await page.getByLabel(en['header.language']!).selectOption('ar');
    await page.waitForFunction(() => document.documentElement.lang === 'ar');
    await page.getByRole('heading', { level: 1, name: ar['dashboard.title'] }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    // Both charts mirrored (the value axis on the right), drawing their bars, inside the page.
    for (const chart of ['dashboard-open', 'dashboard-referrals'])
      expect(
        await page.locator(`section[data-chart="${chart}"]`).evaluate((s) => {
          const box = s.getBoundingClientRect();
          const svg = s.querySelector('svg.recharts-surface')!.getBoundingClientRect();
          const axis = s.querySelector('.recharts-yAxis')!.getBoundingClientRect();
          return {
            axis: axis.left > svg.left + svg.width / 2 ? 'right' : 'left',
            bars: s.querySelectorAll('.recharts-bar-rectangle path').length > 0,
            inside: svg.left >= box.left - 1 && svg.right <= box.right + 1,
          };
        }),
      ).toEqual({ axis: 'right', bars: true, inside: true });
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'dashboard-supervisor-ar');
    expect(csp).toEqual([]);
    await context.close();
    mkdirSync(DOCS, { recursive: true });
    for (const name of ['dashboard-supervisor-en', 'dashboard-supervisor-ar'])
      copyFileSync(
        join(__dirname, '..', '..', 'reports', 'screenshots', `${name}.png`),
        join(DOCS, `${name}.png`),
      );
  }, 300_000);

  it('offers no dashboard to a caseworker (the API refuses it: 403)', async () => {
    const res = await api.get(holder.caseworker, '/dashboard/supervisor');
    expect(res.statusCode).toBe(403);
  });
});
