/**
 * Seeds realistic anonymous statistics facts straight into `statistics_case_facts` (one row per
 * case in the release year, as the `statistics.facts` projection writes them) and the matching
 * claims into `legal_aid_claims` (the compensation sums of a release read their exact amounts
 * there). No events: section 5 of `npm run bench` measures the release build, not the projection
 * (section 4 replays it).
 *
 * Distributions (deterministic for a seed): 70 % of the cases have a status decision in the year
 * (possible 50 %, actual 40 %, not a victim 10 %); sex/gender, age group (a fifth children),
 * citizenship (about 40 countries, skewed; 6 % with two; 2 % stateless or unknown), 1-2 forms of
 * exploitation, sectors for forced labour, 60 % assisted with 1-5 assistance types, cooperation,
 * child decisions (most assessed), remedies for 15 %, compensation claims for 8 % (1-2 each: EUR
 * 80 %, USD 10 %, GBP 5 %, UAH 5 %, amounts log-normal around 5,000 EUR, bands from
 * `claimFactRow` with the default reference rates, so UAH is `unconverted`), 1 % objecting.
 *
 *   npm run build && node dist/bench/seed/statistics-facts.js <database-url> [cases=100000] [year=2024]
 *
 * Rows go in as multi-row INSERTs from `jsonb_to_recordset` (5,000 rows per statement), which
 * seeds 1,000,000 rows in about a minute on 2 shared cores.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { prng, type Rng } from '../lib/prng';
import {
  ASSISTANCE_TYPES,
  CLAIM_RESPONDENT_KINDS,
  COUNTRY_CODES,
  DECIDING_BODIES,
  FORMS_OF_EXPLOITATION,
  LAW_ENFORCEMENT_COOPERATION,
  REFERRAL_SOURCES,
  REMEDY_AVENUES,
  REMEDY_TYPES,
  SECTORS,
  SEX_GENDER,
  VICTIM_STATUSES,
} from '@remedy/case-domain';
import { DEFAULT_REFERENCE_RATES } from '@remedy/config';
import {
  AGE_GROUPS,
  CHILD_AGE_GROUPS,
  claimFactRow,
  NOT_IDENTIFIED,
  NOT_RECORDED,
  pseudonymKey,
  pseudonymizer,
  type ClaimFacts,
  type FactRow,
} from '@remedy/statistics';

const ROWS_PER_INSERT = 5_000;

const COMMON_CITIZENSHIPS = [
  'UA',
  'RO',
  'NG',
  'MD',
  'BG',
  'VN',
  'CN',
  'PH',
  'HU',
  'SK',
  'PK',
  'IN',
  'BD',
  'AF',
  'SY',
  'ER',
  'MA',
  'AL',
  'RS',
  'BA',
  'GE',
  'AM',
  'UZ',
  'TJ',
  'KG',
  'BY',
  'RU',
  'TH',
  'ID',
  'NP',
  'LK',
  'GH',
  'CM',
  'SN',
  'CI',
  'GN',
  'DZ',
  'TN',
  'EG',
  'BR',
].filter((c) => (COUNTRY_CODES as readonly string[]).includes(c));
const ADULT_AGE_GROUPS = AGE_GROUPS.filter((g) => !CHILD_AGE_GROUPS.includes(g) && g !== 'unknown');
const CURRENCIES = [
  ['EUR', 0.8],
  ['USD', 0.1],
  ['GBP', 0.05],
  ['UAH', 0.05],
] as const;
/** Minor units per EUR-ish unit of each currency (for amounts of a plausible size). */
const PER_EUR: Record<string, number> = { EUR: 100, USD: 108, GBP: 85, UAH: 4_500 };
const COOPERATION = [NOT_RECORDED, ...LAW_ENFORCEMENT_COOPERATION];

interface ClaimRow {
  readonly claim_id: string;
  readonly case_id: string;
  readonly avenue: string;
  readonly respondent_kind: string;
  readonly currency: string;
  readonly status: string;
  readonly claimed_total: number;
  readonly awarded_total: number | null;
  readonly paid_total: number;
  readonly outstanding: number;
  readonly filed_on: string;
}

