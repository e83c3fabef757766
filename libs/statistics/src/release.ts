import {
  claimCounts,
  cryptoRandomSource,
  dominated,
  multiply,
  noisyTable,
  protectRelease,
  publishAmounts,
  rational,
  type CellRef,
  type DisclosureError,
  type EarlierReleases,
  type PublishedTable,
  type RandomSource,
  type Rational,
} from '@remedy/disclosure-control';
import {
  CATALOGUE,
  COMPENSATION_SUMS,
  COMPENSATION_SUMS_ID,
  TABLE_IDS,
  byPerson,
  compensationAmounts,
  describeTable,
  tableCounter,
  type ClaimAmount,
  type CatalogueTable,
} from './catalogue';
import type { CountTable } from '@remedy/disclosure-control';
import type { FactRow } from './facts';

export const RELEASE_MODES = ['suppression', 'rounding', 'dp'] as const;
export type ReleaseMode = (typeof RELEASE_MODES)[number];
export const DEFAULT_K = 10;
export const DEFAULT_ROUNDING_BASE = 5;
export const RELEASE_FORMAT = 'remedy.statistics.release/1';
export const HTCDS_ATTRIBUTION = 'Human Trafficking Case Data Standard (HTCDS) by IOM, CC BY 4.0';
export const COUNTING_NOTE =
  'Counts are of CASES unless a table counts persons: in a case table a person opened as two cases (e.g. by two organisations) counts twice; the persons-* tables count the cases of one person (found by privacy-preserving record linkage) once, with the bias linkage errors bring (a false match counts two persons as one, a missed match one person as two). Tables over several values per case (or person) count value pairs. Compensation tables count claims.';

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
  const accepted = (
    mode: ReleaseRequest['mode'],
    roundingBase: number | null,
    epsilon: number | null,
  ): Checked<ReleaseRequest> => ({
    ok: true,
    value: { period: input.period, tables, mode, k, roundingBase, epsilon },
  });
  if (input.mode === 'rounding') {
    const base = input.roundingBase ?? DEFAULT_ROUNDING_BASE;
    if (!Number.isSafeInteger(base) || base < 2)
      return invalid('roundingBase', 'an integer of at least 2');
    if (input.epsilon !== undefined) return invalid('epsilon', 'only with mode dp');
    return accepted('rounding', base, null);
  }
  if (input.roundingBase !== undefined) return invalid('roundingBase', 'only with mode rounding');
  if (input.mode === 'dp') {
    const epsilon = input.epsilon;
    if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon <= 0)
      return invalid('epsilon', 'a positive number (mode dp)');
    const micro = Math.round(epsilon * 1e6);
    if (micro < 1 || Math.abs(epsilon * 1e6 - micro) > 1e-6)
      return invalid('epsilon', 'a positive number with at most 6 decimals');
    return accepted('dp', null, epsilon);
  }
  if (input.epsilon !== undefined) return invalid('epsilon', 'only with mode dp');
  return accepted('suppression', null, null);
}

/** ε of a DP request as an exact rational (requests carry at most 6 decimals). */
export const epsilonOf = (r: Pick<ReleaseRequest, 'epsilon'>): Rational =>
  rational(Math.round((r.epsilon ?? 0) * 1e6), 1_000_000);

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
    /** Only `true`: why a cell is suppressed (primary or secondary) is never published. */
    readonly suppressed?: true | string;
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
    readonly tables: readonly {
      readonly currency: string;
      /** The sums of this currency were published by this earlier release of the period (then none here). */
      readonly sumsPublishedIn?: string;
      readonly dimensions: readonly { readonly name: string; readonly values: readonly string[] }[];
      readonly cells: readonly {
        readonly at: readonly (string | null)[];
        readonly claims: number | null;
        /** Claimed as filed (absent from releases built before it was published). */
        readonly claimed?: number | null;
        readonly awarded: number | null;
        readonly paid: number | null;
        /** Some figure of the cell is withheld (count suppressed, or the sums by the p% rule). */
        readonly suppressed?: true | string;
      }[];
    }[];
  };
}

export type BuildResult =
  | { readonly ok: true; readonly document: ReleaseDocument }
  | { readonly ok: false; readonly error: DisclosureError };

