import { ok, refuse, type Result } from '../result';
import { add, compare, format, isPositive, subtract, ZERO, type Rational } from '../rational';

/**
 * The privacy-budget ledger: an append-only list of charges, and pure functions over it. One budget
 * per period (e.g. a reporting year), shared by every rapporteur: the ledger is not keyed by who
 * asks. Two units, accounted separately: `epsilon` for pure ε-DP releases (discrete Laplace; they
 * add up by basic composition) and `rho` for ρ-zCDP releases (discrete Gaussian; they add up too).
 * Sums are exact rationals.
 */
export type BudgetUnit = 'epsilon' | 'rho';

export interface PrivacyCost {
  readonly unit: BudgetUnit;
  readonly amount: Rational;
}

export interface LedgerEntry {
  readonly period: string;
  /** Opaque id of the release charged. */
  readonly release: string;
  readonly cost: PrivacyCost;
}

export interface PrivacyLedger {
  /** Budget per period and unit; a unit without a budget has none to spend. */
  readonly budget: { readonly epsilon?: Rational; readonly rho?: Rational };
  readonly entries: readonly LedgerEntry[];
}

export function spent(ledger: PrivacyLedger, period: string, unit: BudgetUnit): Rational {
  return ledger.entries
    .filter((entry) => entry.period === period && entry.cost.unit === unit)
    .reduce((sum, entry) => add(sum, entry.cost.amount), ZERO);
}

export function remaining(ledger: PrivacyLedger, period: string, unit: BudgetUnit): Rational {
  const budget = ledger.budget[unit] ?? ZERO;
  const left = subtract(budget, spent(ledger, period, unit));
  return compare(left, ZERO) < 0 ? ZERO : left;
}

/**
 * Charge a release to a period. Refuses (`PRIVACY_BUDGET_EXCEEDED`) a charge that would take the
 * period's spending above its budget, and (`RELEASE_ALREADY_CHARGED`) a release id already charged
 * in that period; otherwise returns the ledger with the entry appended (the input is not changed).
 */
export function spend(
  ledger: PrivacyLedger,
  period: string,
  cost: PrivacyCost,
  release: string,
): Result<PrivacyLedger> {
  if (typeof period !== 'string' || period === '')
    return refuse('INVALID_INPUT', 'period must be a non-empty string');
  if (typeof release !== 'string' || release === '')
    return refuse('INVALID_INPUT', 'release must be a non-empty id');
  if (cost.unit !== 'epsilon' && cost.unit !== 'rho')
    return refuse('INVALID_INPUT', 'cost unit must be epsilon or rho');
  if (!isPositive(cost.amount)) return refuse('INVALID_INPUT', 'a privacy cost must be positive');
  if (ledger.entries.some((entry) => entry.period === period && entry.release === release))
    return refuse(
      'RELEASE_ALREADY_CHARGED',
      `release ${release} is already charged to period ${period}`,
    );
  const budget = ledger.budget[cost.unit] ?? ZERO;
  const after = add(spent(ledger, period, cost.unit), cost.amount);
  if (compare(after, budget) > 0)
    return refuse(
      'PRIVACY_BUDGET_EXCEEDED',
      `period ${period}: ${cost.unit} spent would be ${format(after)}, above the budget ${format(budget)}`,
    );
  return ok({ ...ledger, entries: [...ledger.entries, { period, release, cost }] });
}
