import {
  ASSISTANCE_TYPES,
  CLAIM_DECISION_OUTCOMES,
  COUNTRY_CODES,
  DECIDING_BODIES,
  FORMS_OF_EXPLOITATION,
  LAW_ENFORCEMENT_COOPERATION,
  REMEDY_AVENUES,
  REMEDY_TYPES,
  SECTORS,
  SEX_GENDER,
  VICTIM_STATUSES,
} from '@remedy/case-domain';
import type {
  AmountTable,
  CountCell,
  CountTable,
  Dimension,
  TableSpec,
} from '@remedy/disclosure-control';
import {
  AGE_GROUPS,
  AMOUNT_BANDS,
  CHILD_AGE_GROUPS,
  type AgeGroupValue,
  CLAIM_PAYMENT_VALUES,
  NOT_RECORDED,
  paymentOf,
  type FactRow,
} from './facts';

export { CLAIM_PAYMENT_VALUES, paymentOf };

/**
 * The fixed catalogue of statistical tables (never free-form queries). Most tables count CASES
 * (one case per reporting year): a person assisted by two organisations, or opened as two cases,
 * counts twice in them. The `persons-*` tables count PERSONS (`counts: 'persons'`): the cases of
 * one linkage cluster are one person (see persons.ts and README "Persons, not only cases"). Tables over a
 * multi-valued fact (forms of exploitation, sectors, citizenships, assistance types, remedies)
 * count case-value pairs: a case counts once under each value it has, so their totals are
 * pairs, not cases. Compensation tables count claims (a case may bring several).
 *
 * A table's `population` names what its cells count; tables of one population share their
 * margins (disclosure control treats a shared margin as one quantity). A table's cube (cells and
 * every total) is published for the release's period (a calendar year).
 */
export interface CatalogueTable {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** What one counted unit is. */
  readonly unit: string;
  readonly population: string;
  readonly dimensions: readonly Dimension[];
  /** The interior cells this fact row contributes to (one value per dimension each). */
  readonly cellsOf: (row: FactRow) => readonly (readonly string[])[];
  /**
   * Differential privacy: the most cells one case may add to (its sensitivity). Single-valued
   * tables: 1. Multi-valued ones are bounded: a case contributes its first N values only in a DP
   * release (contribution bounding), so that the noise stays proportionate.
   */
  readonly maxCellsPerCase: number;
  /**
   * `persons`: the table counts distinct persons, not cases. Its `cellsOf` is applied once per
   * person to the person's merged row (`personRow` of the person's fact rows of the year), and
   * `maxCellsPerCase` bounds the cells of one person. The rows must reach the counter ordered by
   * `person_key` (the release reads them so; `countTable` sorts them).
   */
  readonly counts?: 'persons';
}

const IDENTIFIED_STATUSES = [...VICTIM_STATUSES];
const dim = (name: string, values: readonly string[]): Dimension => ({ name, values: [...values] });
const DECIDING_BODY_VALUES = [...DECIDING_BODIES, NOT_RECORDED] as const;
const inList = (values: readonly string[], value: string) => values.includes(value);
/**
 * Counted in the victims-identified-in-year tables: a status decision in the year, and every value
 * those tables classify by within its code list, so that each table of the population counts the
 * same cases (their shared status margins are equal, not only declared equal).
 */
const identifiedCase = (r: FactRow) =>
  identified(r) &&
  inList(IDENTIFIED_STATUSES, r.status) &&
  inList(SEX_GENDER, r.sex_gender) &&
  inList(AGE_GROUPS, r.age_group) &&
  inList(DECIDING_BODY_VALUES, r.deciding_body);
const identified = (row: FactRow) => row.identified_in_year && row.status !== 'not_identified';
/** Likewise for the compensation-claims tables: a claim counts in all three or in none. */
const countedClaims = (r: FactRow) =>
  r.claims.filter(
    (c) =>
      inList(REMEDY_AVENUES, c.avenue) &&
      inList(CLAIM_OUTCOME_VALUES, c.outcome) &&
      inList(CLAIM_PAYMENT_VALUES, c.payment) &&
      inList(AMOUNT_BANDS, c.awardedBand),
  );