/**
 * Builds the release document from the period's fact rows and, for the money sums, the period's
 * claim amounts (objecting cases already left out of both).
 * Suppression and rounding: true counts of every requested table, with the claim counts behind
 * the money sums, protected together by @remedy/disclosure-control (threshold, secondary
 * suppression verified by LP, shared margins as one quantity, optional rounding); sums published
 * where their claim counts are. Differential privacy: each table gets discrete Laplace noise with
 * an equal share of ε (basic composition), contributions bounded per case; no money sums.
 * Deterministic for the same rows and request, except DP noise (a release is built once).
 */
/** The catalogue tables a request asks for, in catalogue order. */
const requestedTables = (request: ReleaseRequest): CatalogueTable[] =>
  CATALOGUE.filter((t) => request.tables.includes(t.id));

/**
 * Counts the requested tables over fact rows fed in batches (the builder streams the year's rows
 * from a cursor: memory stays that of the cells, not of the rows).
 */
export function releaseCounter(
  request: ReleaseRequest,
  /** Other catalogue tables to count too (those earlier releases of the period showed). */
  alsoCount: readonly string[] = [],
): {
  add(rows: readonly FactRow[]): void;
  counts(): CountTable[];
} {
  const counters = CATALOGUE.filter(
    (t) => request.tables.includes(t.id) || alsoCount.includes(t.id),
  ).map((t) => tableCounter(t, request.mode === 'dp'));
  return {
    add(rows) {
      for (const row of rows) for (const counter of counters) counter.add(row);
    },
    counts: () => counters.map((c) => c.result()),
  };
}

export interface ReleaseInput {
  /**
   * The period's fact rows (objecting cases left out), in any order, or their counts already made
   * by `releaseCounter` for the same request (fed rows ordered by `person_key`).
   */
  readonly facts: readonly FactRow[] | { readonly counts: readonly CountTable[] };
  /** The period's claims with their exact amounts (compensation sums only; objecting cases left out). */
  readonly claimAmounts: readonly ClaimAmount[];
  /**
   * The releases of the same period built before this one (their published documents, in build
   * order). Suppression and rounding releases are audited against all of them except the
   * differential-privacy ones (see README "Several releases of one period").
   */
  readonly earlier?: readonly ReleaseDocument[];
}

/** Catalogue tables shown by earlier releases (counted for the multi-release audit). */
export const earlierTableIds = (earlier: readonly ReleaseDocument[]): string[] => [
  ...new Set(
    earlier
      .filter((d) => d.disclosureControl.mode !== 'dp')
      .flatMap((d) => d.tables.map((t) => t.id)),
  ),
];

/** Earlier releases with money sums: their claim counts are part of the audit. */
export const earlierHaveSums = (earlier: readonly ReleaseDocument[]): boolean =>
  earlier.some((d) => d.disclosureControl.mode !== 'dp' && d.compensationSums !== undefined);

const sumsTableId = (currency: string) => `${COMPENSATION_SUMS_ID}-${currency}`;

/**
 * What the earlier (non-DP) releases of the period published, as the audit needs it: every
 * published cell (known to the attacker), and the cells suppressed by releases at the default k
 * or lower (carried over: they stay suppressed). Releases at a higher k do not bind later ones,
 * so that one request cannot freeze a year; what they published is known all the same.
 */
function earlierOf(earlier: readonly ReleaseDocument[]): {
  published: CellRef[];
  suppressed: CellRef[];
} {
  const published: CellRef[] = [];
  const suppressed: CellRef[] = [];
  for (const doc of earlier) {
    if (doc.disclosureControl.mode === 'dp') continue;
    const binds = doc.disclosureControl.k <= DEFAULT_K;
    const cells = [
      ...doc.tables.flatMap((t) => t.cells.map((c) => ({ table: t.id, at: c.at, v: c.value }))),
      ...(doc.compensationSums?.tables ?? []).flatMap((t) =>
        t.cells.map((c) => ({ table: sumsTableId(t.currency), at: c.at, v: c.claims })),
      ),
    ];
    for (const c of cells) {
      if (c.v !== null) published.push({ table: c.table, at: c.at });
      else if (binds) suppressed.push({ table: c.table, at: c.at });
    }
  }
  return { published, suppressed };
}

