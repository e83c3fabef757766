import {
  protectRelease,
  roundToBase,
  type DisclosureError,
  type PublishedTable,
} from '@remedy/disclosure-control';
import {
  CATALOGUE,
  COMPENSATION_SUMS,
  COMPENSATION_SUMS_ID,
  TABLE_IDS,
  compensationSums,
  countTable,
} from './catalogue';
import type { FactRow } from './facts';

export const RELEASE_MODES = ['suppression', 'rounding', 'dp'] as const;
export type ReleaseMode = (typeof RELEASE_MODES)[number];
export const DEFAULT_K = 10;
export const DEFAULT_ROUNDING_BASE = 5;
export const RELEASE_FORMAT = 'remedy.statistics.release/1';
export const HTCDS_ATTRIBUTION = 'Human Trafficking Case Data Standard (HTCDS) by IOM, CC BY 4.0';
export const COUNTING_NOTE =
  'Counts are of CASES, not persons: a person opened as two cases (e.g. by two organisations) counts twice. Tables over several values per case count case-value pairs. Compensation tables count claims.';

/** A release request after validation: the canonical form stored and used as its unique key. */
export interface ReleaseRequest {
  /** A calendar year, `YYYY`. */
  readonly period: string;
  /** Table ids of the catalogue, sorted. */
  readonly tables: readonly string[];
  readonly mode: ReleaseMode;
  readonly k: number;
  readonly roundingBase: number | null;
  readonly epsilon: number | null;
}

export interface ReleaseRequestInput {
  readonly period: string;
  readonly tables?: readonly string[];
  readonly mode: ReleaseMode;
  readonly k?: number;
  readonly roundingBase?: number;
  readonly epsilon?: number;
}

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly status: 400 | 422;
      readonly rule: string;
      readonly message: string;
      readonly field?: string;
    };

const invalid = (field: string, message: string): Checked<never> => ({
  ok: false,
  status: 400,
  rule: 'INVALID_INPUT',
  field,
  message,
});

/** Validates a request: 400 for malformed input (naming the field), 422 for a refused rule. */
export function checkRequest(input: ReleaseRequestInput): Checked<ReleaseRequest> {
  const quarter = /^(\d{4})-Q[1-4]$/.exec(input.period);
  if (quarter)
    return {
      ok: false,
      status: 422,
      rule: 'STATISTICS_PERIOD_IS_A_YEAR',
      message:
        'Releases cover a calendar year: the anonymous facts hold no date finer than the year',
    };
  if (!/^\d{4}$/.test(input.period)) return invalid('period', 'a calendar year YYYY');
  const tables = [...new Set(input.tables ?? TABLE_IDS)].sort();
  if (tables.length === 0)
    return invalid('tables', 'at least one table id of GET /statistics/tables');
  const unknown = tables.find((t) => !TABLE_IDS.includes(t));
  if (unknown !== undefined) return invalid('tables', 'not a table id of GET /statistics/tables');
  const k = input.k ?? DEFAULT_K;
  if (!Number.isSafeInteger(k) || k < 1) return invalid('k', 'a positive integer');
  if (k < DEFAULT_K)
    return {
      ok: false,
      status: 422,
      rule: 'THRESHOLD_BELOW_MINIMUM',
      message: `k may be raised, never set below ${DEFAULT_K}`,
    };
  if (input.mode === 'rounding') {
    const base = input.roundingBase ?? DEFAULT_ROUNDING_BASE;
    if (!Number.isSafeInteger(base) || base < 2)
      return invalid('roundingBase', 'an integer of at least 2');
    if (input.epsilon !== undefined) return invalid('epsilon', 'only with mode dp');
    return {
      ok: true,
      value: {
        period: input.period,
        tables,
        mode: 'rounding',
        k,
        roundingBase: base,
        epsilon: null,
      },
    };
  }
  if (input.roundingBase !== undefined) return invalid('roundingBase', 'only with mode rounding');
  if (input.mode === 'dp') {
    const epsilon = input.epsilon;
    if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon <= 0)
      return invalid('epsilon', 'a positive number (mode dp)');
    return {
      ok: true,
      value: { period: input.period, tables, mode: 'dp', k, roundingBase: null, epsilon },
    };
  }
  if (input.epsilon !== undefined) return invalid('epsilon', 'only with mode dp');
  return {
    ok: true,
    value: {
      period: input.period,
      tables,
      mode: 'suppression',
      k,
      roundingBase: null,
      epsilon: null,
    },
  };
}

/** The unique key of a release: its canonical request (period, tables, mode, parameters). */
export const requestKey = (r: ReleaseRequest): string =>
  JSON.stringify([r.period, r.tables, r.mode, r.k, r.roundingBase, r.epsilon]);

export interface ReleaseTable {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly population: string;
  readonly dimensions: readonly { readonly name: string; readonly values: readonly string[] }[];
  /** Every cell of the cube; `at` holds one value per dimension, null = total over that dimension. */
  readonly cells: readonly {
    readonly at: readonly (string | null)[];
    readonly value: number | null;
    readonly suppressed?: string;
  }[];
}

