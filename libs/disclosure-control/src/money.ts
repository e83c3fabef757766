import { ok, refuse, type Result } from './result';
import { cubeCounts, isList, validateSpec } from './tables/graph';
import {
  coordinatesKey,
  cubeCoordinates,
  type Coordinates,
  type CountTable,
  type PublishedTable,
  type SuppressionReason,
  type TableSpec,
} from './tables/model';
import { protectRelease, type ProtectOptions, type ProtectedRelease } from './suppression/protect';

/**
 * Sums of money (e.g. compensation awarded or paid) published only where enough claims stand
 * behind them. A (count, sum) table: each interior cell holds the number of claims and the sum of
 * their amounts in integer minor units of one ISO 4217 currency.
 *
 * The amounts follow the suppression pattern of the claim counts, protected like any count table
 * (threshold k, secondary suppression, LP audit): an amount is published exactly where its claim
 * count is published, so every published amount stands on at least k claims (or on none: then it
 * is 0), and every suppressed amount shares each of its equations with another suppressed amount.
 */
export interface AmountCell {
  readonly at: readonly string[];
  readonly claims: number;
  readonly amountMinor: number;
}

export interface AmountTable {
  readonly spec: TableSpec;
  readonly currency: string;
  readonly cells: readonly AmountCell[];
}

export type PublishedAmountCell =
  | { readonly at: Coordinates; readonly amountMinor: number; readonly suppressed?: undefined }
  | {
      readonly at: Coordinates;
      readonly amountMinor: null;
      readonly suppressed: SuppressionReason;
    };

export interface PublishedAmountTable {
  readonly spec: TableSpec;
  readonly currency: string;
  readonly cells: readonly PublishedAmountCell[];
}

/** The claim counts of an amount table, to protect in a release with the other count tables. */
export const claimCounts = (table: AmountTable): CountTable => ({
  spec: table.spec,
  cells: table.cells.map(({ at, claims }) => ({ at, count: claims })),
});

/**
 * The amounts of `table`, published where `protectedClaims` (its claim-count table, protected by
 * `protectRelease`, possibly with other tables sharing margins) publishes the count.
 */
export function publishAmounts(
  table: AmountTable,
  protectedClaims: PublishedTable,
): Result<PublishedAmountTable> {
  const problem = validateSpec(table.spec);
  if (problem) return refuse('INVALID_INPUT', problem);
  if (typeof table.currency !== 'string' || !/^[A-Z]{3}$/.test(table.currency))
    return refuse('INVALID_INPUT', `table ${table.spec.id}: currency must be an ISO 4217 code`);
  if (protectedClaims.spec.id !== table.spec.id)
    return refuse(
      'INVALID_INPUT',
      `the protected claim counts are not those of table ${table.spec.id}`,
    );
  if (!isList(table.cells))
    return refuse('INVALID_INPUT', `table ${table.spec.id}: cells must be a list`);
  for (const cell of table.cells) {
    if (!Number.isSafeInteger(cell.amountMinor) || cell.amountMinor < 0)
      return refuse(
        'INVALID_INPUT',
        `table ${table.spec.id}: an amount must be a non-negative integer of minor units`,
      );
    if (cell.claims === 0 && cell.amountMinor !== 0)
      return refuse('INVALID_INPUT', `table ${table.spec.id}: a cell without claims has an amount`);
  }
  const claims = cubeCounts(claimCounts(table));
  if (!claims.ok) return claims;
  const amounts = cubeCounts({
    spec: table.spec,
    cells: table.cells.map(({ at, amountMinor }) => ({ at, count: amountMinor })),
  });
  if (!amounts.ok) return amounts;
  const shown = new Map(protectedClaims.cells.map((cell) => [coordinatesKey(cell.at), cell]));
  const cells: PublishedAmountCell[] = [];
  for (const at of cubeCoordinates(table.spec)) {
    const key = coordinatesKey(at);
    const count = shown.get(key);
    if (!count)
      return refuse(
        'INVALID_INPUT',
        `the protected claim counts of table ${table.spec.id} lack a cell`,
      );
    if (count.value === null) cells.push({ at, amountMinor: null, suppressed: count.suppressed });
    else cells.push({ at, amountMinor: amounts.value.get(key)! });
  }
  return ok({ spec: table.spec, currency: table.currency, cells });
}

/** A standalone amount table: protect its claim counts, then publish the amounts on that pattern. */
export function protectAmounts(
  table: AmountTable,
  options: ProtectOptions = {},
): Result<{ readonly claims: ProtectedRelease; readonly amounts: PublishedAmountTable }> {
  const claims = protectRelease([claimCounts(table)], options);
  if (!claims.ok) return claims;
  const amounts = publishAmounts(table, claims.value.tables[0]!);
  if (!amounts.ok) return amounts;
  return ok({ claims: claims.value, amounts: amounts.value });
}

/** The p of the p% dominance rule for sums of money (see README "Money"). */
export const DOMINANCE_P_PERCENT = 15;

/**
 * The p% rule: a sum is sensitive when the second largest contributor, subtracting its own
 * contribution from the published sum, would estimate the largest one within p %:
 * `sum − x1 − x2 < p/100 · x1` (x1 ≥ x2 the two largest contributions, integer minor units).
 * A sum of one or two non-zero contributions is always sensitive; a sum of 0 is not.
 */
export function dominated(
  contributions: readonly number[],
  pPercent: number = DOMINANCE_P_PERCENT,
): boolean {
  let x1 = 0;
  let x2 = 0;
  let sum = 0;
  for (const x of contributions) {
    sum += x;
    if (x > x1) [x1, x2] = [x, x1];
    else if (x > x2) x2 = x;
  }
  return (sum - x1 - x2) * 100 < pPercent * x1;
}