export function buildRelease(
  releaseId: string,
  request: ReleaseRequest,
  input: ReleaseInput,
  onProgress: (percent: number) => void = () => undefined,
  random: RandomSource = cryptoRandomSource(),
): BuildResult {
  const tables = requestedTables(request);
  const dp = request.mode === 'dp';
  const earlier = dp ? [] : (input.earlier ?? []).filter((d) => d.disclosureControl.mode !== 'dp');
  let allCounts: readonly CountTable[];
  if ('counts' in input.facts) allCounts = input.facts.counts;
  else {
    const counter = releaseCounter(request, earlierTableIds(earlier));
    counter.add(byPerson(input.facts));
    allCounts = counter.counts();
  }
  const countsOf = (id: string): CountTable => {
    const found = allCounts.find((c) => c.spec.id === id);
    if (!found) throw new Error(`release ${releaseId}: table ${id} was not counted`);
    return found;
  };
  const counts = tables.map((t) => countsOf(t.id));
  // Money sums only in suppression releases: a rounding release would show rounded counts beside
  // exact sums (and DP releases have none).
  const withSums = request.mode === 'suppression' && request.tables.includes(COMPENSATION_SUMS_ID);
  const money = withSums ? compensationAmounts(input.claimAmounts, request.k) : [];
  onProgress(40);
  const published = new Map<string, PublishedTable>();
  if (dp) {
    const share = multiply(epsilonOf(request), rational(1, Math.max(1, tables.length)));
    for (const [i, table] of tables.entries()) {
      const noisy = noisyTable(
        counts[i]!,
        { kind: 'discrete-laplace', epsilon: share, cellsPerPerson: table.maxCellsPerCase },
        random,
      );
      if (!noisy.ok) return noisy;
      published.set(table.id, noisy.value.table);
    }
  } else {
    const before = earlierOf(earlier);
    const own = new Set([...tables.map((t) => t.id), ...money.map((m) => m.claims.spec.id)]);
    const context: CountTable[] = [
      ...earlierTableIds(earlier)
        .filter((id) => !own.has(id) && CATALOGUE.some((t) => t.id === id))
        .map(countsOf),
      ...(earlierHaveSums(earlier) ? compensationAmounts(input.claimAmounts, 0) : [])
        .map((m) => claimCounts(m.claims))
        .filter((t) => !own.has(t.spec.id)),
    ];
    const audit: EarlierReleases = { published: before.published, tables: context };
    const protectedRelease = protectRelease(
      [...counts, ...money.map((m) => claimCounts(m.claims))],
      {
        k: request.k,
        ...(request.roundingBase !== null ? { roundingBase: request.roundingBase } : {}),
        previouslySuppressed: before.suppressed,
        ...(earlier.length > 0 ? { earlier: audit } : {}),
      },
    );
    if (!protectedRelease.ok) return protectedRelease;
    for (const t of protectedRelease.value.tables) published.set(t.spec.id, t);
  }
  onProgress(80);
  const sums = [];
  for (const m of money) {
    const claims = published.get(m.claims.spec.id)!;
    const claimed = publishAmounts(m.claimed, claims);
    const awarded = publishAmounts(m.awarded, claims);
    const paid = publishAmounts(m.paid, claims);
    if (!claimed.ok) return claimed;
    if (!awarded.ok) return awarded;
    if (!paid.ok) return paid;
    const firstPublication = earlier.find((d) =>
      d.compensationSums?.tables.some(
        (t) => t.currency === m.currency && t.cells.some((c) => c.awarded !== null),
      ),
    );
    const withheld = sumsWithheld(
      input.claimAmounts.filter((c) => c.currency === m.currency && c.awarded > 0),
      claims,
    );
    sums.push({
      currency: m.currency,
      ...(firstPublication ? { sumsPublishedIn: firstPublication.releaseId } : {}),
      dimensions: COMPENSATION_SUMS.dimensions.map((d) => ({
        name: d.name,
        values: [...d.values],
      })),
      cells: claims.cells.map((c, i) =>
        c.suppressed
          ? {
              at: [...c.at],
              claims: null,
              claimed: null,
              awarded: null,
              paid: null,
              suppressed: true as const,
            }
          : firstPublication || withheld.has(c.at[0] ?? null)
            ? {
                at: [...c.at],
                claims: c.value,
                claimed: null,
                awarded: null,
                paid: null,
                suppressed: true as const,
              }
            : {
                at: [...c.at],
                claims: c.value,
                claimed: claimed.value.cells[i]!.amountMinor,
                awarded: awarded.value.cells[i]!.amountMinor,
                paid: paid.value.cells[i]!.amountMinor,
              },
      ),
    });
  }
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
    note: dp ? `${COUNTING_NOTE} ${DP_NOTE}` : COUNTING_NOTE,
    attribution: HTCDS_ATTRIBUTION,
    tables: tables.map((t) => ({
      ...describeTable(t),
      cells: published
        .get(t.id)!
        .cells.map((c) =>
          c.suppressed
            ? { at: [...c.at], value: null, suppressed: true as const }
            : { at: [...c.at], value: c.value },
        ),
    })),
    ...(withSums
      ? {
          compensationSums: {
            id: COMPENSATION_SUMS.id,
            description: COMPENSATION_SUMS.description,
            unit: COMPENSATION_SUMS.unit,
            tables: sums,
          },
        }
      : {}),
  };
  return { ok: true, document };
}

