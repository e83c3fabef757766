import type { ReleaseDocument } from '../statistics/release';

/** One currency's compensation sums of a release. */
export type SumsTable = NonNullable<ReleaseDocument['compensationSums']>['tables'][number];

export type ReportLanguage = 'ar' | 'en' | 'es' | 'fr' | 'ru' | 'zh';

/**
 * What the worker hands the report page (libs/statistics/src/report-pdf.ts `ReportInput`): the
 * release's signed document (format `remedy.statistics.release/1`: published, protected figures
 * only), the previous year's latest release, the proof, and the values' labels in the language.
 */
export interface ReportInput {
  readonly language: ReportLanguage;
  readonly release: ReleaseDocument;
  readonly previous: ReleaseDocument | null;
  readonly builtAt: string;
  readonly digest: string;
  readonly signature: string;
  readonly publicKeyFingerprint: string;
  readonly labels: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The sums' currencies' ISO 4217 minor-unit digits (the API's currencies code list). */
  readonly currencyDigits: Readonly<Record<string, number>>;
}
