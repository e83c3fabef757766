/**
 * What the worker hands the report page (libs/statistics/src/report-pdf.ts `ReportInput`): the
 * release's signed document (format `remedy.statistics.release/1`: published, protected figures
 * only), the previous year's latest release, the proof, and the values' labels in the language.
 */
export interface ReleaseCell {
  readonly at: readonly (string | null)[];
  readonly value: number | null;
  readonly suppressed?: true | string;
}

export interface ReleaseTable {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly dimensions: readonly { readonly name: string; readonly values: readonly string[] }[];
  readonly cells: readonly ReleaseCell[];
}

export interface SumsTable {
  readonly currency: string;
  readonly sumsPublishedIn?: string;
  readonly cells: readonly {
    readonly at: readonly (string | null)[];
    readonly claims: number | null;
    readonly awarded: number | null;
    readonly paid: number | null;
  }[];
}

export interface ReleaseDocument {
  readonly releaseId: string;
  readonly period: { readonly year: number };
  readonly disclosureControl: {
    readonly mode: 'suppression' | 'rounding' | 'dp';
    readonly k: number;
    readonly roundingBase: number | null;
    readonly epsilon: number | null;
  };
  readonly tables: readonly ReleaseTable[];
  readonly compensationSums?: { readonly tables: readonly SumsTable[] };
}

export type ReportLanguage = 'ar' | 'en' | 'es' | 'fr' | 'ru' | 'zh';

export interface ReportInput {
  readonly language: ReportLanguage;
  readonly release: ReleaseDocument;
  readonly previous: ReleaseDocument | null;
  readonly builtAt: string;
  readonly digest: string;
  readonly signature: string;
  readonly publicKeyFingerprint: string;
  readonly labels: Readonly<Record<string, Readonly<Record<string, string>>>>;
}
