import type highsLoader from 'highs';

export type Highs = Awaited<ReturnType<typeof highsLoader>>;

/**
 * The optimum of an attacker's linear program over what a release publishes (the specs' bound on
 * what an intruder can infer of a cell): `objective` minimised or maximised subject to `rows`
 * (CPLEX LP syntax); Infinity when unbounded.
 */
export function attackerOptimum(
  highs: Highs,
  direction: 'Minimize' | 'Maximize',
  objective: string,
  rows: readonly string[],
  who: string,
): number {
  const lp = [
    direction,
    ` obj: ${objective}`,
    'Subject To',
    ...rows.map((row, i) => ` r${i}: ${row}`),
    'End',
    '',
  ].join('\n');
  const solution = highs.solve(lp, {});
  if (solution.Status === 'Unbounded') return Infinity;
  if (solution.Status !== 'Optimal') throw new Error(`${who} LP: ${solution.Status}`);
  return solution.ObjectiveValue;
}