export interface ReleaseDocument {
  readonly format: typeof RELEASE_FORMAT;
  readonly releaseId: string;
  readonly period: { readonly year: number };
  readonly disclosureControl: {
    readonly mode: ReleaseMode;
    readonly k: number;
    readonly roundingBase: number | null;
    readonly epsilon: number | null;
  };
  readonly note: string;
  readonly attribution: string;
  readonly tables: readonly ReleaseTable[];
  readonly compensationSums?: {
    readonly id: string;
    readonly description: string;
    readonly unit: string;
    readonly rows: ReturnType<typeof compensationSums>;
  };
}

export type BuildResult =
  | { readonly ok: true; readonly document: ReleaseDocument }
  | { readonly ok: false; readonly error: DisclosureError };

/**
 * Builds the release document from the period's fact rows (objecting cases already left out):
 * true counts per catalogue table, then disclosure control by @remedy/disclosure-control over all
 * the release's tables at once (shared margins protected together), then the money sums.
 * Deterministic for the same rows and request.
 */
export function buildRelease(
  releaseId: string,
  request: ReleaseRequest,
  rows: readonly FactRow[],
  onProgress: (percent: number) => void = () => undefined,
): BuildResult {
  if (request.mode === 'dp')
    return {
      ok: false,
      error: {
        rule: 'INVALID_INPUT',
        message: 'differential privacy is not available in this build',
      },
    };
  const tables = CATALOGUE.filter((t) => request.tables.includes(t.id));
  const counts = tables.map((t) => countTable(t, rows));
  onProgress(40);
  const protectedRelease = protectRelease(counts, {
    k: request.k,
    ...(request.roundingBase !== null ? { roundingBase: request.roundingBase } : {}),
  });
  if (!protectedRelease.ok) return protectedRelease;
  onProgress(80);
  const published = new Map<string, PublishedTable>(
    protectedRelease.value.tables.map((t) => [t.spec.id, t]),
  );
  const base = request.roundingBase;
  const round = (n: number) => (base === null ? n : roundToBase(n, base));
  const document: ReleaseDocument = {
    format: RELEASE_FORMAT,
    releaseId,
    period: { year: Number(request.period) },
    disclosureControl: {
      mode: request.mode,
      k: request.k,
      roundingBase: request.roundingBase,
      epsilon: request.epsilon,
    },
    note: COUNTING_NOTE,
    attribution: HTCDS_ATTRIBUTION,
    tables: tables.map((t) => ({
      id: t.id,
      title: t.title,
      description: t.description,
      unit: t.unit,
      population: t.population,
      dimensions: t.dimensions.map((d) => ({ name: d.name, values: [...d.values] })),
      cells: published
        .get(t.id)!
        .cells.map((c) =>
          c.suppressed
            ? { at: [...c.at], value: null, suppressed: c.suppressed }
            : { at: [...c.at], value: c.value },
        ),
    })),
    ...(request.tables.includes(COMPENSATION_SUMS_ID)
      ? {
          compensationSums: {
            id: COMPENSATION_SUMS.id,
            description: COMPENSATION_SUMS.description,
            unit: COMPENSATION_SUMS.unit,
            rows: compensationSums(rows, request.k, round),
          },
        }
      : {}),
  };
  return { ok: true, document };
}

const csvField = (v: string | number | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The release as CSV: one line per published cell (totals named `Total`), then the money sums. */
export function releaseCsv(doc: ReleaseDocument): string {
  const lines = [['release_id', 'year', 'table_id', 'unit', 'cell', 'value', 'flag'].join(',')];
  for (const t of doc.tables) {
    for (const c of t.cells) {
      const cell = t.dimensions.map((d, i) => `${d.name}=${c.at[i] ?? 'Total'}`).join(';');
      lines.push(
        [
          doc.releaseId,
          doc.period.year,
          t.id,
          t.unit,
          cell,
          c.value,
          c.suppressed ? `suppressed_${c.suppressed}` : '',
        ]
          .map(csvField)
          .join(','),
      );
    }
  }
  for (const s of doc.compensationSums?.rows ?? []) {
    const cell = `avenue=${s.avenue};currency=${s.currency}`;
    lines.push(
      [doc.releaseId, doc.period.year, COMPENSATION_SUMS_ID, 'claims', cell, s.claims, '']
        .map(csvField)
        .join(','),
    );
    lines.push(
      [
        doc.releaseId,
        doc.period.year,
        COMPENSATION_SUMS_ID,
        `awarded ${s.currency} minor units`,
        cell,
        s.awarded,
        '',
      ]
        .map(csvField)
        .join(','),
    );
    lines.push(
      [
        doc.releaseId,
        doc.period.year,
        COMPENSATION_SUMS_ID,
        `paid ${s.currency} minor units`,
        cell,
        s.paid,
        '',
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