/** One case's fact row in `year` and its claims (exact amounts for legal_aid_claims). */
function generateCase(
  r: Rng,
  index: number,
  year: number,
  seed: number,
): { row: FactRow & { row_key: string }; claims: ClaimRow[] } {
  const identified = r.chance(0.7);
  const decided = identified || r.chance(0.2);
  const status = decided
    ? r.chance(0.5)
      ? VICTIM_STATUSES[0]
      : r.chance(0.8)
        ? VICTIM_STATUSES[1]
        : VICTIM_STATUSES[2]
    : NOT_IDENTIFIED;
  const child = r.chance(0.2);
  const ageGroup = child
    ? r.skewed(['12-17', '0-11', 'child_age_unknown'] as const)
    : r.chance(0.03)
      ? 'unknown'
      : r.skewed(ADULT_AGE_GROUPS);
  const forms = decided ? r.some(FORMS_OF_EXPLOITATION, r.chance(0.25) ? 2 : 1) : [];
  const labour = forms.some((f) => /Labour/.test(f));
  const assisted = r.chance(0.6);
  const assistance = assisted ? r.some(ASSISTANCE_TYPES, r.int(1, 5)) : [];
  const cooperation = r.skewed(COOPERATION);
  const childDecisions = child && r.chance(0.5) ? r.int(1, 3) : 0;
  const claims: ClaimRow[] = [];
  const claimFacts: ClaimFacts[] = [];
  if (r.chance(0.08)) {
    for (let c = r.int(1, 2); c > 0; c--) {
      const roll = r.next();
      let acc = 0;
      const currency = CURRENCIES.find(([, p]) => (acc += p) >= roll)?.[0] ?? 'EUR';
      const claimed = r.logNormal(8_000) * PER_EUR[currency]!;
      const outcome = r.skewed(['pending', 'awarded', 'partly_awarded', 'rejected'] as const);
      const awarded =
        outcome === 'awarded'
          ? claimed
          : outcome === 'partly_awarded'
            ? Math.round(claimed * (0.2 + 0.6 * r.next()))
            : 0;
      const paid =
        awarded > 0 && r.chance(0.6)
          ? r.chance(0.5)
            ? awarded
            : Math.round(awarded * r.next())
          : 0;
      const avenue = r.skewed(REMEDY_AVENUES);
      const respondentKind = r.skewed(CLAIM_RESPONDENT_KINDS);
      claimFacts.push({
        avenue,
        respondentKind,
        currency,
        filedYear: year,
        outcome,
        awarded,
        paid,
        ...(outcome !== 'pending' ? { decidedYear: year } : {}),
      });
      claims.push({
        claim_id: randomUUID(),
        case_id: `bench-${seed}-${index}`,
        avenue,
        respondent_kind: respondentKind,
        currency,
        status: outcome === 'pending' ? 'filed' : 'decided',
        claimed_total: claimed,
        awarded_total: outcome === 'pending' ? null : awarded,
        paid_total: paid,
        outstanding: Math.max(awarded - paid, 0),
        filed_on: `${year}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`,
      });
    }
  }
  const citizenships = r.chance(0.02)
    ? [r.pick(['STATELESS', 'UNKNOWN'])]
    : r.some(COMMON_CITIZENSHIPS, r.chance(0.06) ? 2 : 1);
  return {
    row: {
      row_key: createHash('sha256').update(`bench:${seed}:${index}`).digest('hex'),
      year,
      identification_year: decided ? year - (identified ? 0 : r.int(1, 3)) : null,
      sex_gender: r.skewed(SEX_GENDER),
      age_group: ageGroup,
      citizenships,
      status,
      deciding_body: decided ? r.skewed(DECIDING_BODIES) : NOT_RECORDED,
      identified_in_year: identified,
      forms,
      sectors: labour ? r.some(SECTORS, r.int(1, 2)) : [],
      referral_source: r.skewed(REFERRAL_SOURCES),
      assistance_types: assistance.sort(),
      assisted,
      assisted_while_not_cooperating: assisted && cooperation !== 'cooperating' && r.chance(0.8),
      cooperation,
      reflection_granted: r.chance(0.3),
      child_decisions: childDecisions,
      child_decisions_assessed: childDecisions > 0 && r.chance(0.8) ? childDecisions : 0,
      remedies: r.chance(0.15) ? [`${r.skewed(REMEDY_TYPES)}|${r.skewed(REMEDY_AVENUES)}`] : [],
      claims: claimFacts.map((c) => claimFactRow(c, DEFAULT_REFERENCE_RATES)),
      objects: r.chance(0.01),
    },
    claims,
  };
}

