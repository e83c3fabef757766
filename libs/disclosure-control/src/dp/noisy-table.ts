import { ok, refuse, type Result } from '../result';
import { add, isPositive, multiply, rational, type Rational } from '../rational';
import { cubeCounts } from '../tables/graph';
import {
  coordinatesKey,
  cubeCoordinates,
  isInterior,
  type CountTable,
  type PublishedTable,
} from '../tables/model';
import { validateSpec } from '../tables/graph';
import type { PrivacyCost } from './ledger';
import type { RandomSource } from './random';
import { discreteGaussian, discreteLaplace } from './samplers';

/**
 * `cellsPerPerson` (default 1) is the most interior cells of the table one person can add to (1 for
 * a table where each person is in one cell, e.g. victims by year of identification × sex; more for
 * "assistance received by kind" where a person may count in several). It sets the sensitivity:
 * L1 = c for Laplace, L2² = c for Gaussian.
 */
export type Mechanism =
  | {
      readonly kind: 'discrete-laplace';
      readonly epsilon: Rational;
      readonly cellsPerPerson?: number;
    }
  | {
      readonly kind: 'discrete-gaussian';
      readonly sigma2: Rational;
      readonly cellsPerPerson?: number;
    };

export interface NoisyTable {
  readonly table: PublishedTable;
  /** What the table costs: ε (pure DP) for Laplace, ρ (zero-concentrated DP) for Gaussian. */
  readonly cost: PrivacyCost;
}

/**
 * Noise on every interior cell, then post-processing (which costs no privacy): a noisy count below
 * 0 becomes 0, and every margin is the sum of the published (noisy, clamped) interior cells, so the
 * table adds up. The true margins are never used. No threshold suppression is applied on top.
 */
export function noisyTable(
  table: CountTable,
  mechanism: Mechanism,
  random: RandomSource,
): Result<NoisyTable> {
  const problem = validateSpec(table.spec);
  if (problem) return refuse('INVALID_INPUT', problem);
  const cellsPerPerson = mechanism.cellsPerPerson ?? 1;
  if (!Number.isSafeInteger(cellsPerPerson) || cellsPerPerson < 1)
    return refuse('INVALID_INPUT', 'cellsPerPerson must be a positive integer');
  const c = rational(cellsPerPerson);
  let noise: () => bigint;
  let cost: PrivacyCost;
  if (mechanism.kind === 'discrete-laplace') {
    if (!isPositive(mechanism.epsilon)) return refuse('INVALID_INPUT', 'epsilon must be positive');
    const scale = multiply(c, rational(mechanism.epsilon.den, mechanism.epsilon.num));
    noise = () => discreteLaplace(random, scale);
    cost = { unit: 'epsilon', amount: mechanism.epsilon };
  } else if (mechanism.kind === 'discrete-gaussian') {
    if (!isPositive(mechanism.sigma2)) return refuse('INVALID_INPUT', 'sigma2 must be positive');
    noise = () => discreteGaussian(random, mechanism.sigma2);
    cost = {
      unit: 'rho',
      amount: multiply(c, rational(mechanism.sigma2.den, 2n * mechanism.sigma2.num)),
    };
  } else return refuse('INVALID_INPUT', 'unknown mechanism');

  const truth = cubeCounts(table);
  if (!truth.ok) return truth;
  const coordinates = cubeCoordinates(table.spec);
  const interior = coordinates.filter(isInterior);
  const noisy = new Map<string, number>();
  for (const at of interior) {
    const value = BigInt(truth.value.get(coordinatesKey(at))!) + noise();
    noisy.set(coordinatesKey(at), value < 0n ? 0 : Number(value));
  }
  const cells = coordinates.map((at) => {
    let sum = 0;
    for (const cell of interior)
      if (at.every((value, i) => value === null || value === cell[i]))
        sum += noisy.get(coordinatesKey(cell))!;
    return { at, value: sum };
  });
  return ok({ table: { spec: table.spec, cells }, cost });
}

/**
 * Every table of a release noised with the same mechanism, each independently; the cost is the sum
 * of the tables' costs (basic composition: one person may be counted in every table). Shared margins
 * of two tables are then two different noisy figures.
 */
export function noisyRelease(
  tables: readonly CountTable[],
  mechanism: Mechanism,
  random: RandomSource,
): Result<{ readonly tables: readonly PublishedTable[]; readonly cost: PrivacyCost }> {
  if (tables.length === 0) return refuse('INVALID_INPUT', 'a release needs at least one table');
  const published: PublishedTable[] = [];
  let amount: Rational | null = null;
  let unit: PrivacyCost['unit'] = 'epsilon';
  for (const table of tables) {
    const result = noisyTable(table, mechanism, random);
    if (!result.ok) return result;
    published.push(result.value.table);
    unit = result.value.cost.unit;
    amount = amount === null ? result.value.cost.amount : add(amount, result.value.cost.amount);
  }
  return ok({ tables: published, cost: { unit, amount: amount! } });
}
