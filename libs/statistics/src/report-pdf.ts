import { createHash } from 'node:crypto';
import { join, normalize, sep } from 'node:path';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '@remedy/chromium';
import { labelledCodeList, labelOf, type CodeListName } from '@remedy/code-lists';
import type { ReleaseDocument } from './release';

/** The languages a report is printed in: the console's six (apps/web/src/i18n.ts LANGUAGES). */
export const REPORT_LANGUAGES = ['ar', 'en', 'es', 'fr', 'ru', 'zh'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

export const isReportLanguage = (value: unknown): value is ReportLanguage =>
  (REPORT_LANGUAGES as readonly unknown[]).includes(value);

/**
 * What the report page is handed (apps/web/src/report: `window.renderRemedyReport(input)`): the
 * release's published document, the same year's earlier figures for the change on the previous
 * year, and what verifies it. Published (protected) figures only, never raw data.
 */
export interface ReportInput {
  readonly language: ReportLanguage;
  readonly release: ReleaseDocument;
  /** The latest release built for the previous year, if any (its published totals). */
  readonly previous: ReleaseDocument | null;
  readonly builtAt: string;
  /** SHA-256 (hex) of the release's exact JSON bytes, as signed. */
  readonly digest: string;
  /** Base64 Ed25519 signature over those bytes. */
  readonly signature: string;
  /** SHA-256 (hex, in groups of four) of the public key's SPKI DER (GET /statistics/public-key). */
  readonly publicKeyFingerprint: string;
  /** Labels of the tables' values in the report's language, by dimension then code. */
  readonly labels: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The ISO 4217 minor-unit digits of the compensation sums' currencies (the currencies code list's). */
  readonly currencyDigits: Readonly<Record<string, number>>;
}

/** The code list that labels each dimension of the catalogue (others are the report's own words). */
const DIMENSION_LISTS: Readonly<Record<string, CodeListName>> = {
  status: 'victim-statuses',
  sex: 'sex-gender',
  deciding_body: 'deciding-bodies',
  form: 'forms-of-exploitation',
  sector: 'sectors',
  citizenship: 'countries',
  assistance_type: 'assistance-types',
  cooperation: 'law-enforcement-cooperation',
  remedy_type: 'remedy-types',
  avenue: 'remedy-avenues',
  outcome: 'claim-decision-outcomes',
};

/** The labels of a release's values in a language, from the code lists (the API's own labels). */
export function valueLabels(
  release: ReleaseDocument,
  language: ReportLanguage,
): Record<string, Record<string, string>> {
  const labels: Record<string, Record<string, string>> = {};
  const dimensions = [
    ...release.tables.flatMap((t) => t.dimensions),
    ...(release.compensationSums?.tables.flatMap((t) => t.dimensions) ?? []),
  ];
  for (const d of dimensions) {
    const list = DIMENSION_LISTS[d.name];
    if (!list) continue;
    const named = (labels[d.name] ??= {});
    for (const code of d.values) {
      const label = labelOf(list, code, language);
      if (label) named[code] = label;
    }
  }
  return labels;
}

/** The minor-unit digits of a release's sum currencies, from the currencies code list (ISO 4217). */
export function currencyDigits(release: ReleaseDocument): Record<string, number> {
  const digits = new Map(labelledCodeList('currencies', 'en').codes.map((c) => [c.code, c.digits]));
  return Object.fromEntries(
    (release.compensationSums?.tables ?? []).flatMap(({ currency }) => {
      const d = digits.get(currency);
      return d === undefined ? [] : [[currency, d]];
    }),
  );
}

export interface RenderedReport {
  readonly pdf: Buffer;
  readonly pages: number;
}

/** The report entry of the console's build (apps/web/report.html → dist/web/report.html). */
export const REPORT_PAGE = 'report.html';
/** The origin the report is opened at: every request is answered from the build, none leaves. */
const ORIGIN = 'http://report.remedy.invalid';

/** SHA-256 of an SPKI public key (PEM), hex in groups of four. */
export function publicKeyFingerprint(spkiPem: string): string {
  const der = Buffer.from(spkiPem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  return createHash('sha256')
    .update(der)
    .digest('hex')
    .replace(/(.{4})(?=.)/g, '$1 ');
}

/** Pages of a PDF printed by Chromium (Skia writes one `/Type /Page` object per page). */
export const pdfPageCount = (pdf: Buffer): number =>
  (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;

/**
 * Opens the report page of the built console in a new context of `browser`, answered from
 * `consoleDir` only (no network), hands it the input and waits until it says it is ready (fonts
 * loaded, charts drawn). The caller prints or screenshots it, then closes its context.
 */
export async function openReport(
  browser: Browser,
  consoleDir: string,
  input: ReportInput,
): Promise<Page> {
  const root = normalize(consoleDir);
  if (!existsSync(join(root, REPORT_PAGE)))
    throw new Error(`the console is not built (${join(root, REPORT_PAGE)} missing)`);
  // The viewport is the printable width of an A4 page (210 mm less 2 × 15 mm margins at 96 dpi),
  // so the charts are laid out once, at the width they are printed.
  const context = await browser.newContext({
    locale: input.language,
    viewport: { width: 680, height: 960 },
    deviceScaleFactor: 2,
  });
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    const file = normalize(join(root, decodeURIComponent(url.pathname)));
    if (url.origin !== ORIGIN || !file.startsWith(root + sep) || !existsSync(file))
      return route.abort('blockedbyclient');
    return route.fulfill({ path: file });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${ORIGIN}/${REPORT_PAGE}`, { waitUntil: 'load' });
  await page.waitForFunction(() => 'renderRemedyReport' in window);
  await page.evaluate(
    (data) =>
      (
        window as unknown as { renderRemedyReport(input: unknown): Promise<void> }
      ).renderRemedyReport(data),
    input as unknown as Record<string, unknown>,
  );
  await page.waitForSelector('html[data-report-ready="true"]', { state: 'attached' });
  if (errors.length > 0) throw errors[0]!;
  return page;
}

/** Page numbers at the foot of each page (Chromium's print footer; digits only, no web font). */
const FOOTER = `<div style="width:100%;font-size:8pt;text-align:center;color:#555">
  <span class="pageNumber"></span> / <span class="totalPages"></span></div>`;

/**
 * Prints national reports as PDF: the console's report page in a headless Chromium of its own
 * (launched per report and closed after: a worker holds no browser between jobs).
 */
export class ReportPrinter {
  constructor(
    private readonly consoleDir: string,
    private readonly launch: () => Promise<Browser> = launchChromium,
  ) {}

  async print(input: ReportInput): Promise<RenderedReport> {
    const browser = await this.launch();
    try {
      const page = await openReport(browser, this.consoleDir, input);
      const pdf = await page.pdf({
        format: 'A4',
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: FOOTER,
        margin: { top: '16mm', bottom: '18mm', left: '15mm', right: '15mm' },
        tagged: true,
        outline: true,
      });
      return { pdf, pages: pdfPageCount(pdf) };
    } finally {
      await browser.close();
    }
  }
}
