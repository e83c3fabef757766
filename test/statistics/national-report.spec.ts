import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { launchChromium } from '@remedy/chromium';
import {
  openReport,
  RELEASE_SIGNER,
  STATISTICS_REPORTS,
  type ReleaseSigner,
  type StatisticsReports,
} from '@remedy/statistics';
import { organisationWithStaff, type OrganisationWithStaff } from '../cases/commands/support';
import { pdfPageTexts } from '../support/pdf';
import { builtConsole } from '../support/web-console';
import { SCREENSHOT_DIR } from '../support/web-screenshots';
import { createStatisticsApp, untilBuilt, type ApiApp, type TestUser } from './app';
import { marker } from './support';

const CASES = 12;

/**
 * The national report (issue 17 item 4): a rapporteur asks for a built release's report in a
 * language; the worker prints the console's report page (report.html of the real build) with its
 * own headless Chromium and stores the PDF with the release; it is downloaded as application/pdf.
 * Its pages are the expected ones (the headline figures, one per released table, the method, the
 * signed digest last), and its text holds no personal marker and no identifier of the seeded cases.
 */
describe('national report of a release (PDF printed by the worker)', () => {
  let api: ApiApp;
  let rapporteur: TestUser;
  let org: OrganisationWithStaff;
  let consoleDir: string;
  const caseIds: string[] = [];
  const markers: string[] = [];
  let releaseId: string;
  let digest: string;

  const ok = async (user: TestUser, url: string, body: unknown) => {
    const res = await api.post(user, url, body);
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json() as { caseId: string; releaseId: string };
  };

  /** Polls the report's download until the worker has stored it. */
  async function downloaded(language: string) {
    const url = `/statistics/releases/${releaseId}/reports/${language}`;
    const deadline = Date.now() + 240_000;
    for (;;) {
      const res = await api.get(rapporteur, url);
      if (res.statusCode === 200) return res;
      expect(res.statusCode).toBe(404);
      if (Date.now() > deadline) throw new Error(`report ${language} not rendered in time`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    consoleDir = await builtConsole();
    api = await createStatisticsApp({ consoleDir });
    const admin = await api.user(['admin']);
    org = await organisationWithStaff(api, admin);
    rapporteur = await api.user(['rapporteur']);
    for (let i = 0; i < CASES; i++) {
      const m = {
        name: marker('NAME'),
        contact: `${marker('MAIL')}@example.org`,
        address: marker('ADDR'),
        text: marker('TEXT'),
        id: marker('DOC'),
      };
      markers.push(...Object.values(m));
      const { caseId } = await ok(org.caseworker, '/cases', {
        referralSource: 'Hotline',
        profile: {
          sexGender: 'Feminine',
          ageUncertain: false,
          citizenships: ['UA'],
          languages: ['uk'],
        },
        personal: {
          fullName: `${m.name} Example`,
          birthDate: '1990-04-02',
          contacts: [m.contact],
          addresses: [m.address],
          notes: m.text,
          identityDocuments: [{ kind: 'passport', number: m.id }],
        },
      });
      caseIds.push(caseId);
      await ok(org.caseworker, `/cases/${caseId}/victim-status`, {
        status: 'ActualVictimOfTrafficking',
        decidingBody: 'NGO',
        decidedOn: '2026-02-01',
        formsOfExploitation: ['ForcedLabour'],
        sectors: ['F_Construction'],
        countriesOfRecruitment: ['UA'],
        countriesOfTransit: [],
        countriesOfExploitation: ['AT'],
        meansOfControl: ['RestrictsMovement'],
        personal: { text: m.text },
      });
    }
    // The previous year's release first (the change on the previous year), then this year's.
    for (const period of ['2025', '2026']) {
      const { releaseId: id } = await ok(rapporteur, '/statistics/releases', {
        period,
        mode: 'suppression',
        tables: [
          'victims-by-status-sex-age',
          'victims-by-citizenship',
          'victims-by-form-of-exploitation',
        ],
      });
      await untilBuilt(api, rapporteur, id, 120_000);
      releaseId = id;
    }
    digest = (
      (await api.get(rapporteur, `/statistics/releases/${releaseId}`)).json() as { digest: string }
    ).digest;
  }, 600_000);

  afterAll(async () => {
    await api?.close();
  });

  it('answers 404 before the report is requested, 409 for a release not built, 400 for another language', async () => {
    expect(
      (await api.get(rapporteur, `/statistics/releases/${releaseId}/reports/en`)).statusCode,
    ).toBe(404);
    expect(
      (await api.post(rapporteur, `/statistics/releases/${releaseId}/reports`, { language: 'de' }))
        .statusCode,
    ).toBe(400);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(
      (await api.post(rapporteur, `/statistics/releases/${unknown}/reports`, { language: 'en' }))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await api.post(org.caseworker, `/statistics/releases/${releaseId}/reports`, {
          language: 'en',
        })
      ).statusCode,
    ).toBe(403);
  });

  it.each(['en', 'ar'])(
    'prints the %s report once: the expected pages, the signed digest last, no personal data or case id',
    async (language) => {
      const url = `/statistics/releases/${releaseId}/reports`;
      const requested = await api.post(rapporteur, url, { language });
      expect(requested.statusCode).toBe(202);
      expect(requested.headers.location).toBe(`${url}/${language}`);
      const res = await downloaded(language);
      expect(res.headers['content-type']).toBe('application/pdf');
      const pdf = res.rawPayload;
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const pages = await pdfPageTexts(pdf);
      expect(res.headers['x-report-pages']).toBe(String(pages.length));
      const all = pages.join('\n');
      const squeezed = (text: string) => text.replace(/\s+/g, '');
      const flat = pages.map((text) => text.replace(/\s+/g, ' '));
      // Headline figures first; each table from a page of its own; the method; the signed release last.
      const last = pages.length - 1;
      expect(squeezed(pages[last]!)).toContain(digest);
      expect(squeezed(pages[last]!)).toContain(releaseId);
      expect(pages.every((text, i) => text.includes(`${i + 1} / ${pages.length}`))).toBe(true);
      if (language === 'en') {
        expect(flat[0]).toMatch(/national statistics 2026/);
        expect(flat[0]).toMatch(/Headline figures/);
        // 12 cases this year, none the year before: the change is +12.
        expect(flat[0]).toMatch(/Victims by citizenship 12 0 \+12/);
        const starts = [
          'Presumed and identified victims',
          'Victims by form of exploitation',
          'Victims by citizenship',
          'Method',
        ].map((heading) => flat.findIndex((text) => text.startsWith(heading)));
        expect(starts[0]).toBe(1);
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
        expect(starts.every((page) => page > 0)).toBe(true);
        expect(starts[3]).toBe(last - 1);
        expect(flat[last - 1]).toMatch(/Threshold k 10/);
        expect(flat[last]).toMatch(/^Signed release.*Public key fingerprint/);
      } else {
        // pdf.js reads Arabic as shaped glyphs in visual order: the script, not the words.
        expect(flat[0]).toMatch(/[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]{3}/);
        expect(flat[0]).toMatch(/2026/);
        expect(flat[last - 1]).toMatch(/\b10\b/);
      }
      expect(all).not.toMatch(/ZZMARK/);
      for (const id of [...caseIds, org.organisationId, org.caseworker.userId, `${org.code}-2026`])
        expect(squeezed(all)).not.toContain(id);
      // Rendered once: asking again answers the stored report.
      const again = await api.post(rapporteur, url, { language });
      expect(again.json()).toMatchObject({ status: 'rendered', replayed: true });
      const stored = await api.pool.query(
        `SELECT count(*)::int AS n FROM statistics_release_reports WHERE release_id = $1 AND language = $2 AND status = 'rendered'`,
        [releaseId, language],
      );
      expect(stored.rows[0].n).toBe(1);
      await expect(
        api.pool.query(
          `UPDATE statistics_release_reports SET pages = 1 WHERE release_id = $1 AND language = $2`,
          [releaseId, language],
        ),
      ).rejects.toThrow(/immutable/);
    },
    300_000,
  );

  it('screenshots the first page of the report (docs)', async () => {
    const browser = await launchChromium();
    try {
      const reports = api.app.get<StatisticsReports>(STATISTICS_REPORTS);
      const signer = api.app.get<ReleaseSigner>(RELEASE_SIGNER);
      for (const language of ['en', 'ar'] as const) {
        // What the worker hands the page (the stored release, the previous year's, the proof).
        const input = (await reports.inputOf(releaseId, language, signer))!;
        expect(input.previous?.period.year).toBe(2025);
        const page = await openReport(browser, consoleDir, input);
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        const path = join(SCREENSHOT_DIR, `national-report-${language}.png`);
        await page.screenshot({ path });
        expect(await page.title()).not.toMatch(/ZZMARK/);
        await page.context().close();
      }
    } finally {
      await browser.close();
    }
  });
});
