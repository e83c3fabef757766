/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ReleaseDocument } from '@remedy/statistics';
import { consoleCatalogue } from '../support/web-console';
import { axeViolations, launchBrowser, watchCspViolations } from '../support/web-browser';
import { StandInProvider } from '../support/web-login';
import { startRealConsole, type ConsoleUser, type RealConsole } from '../support/web-real-console';
import { screenshot } from '../support/web-screenshots';
import { builtRelease, seedStatistics } from '../support/web-statistics';

/**
 * Issue 17 item 3: the rapporteur's statistics in Chromium against the real API serving the built
 * console. Cases are seeded through the API (2025 and 2026, with a sex/gender of fewer than k
 * cases in 2026, so that cells are suppressed); releases are requested as a rapporteur and built
 * by the API's own builder and signer. Every figure of every chart's data table is compared with
 * the release's cells as GET /statistics/releases/{id}.json serves them; a suppressed cell reads
 * "suppressed", never 0; the signature shows verified, and not verified when the body is changed
 * on the way (page.route); the downloads are CSV, SVG and PNG; axe finds nothing in English and
 * Arabic.
 */
const t = consoleCatalogue;

interface ShownCell {
  readonly chart: string;
  readonly row: string;
  readonly series: string;
  readonly value: number | null;
  readonly text: string;
}

/** Every figure of every chart's data table on the page (as the table holds it). */
const shownCells = (page: Page): Promise<ShownCell[]> =>
  page.$$eval('section[data-chart]', (sections) =>
    sections.flatMap((section) =>
      [...section.querySelectorAll('table[data-chart-table] tbody tr')].flatMap((tr) =>
        [...tr.querySelectorAll('td[data-series]')].map((td) => ({
          chart: section.getAttribute('data-chart')!,
          row: tr.getAttribute('data-row')!,
          series: td.getAttribute('data-series')!,
          value: td.hasAttribute('data-value') ? Number(td.getAttribute('data-value')) : null,
          text: td.textContent!.trim(),
        })),
      ),
    ),
  );

/**
 * What the release says a chart's cell is (the published value, or null when suppressed): a
 * table's chart `<year>-<table>[-<row dimension>]` shows its rows dimension (the last, or the named
 * one) by its first dimension (series; `value` for a one-dimension table), the other dimensions
 * at their total; `<year>-compensation-sums-<CUR>[-claims]` the sums by avenue.
 */
function releaseFigure(doc: ReleaseDocument, cell: ShownCell): number | null {
  const name = cell.chart.slice(`${doc.period.year}-`.length);
  const sums = /^compensation-sums-([A-Z]{3})(-claims)?$/.exec(name);
  if (sums) {
    const table = doc.compensationSums!.tables.find((s) => s.currency === sums[1])!;
    const c = table.cells.find((x) => x.at[0] === cell.row)!;
    return c[cell.series as 'claims' | 'claimed' | 'awarded' | 'paid'] ?? null;
  }
  const table = doc.tables.find(
    (x) => name === x.id || x.dimensions.some((d) => name === `${x.id}-${d.name}`),
  );
  if (!table) throw new Error(`chart ${cell.chart}: no table of the release`);
  const rowAt =
    name === table.id
      ? table.dimensions.length - 1
      : table.dimensions.findIndex((d) => name === `${table.id}-${d.name}`);
  const seriesAt = table.dimensions.length === 1 ? -1 : 0;
  const found = table.cells.find((c) =>
    c.at.every((v, i) =>
      i === rowAt ? v === cell.row : i === seriesAt ? v === cell.series : v === null,
    ),
  );
  if (!found) throw new Error(`chart ${cell.chart}: no cell ${cell.row} × ${cell.series}`);
  return found.suppressed ? null : found.value;
}