export const COOPERATION_VALUES = [NOT_RECORDED, ...LAW_ENFORCEMENT_COOPERATION] as const;
export const CLAIM_OUTCOME_VALUES = ['pending', ...CLAIM_DECISION_OUTCOMES] as const;
export const CATALOGUE: readonly CatalogueTable[] = [
  {
    id: 'victims-by-status-sex-age',
    title: 'Presumed and identified victims by status, sex/gender and age group',
    description:
      'Cases with a status decision (presumed, identified, or not a victim) in the year, by the latest status decided by the end of the year, sex/gender (HTCDS prs_Gender) and age group at identification (children: 0-11, 12-17, child_age_unknown; adults: 18-24 … 60+, adult_age_unknown).',
    unit: 'cases',
    population: 'victims-identified-in-year',
    dimensions: [
      dim('status', IDENTIFIED_STATUSES),
      dim('sex', SEX_GENDER),
      dim('age_group', AGE_GROUPS),
    ],
    cellsOf: (r) => (identifiedCase(r) ? [[r.status, r.sex_gender, r.age_group]] : []),
    maxCellsPerCase: 1,
  },
  {
    id: 'victims-by-deciding-body',
    title: 'Presumed and identified victims by status and deciding body',
    description:
      'Cases with a status decision in the year, by the latest status and the kind of body that decided it (HTCDS vic_TraffickingStatusDecisionMakingOrg).',
    unit: 'cases',
    population: 'victims-identified-in-year',
    dimensions: [dim('status', IDENTIFIED_STATUSES), dim('deciding_body', DECIDING_BODY_VALUES)],
    cellsOf: (r) => (identifiedCase(r) ? [[r.status, r.deciding_body]] : []),
    maxCellsPerCase: 1,
  },
  {
    id: 'victims-by-form-of-exploitation',
    title: 'Presumed and identified victims by form of exploitation',
    description:
      'Cases with a status decision in the year, by form of exploitation; a case with several forms counts under each (the total counts case-form pairs).',
    unit: 'case-form pairs',
    population: 'victim-forms',
    dimensions: [dim('status', IDENTIFIED_STATUSES), dim('form', FORMS_OF_EXPLOITATION)],
    cellsOf: (r) => (identified(r) ? r.forms.map((f) => [r.status, f]) : []),
    maxCellsPerCase: 3,
  },
  {
    id: 'victims-by-sector',
    title: 'Presumed and identified victims of forced labour by sector (ISIC rev. 4 section)',
    description:
      'Cases with a status decision in the year, by sector; a case with several sectors counts under each (the total counts case-sector pairs).',
    unit: 'case-sector pairs',
    population: 'victim-sectors',
    dimensions: [dim('sector', SECTORS)],
    cellsOf: (r) => (identified(r) ? r.sectors.map((s) => [s]) : []),
    maxCellsPerCase: 2,
  },
  {
    id: 'victims-by-citizenship',
    title: 'Presumed and identified victims by citizenship',
    description:
      'Cases with a status decision in the year, by citizenship (ISO 3166-1 alpha-2, STATELESS, UNKNOWN); a person with several citizenships counts under each (the total counts case-citizenship pairs).',
    unit: 'case-citizenship pairs',
    population: 'victim-citizenships',
    dimensions: [dim('citizenship', COUNTRY_CODES)],
    cellsOf: (r) => (identified(r) ? r.citizenships.map((c) => [c]) : []),
    maxCellsPerCase: 2,
  },
  {
    id: 'persons-by-status-sex-age',
    title: 'Persons identified, by status, sex/gender and age group (persons, not cases)',
    description:
      'Distinct persons with a status decision in the year in at least one of their cases: the cases of one person (one linkage cluster, across organisations) count once. Status: identified if any of their cases is, else presumed, else not a victim. Sex/gender and age group: the value their cases agree on (sex/gender NonSpecifiedUnknown and age group unknown when they disagree; child_age_unknown or adult_age_unknown when the brackets differ on one side of 18). Linkage errors bias these counts (README "Persons, not only cases"): a false match merges two persons, a missed match counts one person twice.',
    unit: 'persons',
    population: 'persons-identified-in-year',
    dimensions: [
      dim('status', IDENTIFIED_STATUSES),
      dim('sex', SEX_GENDER),
      dim('age_group', AGE_GROUPS),
    ],
    cellsOf: (p) => [[p.status, p.sex_gender, p.age_group]],
    maxCellsPerCase: 1,
    counts: 'persons',
  },
  {
    id: 'persons-by-form-of-exploitation',
    title: 'Persons identified, by status and form of exploitation (persons, not cases)',
    description:
      'Distinct persons with a status decision in the year, by their status (as in persons-by-status-sex-age) and every form of exploitation recorded in any of their cases; a person counts once under each form (the total counts person-form pairs).',
    unit: 'person-form pairs',
    population: 'person-forms',
    dimensions: [dim('status', IDENTIFIED_STATUSES), dim('form', FORMS_OF_EXPLOITATION)],
    cellsOf: (p) => p.forms.map((f) => [p.status, f]),
    maxCellsPerCase: 3,
    counts: 'persons',
  },
  {
    id: 'persons-by-citizenship',
    title: 'Persons identified, by citizenship (persons, not cases)',
    description:
      'Distinct persons with a status decision in the year, by every citizenship recorded in any of their cases (UNKNOWN only when none is known); a person counts once under each (the total counts person-citizenship pairs).',
    unit: 'person-citizenship pairs',
    population: 'person-citizenships',
    dimensions: [dim('citizenship', COUNTRY_CODES)],
    cellsOf: (p) => p.citizenships.map((c) => [c]),
    maxCellsPerCase: 2,
    counts: 'persons',
  },
  {
    id: 'assistance-by-type',
    title: 'Cases assisted, by type of assistance received',
    description:
      'Cases that received assistance starting in the year, by type; a case counts once per type received (the total counts case-type pairs).',
    unit: 'case-assistance-type pairs',
    population: 'assistance-types',
    dimensions: [dim('assistance_type', ASSISTANCE_TYPES)],
    cellsOf: (r) => r.assistance_types.map((t) => [t]),
    maxCellsPerCase: 5,
  },
  {
    id: 'unconditional-assistance',
    title: 'Assisted while not cooperating with law enforcement (rule 1: unconditional assistance)',
    description:
      'Cases that received assistance in the year, by whether some of it was given while the person was not cooperating with law enforcement (no cooperation recorded, not decided, declined or withdrawn at the time), and by the cooperation status recorded by the end of the year. The "yes" row measures assistance given without cooperation (CETS 197 art. 12(6)).',
    unit: 'cases',
    population: 'assisted-cases',
    dimensions: [
      dim('assisted_while_not_cooperating', ['yes', 'no']),
      dim('cooperation', COOPERATION_VALUES),
    ],
    cellsOf: (r) =>
      r.assisted ? [[r.assisted_while_not_cooperating ? 'yes' : 'no', r.cooperation]] : [],
    maxCellsPerCase: 1,
  },
  {
    id: 'children-assessed-before-decisions',
    title: 'Children with a best-interests assessment before each decision (rule 3)',
    description:
      'Cases of children for whom a decision (referral, transfer, voluntary return, closure) was taken in the year, by whether every such decision had a best-interests assessment recorded for it beforehand.',
    unit: 'cases',
    population: 'child-decision-cases',
    dimensions: [dim('assessment', ['every_decision_assessed', 'some_decision_not_assessed'])],
    cellsOf: (r) =>
      r.child_decisions > 0
        ? [
            [
              r.child_decisions_assessed >= r.child_decisions
                ? 'every_decision_assessed'
                : 'some_decision_not_assessed',
            ],
          ]
        : [],
    maxCellsPerCase: 1,
  },
  {
    id: 'remedies-sought',
    title: 'Remedies sought, by type and avenue',
    description:
      'Cases in which a remedy was sought in the year, by remedy type and avenue; a case counts once per type and avenue (the total counts case-remedy pairs).',
    unit: 'case-remedy pairs',
    population: 'remedies-sought',
    dimensions: [dim('remedy_type', REMEDY_TYPES), dim('avenue', REMEDY_AVENUES)],
    cellsOf: (r) => r.remedies.map((v) => v.split('|')),
    maxCellsPerCase: 3,
  },
  {
    id: 'compensation-claims-by-outcome',
    title: 'Compensation claims filed in the year, by avenue and latest decision',
    description:
      'Compensation claims filed in the year, by avenue and the standing decision (pending: not yet decided).',
    unit: 'claims',
    population: 'compensation-claims',
    dimensions: [dim('avenue', REMEDY_AVENUES), dim('outcome', CLAIM_OUTCOME_VALUES)],
    cellsOf: (r) => countedClaims(r).map((c) => [c.avenue, c.outcome]),
    maxCellsPerCase: 3,
  },
  {
    id: 'compensation-claims-by-payment',
    title: 'Compensation claims filed in the year, by avenue and payment',
    description:
      'Compensation claims filed in the year, by avenue and whether the standing award was actually paid (in full, in part, not at all; no_award: none awarded yet or rejected).',
    unit: 'claims',
    population: 'compensation-claims',
    dimensions: [dim('avenue', REMEDY_AVENUES), dim('payment', CLAIM_PAYMENT_VALUES)],
    cellsOf: (r) => countedClaims(r).map((c) => [c.avenue, c.payment]),
    maxCellsPerCase: 3,
  },
  {
    id: 'compensation-awards-by-band',
    title: 'Compensation claims filed in the year, by avenue and band of the standing award',
    description:
      'Compensation claims filed in the year, by avenue and the band of the standing award converted into the reference currency of LEGAL_AID_REFERENCE_RATES at the rate of the decision year, in major units (0: nothing awarded yet or rejected; 1-499 … 50000+; unconverted: no reference rate for that currency and year, never mixed in).',
    unit: 'claims',
    population: 'compensation-claims',
    dimensions: [dim('avenue', REMEDY_AVENUES), dim('awarded_band', AMOUNT_BANDS)],
    cellsOf: (r) => countedClaims(r).map((c) => [c.avenue, c.awardedBand]),
    maxCellsPerCase: 3,
  },
];