/**
 * The avenues (null: the total) whose sums are withheld by the p% dominance rule: a cell whose
 * claimed, awarded or paid sum is dominated; then, when the sums withheld among the avenues (with those
 * whose claim count is suppressed) are a single avenue or dominated together, the total as well,
 * so that the total minus the published avenues does not give them away.
 */
function sumsWithheld(claims: readonly ClaimAmount[], counts: PublishedTable): Set<string | null> {
  const withheld = new Set<string | null>();
  const isDominated = (cs: readonly ClaimAmount[]) =>
    dominated(cs.map((c) => c.claimed)) ||
    dominated(cs.map((c) => c.awarded)) ||
    dominated(cs.map((c) => c.paid));
  const hiddenAvenues: string[] = [];
  for (const cell of counts.cells) {
    const avenue = cell.at[0] ?? null;
    if (avenue === null) continue;
    const of = claims.filter((c) => c.avenue === avenue);
    if (cell.suppressed || isDominated(of)) {
      hiddenAvenues.push(avenue);
      if (!cell.suppressed) withheld.add(avenue);
    }
  }
  const union = claims.filter((c) => hiddenAvenues.includes(c.avenue));
  if (hiddenAvenues.length === 1 || (hiddenAvenues.length > 1 && isDominated(union)))
    withheld.add(null);
  return withheld;
}

export const DP_NOTE =
  "Differential privacy: every interior cell carries discrete Laplace noise (ε of the release shared equally between its tables; a case, or in a persons table a person, adds to at most the table's bound of cells), negative counts are published as 0 and totals are sums of the published cells. No threshold suppression; no money sums.";

const csvField = (v: string | number | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The release as CSV: one line per published cell (totals named `Total`), then the money sums. */
export function releaseCsv(doc: ReleaseDocument): string {
  const lines = [['release_id', 'year', 'table_id', 'unit', 'cell', 'value', 'flag'].join(',')];
  const line = (tableId: string, unit: string, cell: string, value: number | null, flag: string) =>
    lines.push(
      [doc.releaseId, doc.period.year, tableId, unit, cell, value, flag].map(csvField).join(','),
    );
  for (const t of doc.tables) {
    for (const c of t.cells) {
      const cell = t.dimensions.map((d, i) => `${d.name}=${c.at[i] ?? 'Total'}`).join(';');
      line(t.id, t.unit, cell, c.value, c.suppressed ? 'suppressed' : '');
    }
  }
  for (const t of doc.compensationSums?.tables ?? []) {
    for (const c of t.cells) {
      const cell = `avenue=${c.at[0] ?? 'Total'};currency=${t.currency}`;
      const sum = (unit: string, v: number | null) =>
        line(COMPENSATION_SUMS_ID, unit, cell, v, v === null ? 'suppressed' : '');
      sum('claims with an award', c.claims);
      if (c.claimed !== undefined) sum(`claimed, ${t.currency} minor units`, c.claimed);
      sum(`awarded, ${t.currency} minor units`, c.awarded);
      sum(`paid, ${t.currency} minor units`, c.paid);
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