describe("the rapporteur's statistics in the console", () => {
  let api: RealConsole;
  let browser: Browser;
  let rapporteur: ConsoleUser;
  const release: Record<string, string> = {};
  const documents: Record<string, ReleaseDocument> = {};

  beforeAll(async () => {
    api = await startRealConsole('web-statistics');
    const admin = await api.user(['admin']);
    const { organisationId } = await api.send<{ organisationId: string }>(
      admin,
      'POST',
      '/organisations',
      {
        name: 'Stat Shelter',
        type: 'NGO',
        services: ['Accommodation'],
        country: 'AT',
        code: 'STATW',
      },
    );
    const caseworker = await api.user(['caseworker'], organisationId);
    rapporteur = await api.user(['rapporteur']);
    await seedStatistics(api, caseworker, [
      { year: 2025, sexes: Array<string>(12).fill('Feminine') },
      {
        year: 2026,
        sexes: [...Array<string>(19).fill('Feminine'), 'Masculine', 'Masculine', 'Masculine'],
        claims: 12,
        paid: 6,
      },
    ]);
    release['2025'] = await builtRelease(api, rapporteur, { period: '2025', mode: 'suppression' });
    release['2026'] = await builtRelease(api, rapporteur, { period: '2026', mode: 'suppression' });
    release.dp = await builtRelease(api, rapporteur, { period: '2026', mode: 'dp', epsilon: 1 });
    for (const [name, id] of Object.entries(release)) {
      const res = await api.request(rapporteur, {
        method: 'GET',
        url: `/statistics/releases/${id}.json`,
      });
      documents[name] = JSON.parse(res.body) as ReleaseDocument;
    }
    browser = await launchBrowser();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  async function loggedIn(
    locale: string,
    path: string,
  ): Promise<{ context: BrowserContext; page: Page; csp: string[] }> {
    const context = await browser.newContext({
      locale,
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
    });
    await new StandInProvider(api.origin, rapporteur, async () => rapporteur.token).install(
      context,
    );
    const page = await context.newPage();
    const csp = watchCspViolations(page);
    await page.goto(`${api.origin}${path}`);
    await page.getByRole('button', { name: t(locale.split('-')[0]!)['login.button'] }).click();
    await page.waitForURL(`${api.origin}${path}`);
    return { context, page, csp };
  }

  it('shows every release as charts whose tables hold exactly the released cells, suppressed cells as suppressed, the signature verified; downloads; axe in English and Arabic', async () => {
    const en = t('en');
    const { context, page, csp } = await loggedIn('en-GB', '/console/statistics');
    await page.getByRole('heading', { level: 1, name: en['statistics.title'] }).waitFor();
    await page
      .getByRole('navigation', { name: en['nav.label'] })
      .getByRole('link', { name: en['statistics.navEntry'] })
      .waitFor();
    // The time series: one row per year, each headline figure the release's grand total.
    await page.locator('section[data-chart="trend"] svg.recharts-surface').waitFor();
    const trend = (await shownCells(page)).filter((c) => c.chart === 'trend');
    expect(trend.map((c) => c.row)).toEqual(expect.arrayContaining(['2025', '2026']));
    for (const cell of trend) {
      const doc = Object.values(documents).find(
        (d) => String(d.period.year) === cell.row && d.disclosureControl.mode !== 'dp',
      )!;
      const total = doc.tables
        .find((x) => x.id === cell.series)!
        .cells.find((c) => c.at.every((v) => v === null))!;
      expect(cell.value).toBe(total.suppressed ? null : total.value);
    }
    expect(
      trend.find((c) => c.row === '2026' && c.series === 'victims-by-status-sex-age')!.value,
    ).toBe(22);
    expect(await axeViolations(page)).toEqual([]);

    // The 2026 release (suppression): verified, every chart's figures = the release's cells.
    // (The session lives in memory: the page navigates in place, by the list's link.)
    await page.locator(`a[href="/console/statistics/releases/${release['2026']}"]`).click();
    const signature = page.getByTestId('signature');
    await signature.waitFor();
    expect(await signature.getAttribute('data-verified')).toBe('true');
    await signature.getByText(en['statistics.verify.ok']!).waitFor();
    await page.locator('section[data-chart="2026-victims-by-citizenship"]').waitFor();
    const doc = documents['2026']!;
    const shown = await shownCells(page);
    const charts = new Set(shown.map((c) => c.chart));
    // Every table of the release has its chart (three-way tables: one per breakdown).
    for (const table of doc.tables)
      expect([...charts].some((c) => c.startsWith(`2026-${table.id}`))).toBe(true);
    expect(charts).toContain('2026-victims-by-status-sex-age-sex');
    expect(charts).toContain('2026-victims-by-status-sex-age-age_group');
    expect(charts).toContain('2026-compensation-sums-EUR');
    for (const cell of shown) {
      const expected = releaseFigure(doc, cell);
      expect({ ...cell, value: cell.value }).toEqual({ ...cell, value: expected });
      if (expected === null) expect(cell.text).toBe(en['charts.suppressed']);
    }
    // Men (3 < k) are suppressed: shown as suppressed, never 0, and named under the chart.
    const men = shown.find(
      (c) =>
        c.chart === '2026-victims-by-status-sex-age-sex' &&
        c.row === 'Masculine' &&
        c.series === 'ActualVictimOfTrafficking',
    )!;
    expect(men).toMatchObject({ value: null, text: en['charts.suppressed'] });
    await page
      .locator('section[data-chart="2026-victims-by-status-sex-age-sex"]')
      .getByTestId('suppressed-note')
      .waitFor();
    // The compensation sums: exact minor units where published, claimed beside awarded and paid.
    for (const series of ['claimed', 'awarded', 'paid']) {
      const sum = shown.find(
        (c) => c.chart === '2026-compensation-sums-EUR' && c.series === series && c.value !== null,
      );
      expect([series, sum]).toEqual([series, expect.anything()]);
    }

    // Keyboard: the chart takes focus and describes itself by its summary and table.
    const svg = page.locator(
      'section[data-chart="2026-victims-by-deciding-body"] svg.recharts-surface',
    );
    expect(await svg.getAttribute('tabindex')).toBe('0');
    expect(await svg.getAttribute('aria-describedby')).toBe(
      '2026-victims-by-deciding-body-summary 2026-victims-by-deciding-body-table',
    );
    await svg.focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.tagName.toLowerCase())).toBe('svg');

    // Downloads: CSV (the table's figures), SVG (standalone, titled), PNG.
    const section = page.locator('section[data-chart="2026-victims-by-status-sex-age-sex"]');
    const download = async (format: string) => {
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        section.locator(`button[data-download="${format}"]`).click(),
      ]);
      expect(file.suggestedFilename()).toBe(`2026-victims-by-status-sex-age-sex.${format}`);
      return readFileSync((await file.path())!);
    };
    const csv = (await download('csv')).toString('utf8');
    expect(csv.split('\r\n')[0]).toContain(en['statistics.dim.sex']);
    expect(csv).toContain(`,${en['charts.suppressed']}`);
    expect(csv).not.toMatch(/Masculine|Feminine/); // labels, not codes
    const svgText = (await download('svg')).toString('utf8');
    expect(svgText).toMatch(/^<\?xml[^>]*>\n<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svgText).toContain('<title>');
    expect(svgText).not.toContain('var(--');
    const png = await download('png');
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'statistics-rapporteur-en');

    // Arabic: right to left, the value axis on the right; axe again.
    await page.getByLabel(en['header.language']!).selectOption('ar');
    const ar = t('ar');
    await page.getByTestId('signature').getByText(ar['statistics.verify.ok']!).waitFor();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    const axisSide = await page
      .locator('section[data-chart="2026-victims-by-deciding-body"]')
      .evaluate((s) => {
        const chart = s.querySelector('svg.recharts-surface')!.getBoundingClientRect();
        const axis = s.querySelector('.recharts-yAxis')!.getBoundingClientRect();
        return axis.left > chart.left + chart.width / 2 ? 'right' : 'left';
      });
    expect(axisSide).toBe('right');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'statistics-rapporteur-ar');
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);
    expect(csp).toEqual([]);
    await context.close();
  }, 300_000);

  it('shows ε and the noise scale of a differential-privacy release, its figures as released', async () => {
    const en = t('en');
    const { context, page } = await loggedIn('en-GB', `/console/statistics/releases/${release.dp}`);
    await page.getByTestId('signature').waitFor();
    expect(await page.getByTestId('signature').getAttribute('data-verified')).toBe('true');
    const dp = await page.getByTestId('dp').textContent();
    expect(dp).toContain('ε = 1');
    const doc = documents.dp!;
    // The scale of a one-cell-per-case table: 1 × tables / ε.
    await page
      .locator('section[data-chart="2026-victims-by-deciding-body"]')
      .getByText(en['statistics.noiseScale']!.replace('{scale}', String(doc.tables.length)))
      .waitFor();
    for (const cell of await shownCells(page)) expect(cell.value).toBe(releaseFigure(doc, cell));
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 180_000);

  it('says "not verified" and shows no figure when the release is changed on the way', async () => {
    const en = t('en');
    const context = await browser.newContext({ locale: 'en-GB' });
    await new StandInProvider(api.origin, rapporteur, async () => rapporteur.token).install(
      context,
    );
    await context.route(`**/statistics/releases/${release['2026']}.json`, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace('"value":22', '"value":23');
      await route.fulfill({ response, body });
    });
    const page = await context.newPage();
    const path = `/console/statistics/releases/${release['2026']}`;
    await page.goto(`${api.origin}${path}`);
    await page.getByRole('button', { name: en['login.button'] }).click();
    await page.waitForURL(`${api.origin}${path}`);
    const signature = page.getByTestId('signature');
    await signature.getByText(en['statistics.verify.failed']!).waitFor();
    expect(await signature.getAttribute('data-verified')).toBe('false');
    expect(await page.locator('section[data-chart]').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 180_000);
});