/** Sums of money (not a count table): claimed, awarded and paid, by avenue, one table per currency. */
export const COMPENSATION_SUMS_ID = 'compensation-sums';
export const COMPENSATION_SUMS = {
  id: COMPENSATION_SUMS_ID,
  title: 'Compensation claimed, awarded and paid, by avenue (one table per currency)',
  description:
    'Claims filed in the year with an award, and the sums claimed (as filed), awarded (standing award) and actually paid on them, by avenue, in integer minor units of one ISO 4217 currency per table (currencies are never mixed). Computed when the release is built from the legal-aid claim read model (amounts per claim and currency; cases whose person objects to statistical use left out): the anonymous fact rows hold amounts in bands only. The claim counts are protected like every count table (threshold k, secondary suppression, LP audit); a sum is published only where its claim count is and no claim dominates it (p% rule, p = 15), and the total is withheld when it would give a withheld sum away. The sums of a currency of a year are published once (later releases of the year name that release). A currency with fewer than k such claims in the year is not listed at all. Only in suppression releases (not rounding, not differential privacy).',
  unit: 'claims with an award; sums in minor units of the currency',
  /**
   * One population per currency (`claims-with-award-EUR`, …): its counts are claims with an
   * award, not the claims filed of the `compensation-claims` tables, so it shares no margin with them.
   */
  population: 'claims-with-award-<CUR>',
  dimensions: [{ name: 'avenue', values: [...REMEDY_AVENUES] }],
} as const;