const FACT_COLUMNS =
  'row_key text, year smallint, identification_year smallint, sex_gender text, age_group text, citizenships text[], status text, deciding_body text, identified_in_year boolean, forms text[], sectors text[], referral_source text, assistance_types text[], assisted boolean, assisted_while_not_cooperating boolean, cooperation text, reflection_granted boolean, child_decisions integer, child_decisions_assessed integer, remedies text[], claims jsonb, objects boolean, person_key text';
const FACT_NAMES = FACT_COLUMNS.split(', ')
  .map((c) => c.split(' ')[0])
  .join(', ');
const CLAIM_COLUMNS =
  'claim_id text, case_id text, avenue text, respondent_kind text, currency text, status text, claimed_total bigint, awarded_total bigint, paid_total bigint, outstanding bigint, filed_on date';
const CLAIM_NAMES = CLAIM_COLUMNS.split(', ')
  .map((c) => c.split(' ')[0])
  .join(', ');

export interface SeedFactsResult {
  readonly cases: number;
  readonly claims: number;
  readonly seconds: number;
}

/**
 * Adds `cases` fact rows for cases `from` … `from + cases − 1` of `seed` (so a second call with
 * `from` = the first call's count grows the same data set) and their claims.
 */
export async function seedStatisticsFacts(
  databaseUrl: string,
  cases: number,
  options: { year?: number; seed?: number; from?: number; log?: (line: string) => void } = {},
): Promise<SeedFactsResult> {
  const year = options.year ?? 2024;
  const seed = options.seed ?? 1;
  const from = options.from ?? 0;
  const r = prng(seed * 7_919 + from);
  // Each case its own person, keyed as the projection keys an unlinked case with this process's
  // pseudonym key: the persons refresh of a release build then finds nothing to change (no
  // linkage tables in a bench database), the steady state, and the build pays only its read.
  const persons = pseudonymizer(await pseudonymKey());
  // Two connections: the next batch is generated while the previous one is inserted.
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  const started = performance.now();
  let claimCount = 0;
  let inFlight: Promise<unknown> = Promise.resolve();
  try {
    for (let start = 0; start < cases; start += ROWS_PER_INSERT) {
      const rows: (FactRow & { row_key: string })[] = [];
      const claims: ClaimRow[] = [];
      for (let i = start; i < Math.min(cases, start + ROWS_PER_INSERT); i++) {
        const generated = generateCase(r, from + i, year, seed);
        rows.push({ ...generated.row, person_key: persons.ownPersonKey(generated.row.row_key) });
        claims.push(...generated.claims);
      }
      claimCount += claims.length;
      const factsJson = JSON.stringify(rows);
      const claimsJson = JSON.stringify(claims);
      await inFlight;
      inFlight = Promise.all([
        pool.query(
          `INSERT INTO statistics_case_facts (${FACT_NAMES})
           SELECT ${FACT_NAMES} FROM jsonb_to_recordset($1::jsonb) AS x(${FACT_COLUMNS})`,
          [factsJson],
        ),
        claims.length > 0
          ? pool.query(
              `INSERT INTO legal_aid_claims (${CLAIM_NAMES}, claimed, filed_late, last_revision, updated_at)
               SELECT ${CLAIM_NAMES}, '{}'::jsonb, false, 0, now() FROM jsonb_to_recordset($1::jsonb) AS x(${CLAIM_COLUMNS})`,
              [claimsJson],
            )
          : undefined,
      ]);
      if ((start / ROWS_PER_INSERT) % 40 === 39)
        options.log?.(`  … ${(start + ROWS_PER_INSERT).toLocaleString('en')} fact rows`);
    }
    await inFlight;
    await pool.query('ANALYZE statistics_case_facts');
    await pool.query('ANALYZE legal_aid_claims');
  } finally {
    await inFlight.catch(() => undefined);
    await pool.end();
  }
  return { cases, claims: claimCount, seconds: (performance.now() - started) / 1000 };
}

if (require.main === module) {
  const [url, cases = '100000', year = '2024'] = process.argv.slice(2);
  if (!url) {
    console.error('usage: node dist/bench/seed/statistics-facts.js <database-url> [cases] [year]');
    process.exit(2);
  }
  seedStatisticsFacts(url, Number(cases), { year: Number(year), log: console.log })
    .then((r) =>
      console.log(
        `${r.cases.toLocaleString('en')} fact rows, ${r.claims.toLocaleString('en')} claims in ${r.seconds.toFixed(1)} s`,
      ),
    )
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
