import { convertMinorUnits, CURRENCY_CODES, isCode, yearOf } from '@remedy/case-domain';
import { referenceRatesShape, type ReferenceRates } from '@remedy/config';

/**
 * OUTCOME FIGURES of compensation claims for statistics (issue item 6), pure.
 *
 * Per avenue and year:
 * - `filed`: claims filed that year (year of `filedOn`);
 * - `decided`: claims whose first decision fell in that year;
 * - `awarded`: claims whose standing award (latest decision) is above 0, by the year of that
 *   decision (an award on appeal counts in the appeal's year);
 * - `paidInFull` / `paidInPart`: of those awarded claims, paid ≥ award / 0 < paid < award (to date);
 * - money, for the awarded claims of that year: `awarded` and `paid` (to date) converted into the
 *   reference currency at that year's reference rate, and `sharePaid` = paid / awarded of the
 *   converted sums. A claim whose currency has no rate for the year is never converted silently:
 *   its sums are reported under `unconverted`, per currency.
 * Amounts are integer minor units; conversion is exact (BigInt, round half up, per claim).
 */

/** The facts of one claim that the figures need (coarse facts: they survive erasure). */
export interface ClaimOutcomeFacts {
  readonly avenue: string;
  readonly currency: string;
  readonly filedOn: string;
  /** Every decision, in order (first instance, then appeals). */
  readonly decisions: readonly { readonly awardedTotal: number; readonly decidedOn: string }[];
  readonly paidTotal: number;
}

/**
 * Yearly reference exchange rates: `years[YYYY][CUR]` = units of `referenceCurrency` per unit of
 * CUR, as a decimal string (e.g. { "2025": { "USD": "0.9243" } } for EUR). The reference
 * currency converts at 1 without an entry. One definition with the `LEGAL_AID_REFERENCE_RATES`
 * setting of @remedy/config (validated at start-up, default table shipped; the statistics fact
 * rows band claim amounts with the same table).
 */
export type { ReferenceRates };
export const referenceRatesSchema = referenceRatesShape;

/** Validates a rates table (e.g. parsed from LEGAL_AID_REFERENCE_RATES); throws naming the field. */
export function parseReferenceRates(value: unknown): ReferenceRates {
  const parsed = referenceRatesSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RangeError(
      `Invalid reference rates: ${issue.path.join('.') || '(root)'} (${issue.message})`,
    );
  }
  return parsed.data as ReferenceRates;
}

/** The rates table from the environment: `LEGAL_AID_REFERENCE_RATES` (JSON); none → no conversion. */
export function referenceRatesFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ReferenceRates | undefined {
  const text = env.LEGAL_AID_REFERENCE_RATES;
  if (text === undefined || text.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RangeError('Invalid reference rates: LEGAL_AID_REFERENCE_RATES is not JSON');
  }
  return parseReferenceRates(json);
}

export interface UnconvertedSums {
  readonly currency: string;
  readonly claims: number;
  readonly awarded: number;
  readonly paid: number;
}

export interface OutcomeRow {
  readonly avenue: string;
  readonly year: number;
  readonly filed: number;
  readonly decided: number;
  readonly awarded: number;
  readonly paidInFull: number;
  readonly paidInPart: number;
  /** Sums of the awarded claims converted at the year's reference rates. */
  readonly converted: {
    readonly currency: string;
    readonly claims: number;
    readonly awarded: number;
    readonly paid: number;
    /** paid / awarded of the converted sums; null when nothing converted was awarded. */
    readonly sharePaid: number | null;
  };
  /** Sums in currencies without a reference rate for the year, per currency (never mixed). */
  readonly unconverted: readonly UnconvertedSums[];
}

export interface OutcomeFigures {
  readonly referenceCurrency: string | null;
  readonly rows: readonly OutcomeRow[];
}

interface Acc {
  filed: number;
  decided: number;
  awarded: number;
  paidInFull: number;
  paidInPart: number;
  convClaims: number;
  convAwarded: number;
  convPaid: number;
  unconverted: Map<string, { claims: number; awarded: number; paid: number }>;
}

const rateFor = (
  rates: ReferenceRates | undefined,
  year: number,
  currency: string,
): string | undefined => {
  if (!rates) return undefined;
  if (currency === rates.referenceCurrency) return '1';
  return rates.years[String(year)]?.[currency];
};

/** The outcome figures of these claims (pure; order of the input does not matter). */
export function outcomeFigures(
  claims: readonly ClaimOutcomeFacts[],
  rates?: ReferenceRates,
): OutcomeFigures {
  const acc = new Map<string, Acc>();
  const at = (avenue: string, year: number): Acc => {
    const key = `${avenue}\u0000${year}`;
    let a = acc.get(key);
    if (!a) {
      a = {
        filed: 0,
        decided: 0,
        awarded: 0,
        paidInFull: 0,
        paidInPart: 0,
        convClaims: 0,
        convAwarded: 0,
        convPaid: 0,
        unconverted: new Map(),
      };
      acc.set(key, a);
    }
    return a;
  };
  for (const c of claims) {
    at(c.avenue, yearOf(c.filedOn)).filed += 1;
    const first = c.decisions[0];
    if (first) at(c.avenue, yearOf(first.decidedOn)).decided += 1;
    const standing = c.decisions[c.decisions.length - 1];
    if (!standing || standing.awardedTotal <= 0) continue;
    const year = yearOf(standing.decidedOn);
    const a = at(c.avenue, year);
    a.awarded += 1;
    if (c.paidTotal >= standing.awardedTotal) a.paidInFull += 1;
    else if (c.paidTotal > 0) a.paidInPart += 1;
    const rate = rateFor(rates, year, c.currency);
    if (rates && rate !== undefined && isCode(CURRENCY_CODES, c.currency)) {
      a.convClaims += 1;
      a.convAwarded += convertMinorUnits(
        standing.awardedTotal,
        c.currency,
        rates.referenceCurrency,
        rate,
      );
      a.convPaid += convertMinorUnits(c.paidTotal, c.currency, rates.referenceCurrency, rate);
    } else {
      const u = a.unconverted.get(c.currency) ?? { claims: 0, awarded: 0, paid: 0 };
      u.claims += 1;
      u.awarded += standing.awardedTotal;
      u.paid += c.paidTotal;
      a.unconverted.set(c.currency, u);
    }
  }
  const rows: OutcomeRow[] = [...acc.entries()]
    .map(([key, a]) => {
      const [avenue, year] = key.split('\u0000') as [string, string];
      return {
        avenue,
        year: Number(year),
        filed: a.filed,
        decided: a.decided,
        awarded: a.awarded,
        paidInFull: a.paidInFull,
        paidInPart: a.paidInPart,
        converted: {
          currency: rates?.referenceCurrency ?? '',
          claims: a.convClaims,
          awarded: a.convAwarded,
          paid: a.convPaid,
          sharePaid: a.convAwarded > 0 ? a.convPaid / a.convAwarded : null,
        },
        unconverted: [...a.unconverted.entries()]
          .sort(([x], [y]) => x.localeCompare(y))
          .map(([currency, u]) => ({ currency, ...u })),
      };
    })
    .sort((x, y) => x.avenue.localeCompare(y.avenue) || x.year - y.year);
  return { referenceCurrency: rates?.referenceCurrency ?? null, rows };
}