export const TABLE_IDS: readonly string[] = [...CATALOGUE.map((t) => t.id), COMPENSATION_SUMS_ID];

/** A table as the catalogue and a release document describe it (without its cells). */
export const describeTable = (t: CatalogueTable) => ({
  id: t.id,
  title: t.title,
  description: t.description,
  unit: t.unit,
  population: t.population,
  dimensions: t.dimensions.map((d) => ({ name: d.name, values: [...d.values] })),
});

export const specOf = (table: CatalogueTable): TableSpec => ({
  id: table.id,
  population: table.population,
  dimensions: table.dimensions,
});

/** Counts a table row by row (the release builder streams the year's rows through these). */
export interface TableCounter {
  add(row: FactRow): void;
  result(): CountTable;
}

const STATUS_PRECEDENCE: readonly string[] = [
  'ActualVictimOfTrafficking',
  'PossibleVictimOfTrafficking',
  'NotAVictimOfTrafficking',
];
const CHILD_GROUPS: readonly string[] = CHILD_AGE_GROUPS;

/** The one value the cases agree on, ignoring `unknown`; `unknown` when none or several. */
function agreed(values: readonly string[], unknown: string): string {
  const known = [...new Set(values.filter((v) => v !== unknown))];
  return known.length === 1 ? known[0]! : unknown;
}

function agreedAgeGroup(values: readonly string[]): AgeGroupValue {
  const known = [...new Set(values.filter((v) => v !== 'unknown'))];
  if (known.length === 1) return known[0] as AgeGroupValue;
  if (known.length === 0) return 'unknown';
  if (known.every((v) => CHILD_GROUPS.includes(v))) return 'child_age_unknown';
  if (known.every((v) => !CHILD_GROUPS.includes(v))) return 'adult_age_unknown';
  return 'unknown';
}

const union = (lists: readonly (readonly string[])[]): string[] =>
  [...new Set(lists.flat())].sort();

/**
 * One person's row of the year, merged from the fact rows of their cases with a status decision
 * in the year (values within the code lists, as the case tables count them); undefined when none
 * has. Independent of the order of the rows (deterministic). Status: the strongest any case has
 * (identified, then presumed, then not a victim); sex/gender and age group: what the cases agree
 * on; citizenships and forms: every one recorded.
 */
export function personRow(rows: readonly FactRow[]): FactRow | undefined {
  const cases = rows.filter(identifiedCase);
  if (cases.length === 0) return undefined;
  const statuses = cases.map((r) => r.status);
  const status = STATUS_PRECEDENCE.find((s) => statuses.includes(s)) ?? [...statuses].sort()[0]!;
  const citizenships = union(cases.map((r) => r.citizenships));
  const known = citizenships.filter((c) => c !== 'UNKNOWN');
  return {
    ...cases[0]!,
    status,
    deciding_body: NOT_RECORDED,
    sex_gender: agreed(
      cases.map((r) => r.sex_gender),
      'NonSpecifiedUnknown',
    ),
    age_group: agreedAgeGroup(cases.map((r) => r.age_group)),
    citizenships: known.length > 0 ? known : ['UNKNOWN'],
    forms: union(cases.map((r) => r.forms)),
    sectors: union(cases.map((r) => r.sectors)),
    claims: [],
  };
}

/** Fact rows ordered by person (rows without a person key last), as a persons table counts them. */
export const byPerson = (rows: Iterable<FactRow>): FactRow[] =>
  [...rows].sort((a, b) => {
    const x = a.person_key ?? null;
    const y = b.person_key ?? null;
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  });

/**
 * A counter of the true counts of a table (interior cells only). With `bounded`, each case (each
 * person, in a persons table) adds to at most `maxCellsPerCase` cells (differential privacy).
 * A persons table needs the rows ordered by `person_key` (rows without one last, each a person of
 * its own); a row out of order is a programming error (thrown), never a silent double count.
 */
export function tableCounter(table: CatalogueTable, bounded = false): TableCounter {
  const counts = new Map<string, { at: readonly string[]; count: number }>();
  const valid = table.dimensions.map((d) => new Set(d.values));
  const count = (row: FactRow) => {
    const cells = table.cellsOf(row);
    for (const at of bounded ? cells.slice(0, table.maxCellsPerCase) : cells) {
      if (!at.every((v, i) => valid[i]!.has(v))) continue; // a value outside the code list is not counted
      const key = at.join('\u0000');
      const cell = counts.get(key);
      if (cell) cell.count += 1;
      else counts.set(key, { at, count: 1 });
    }
  };
  const result = (): CountTable => {
    const cells: CountCell[] = [...counts.values()];
    return { spec: specOf(table), cells };
  };
  if (table.counts !== 'persons') return { add: count, result };
  let person: string | null = null;
  let pending: FactRow[] = [];
  let ownOnly = false; // rows without a person key have begun: keyed rows may not follow
  const flush = () => {
    const merged = pending.length > 0 ? personRow(pending) : undefined;
    if (merged) count(merged);
    pending = [];
  };
  return {
    add(row) {
      const key = row.person_key ?? null;
      if (key !== null && key === person) {
        pending.push(row);
        return;
      }
      if ((key !== null && person !== null && key < person) || (key !== null && ownOnly))
        throw new Error(`table ${table.id}: fact rows must come ordered by person_key`);
      flush();
      if (key === null) ownOnly = true;
      person = key;
      pending = [row];
      if (key === null) flush();
    },
    result() {
      flush();
      return result();
    },
  };
}

/** The true counts of a table over the fact rows of the period (interior cells only). */
export function countTable(
  table: CatalogueTable,
  rows: Iterable<FactRow>,
  bounded = false,
): CountTable {
  const counter = tableCounter(table, bounded);
  for (const row of table.counts === 'persons' ? byPerson(rows) : rows) counter.add(row);
  return counter.result();
}

export interface CurrencyAmounts {
  readonly currency: string;
  readonly claims: AmountTable;
  readonly claimed: AmountTable;
  readonly awarded: AmountTable;
  readonly paid: AmountTable;
}

/** One claim filed in the period with its exact amounts (from the legal-aid claim read model). */
export interface ClaimAmount {
  readonly avenue: string;
  readonly currency: string;
  /** The sum claimed as filed, the standing award and the payments to date, integer minor units of `currency`. */
  readonly claimed: number;
  readonly awarded: number;
  readonly paid: number;
}

/**
 * Amount tables by currency (claims with an award, by avenue), for currencies with at least `k`
 * such claims in the period (a currency with fewer is left out: listing it would reveal it exists).
 */
export function compensationAmounts(claims: readonly ClaimAmount[], k: number): CurrencyAmounts[] {
  const byCurrency = new Map<
    string,
    Map<string, { claims: number; claimed: number; awarded: number; paid: number }>
  >();
  for (const c of claims) {
    if (c.awarded <= 0 || !(REMEDY_AVENUES as readonly string[]).includes(c.avenue)) continue;
    const avenues = byCurrency.get(c.currency) ?? new Map();
    const cell = avenues.get(c.avenue) ?? { claims: 0, claimed: 0, awarded: 0, paid: 0 };
    cell.claims += 1;
    cell.claimed += c.claimed;
    cell.awarded += c.awarded;
    cell.paid += c.paid;
    avenues.set(c.avenue, cell);
    byCurrency.set(c.currency, avenues);
  }
  return [...byCurrency.entries()]
    .filter(([, avenues]) => [...avenues.values()].reduce((n, c) => n + c.claims, 0) >= k)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, avenues]) => {
      const spec: TableSpec = {
        id: `${COMPENSATION_SUMS_ID}-${currency}`,
        population: COMPENSATION_SUMS.population.replace('<CUR>', currency),
        dimensions: COMPENSATION_SUMS.dimensions,
      };
      const cells = [...avenues.entries()].map(([avenue, c]) => ({ at: [avenue], ...c }));
      const table = (pick: 'claimed' | 'awarded' | 'paid'): AmountTable => ({
        spec,
        currency,
        cells: cells.map((c) => ({ at: c.at, claims: c.claims, amountMinor: c[pick] })),
      });
      return {
        currency,
        claims: table('awarded'),
        claimed: table('claimed'),
        awarded: table('awarded'),
        paid: table('paid'),
      };
    });
}
