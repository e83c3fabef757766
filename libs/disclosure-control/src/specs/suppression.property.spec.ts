import fc from 'fast-check';
import highsLoader from 'highs';
import {
  protectRelease,
  type CellRef,
  type Coordinates,
  type CountTable,
  type Dimension,
  type PublishedTable,
} from '..';
import { attackerOptimum, type Highs } from './attacker-lp';

/**
 * Random releases drawn from random microdata: a joint table of one population over up to four
 * dimensions, and two or three published tables that are marginals of it (so they share margins,
 * and with three tables the catalogue is sometimes cyclic). The check of every suppressed cell is
 * an intruder's LP written here independently of the module, and solved by another solver (HiGHS,
 * where the module uses yalps): unknowns are the joint cells, every published figure (exact, or ± 2
 * when rounded to base 5) is a constraint.
 */
const POOL: readonly Dimension[] = [
  { name: 'year', values: ['2022', '2023', '2024'] },
  { name: 'sex', values: ['F', 'M'] },
  { name: 'age', values: ['child', 'adult'] },
  { name: 'form', values: ['labour', 'sexual'] },
];
const POPULATION = 'identified-victims';

type Joint = Map<string, number>; // JSON of the value per pool dimension → count

const jointCells = (dimensions: readonly Dimension[]): string[][] =>
  dimensions.reduce<string[][]>(
    (rows, d) => rows.flatMap((row) => d.values.map((v) => [...row, v])),
    [[]],
  );

const countArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 9 }) },
  { weight: 4, arbitrary: fc.integer({ min: 10, max: 40 }) },
);

interface Scenario {
  readonly joint: Joint;
  readonly tables: readonly CountTable[];
  readonly k: number;
  readonly zeros: 'publish' | 'suppress';
  readonly roundingBase: 5 | undefined;
  readonly previous: readonly CellRef[];
}

/** The true value of a published cell, summed from the joint table. */
function truth(joint: Joint, table: CountTable, at: Coordinates): number {
  let sum = 0;
  for (const [cell, count] of joint) {
    const values = JSON.parse(cell) as string[];
    const matches = table.spec.dimensions.every((d, i) => {
      const wanted = at[i];
      return wanted === null || values[POOL.findIndex((p) => p.name === d.name)] === wanted;
    });
    if (matches) sum += count;
  }
  return sum;
}

function cube(table: CountTable): Coordinates[] {
  return table.spec.dimensions.reduce<(string | null)[][]>(
    (rows, d) => rows.flatMap((row) => [...d.values, null].map((v) => [...row, v])),
    [[]],
  );
}

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    counts: fc.array(countArb, { minLength: 24, maxLength: 24 }),
    subsets: fc.array(fc.subarray([0, 1, 2, 3], { minLength: 1, maxLength: 2 }), {
      minLength: 2,
      maxLength: 3,
    }),
    forceShared: fc.boolean(),
    k: fc.constantFrom(10, 11, 12, 15),
    zeros: fc.constantFrom('publish' as const, 'suppress' as const),
    roundingBase: fc.constantFrom(5 as const, undefined),
    previousSeed: fc.array(fc.nat(), { maxLength: 4 }),
  })
  .map(({ counts, subsets, forceShared, k, zeros, roundingBase, previousSeed }) => {
    const joint: Joint = new Map(
      jointCells(POOL).map((cell, i) => [JSON.stringify(cell), counts[i]!]),
    );
    // At least two tables share the year dimension when forceShared.
    const chosen = subsets.map((s, i) => (forceShared && i < 2 && !s.includes(0) ? [0, ...s] : s));
    const tables: CountTable[] = chosen.map((indexes, t) => {
      const dimensions = [...new Set(indexes)].sort().map((i) => POOL[i]!);
      const spec = { id: `t${t}`, population: POPULATION, dimensions };
      const draft: CountTable = { spec, cells: [] };
      const cells = jointCells(dimensions).map((at) => ({ at, count: truth(joint, draft, at) }));
      return { spec, cells: cells.filter((c) => c.count !== 0 || t % 2 === 0) };
    });
    const allCells = tables.flatMap((table) =>
      cube(table).map((at) => ({ table: table.spec.id, at })),
    );
    const previous = previousSeed.map((n) => allCells[n % allCells.length]!);
    return { joint, tables, k, zeros, roundingBase, previous };
  });

let highs: Highs;
beforeAll(async () => {
  highs = await highsLoader();
});

/** Intruder's interval for a suppressed cell, from the published release only. */
function intruderInterval(
  published: readonly PublishedTable[],
  target: { table: PublishedTable; at: Coordinates },
  slack: number,
): { min: number; max: number } {
  const names = [...new Set(published.flatMap((t) => t.spec.dimensions.map((d) => d.name)))];
  const all = published.flatMap((t) => t.spec.dimensions);
  const cells = jointCells(names.map((n) => all.find((d) => d.name === n)!));
  const sumOf = (table: PublishedTable, at: Coordinates): string =>
    cells
      .flatMap((cell, j) =>
        table.spec.dimensions.every(
          (d, i) => at[i] === null || cell[names.indexOf(d.name)] === at[i],
        )
          ? [`x${j}`]
          : [],
      )
      .join(' + ');
  const rows: string[] = [];
  for (const table of published)
    for (const cell of table.cells) {
      if (cell.value === null) continue;
      const sum = sumOf(table, cell.at);
      if (slack === 0) rows.push(`${sum} = ${cell.value}`);
      else
        rows.push(
          `${sum} >= ${Math.max(0, cell.value - slack)}`,
          `${sum} <= ${cell.value + slack}`,
        );
    }
  const run = (direction: 'Minimize' | 'Maximize') =>
    attackerOptimum(highs, direction, sumOf(target.table, target.at), rows, 'intruder');
  return { min: run('Minimize'), max: run('Maximize') };
}

describe('protectRelease: properties over random releases', () => {
  it('publishes no count below k, protects every suppressed cell by an interval at least k wide, keeps earlier suppressions', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const result = protectRelease(s.tables, {
          k: s.k,
          zeros: s.zeros,
          roundingBase: s.roundingBase,
          previouslySuppressed: s.previous,
        });
        if (!result.ok) throw new Error(result.error.message);
        const published = result.value.tables;
        const status = new Map<string, number | string>(); // quantity meaning → published value or suppression
        published.forEach((table, t) => {
          const input = s.tables[t]!;
          expect(table.cells.map((c) => c.at)).toEqual(cube(input));
          for (const cell of table.cells) {
            const trueValue = truth(s.joint, input, cell.at);
            const meaning = JSON.stringify(
              input.spec.dimensions
                .map((d, i) => [d.name, cell.at[i]])
                .filter(([, v]) => v !== null),
            );
            const shown = cell.value === null ? 'suppressed' : cell.value;
            if (status.has(meaning)) expect(shown).toBe(status.get(meaning));
            status.set(meaning, shown);
            if (cell.value === null) {
              const primary =
                (trueValue > 0 && trueValue < s.k) || (trueValue === 0 && s.zeros === 'suppress');
              expect(cell.suppressed).toBe(primary ? 'primary' : 'secondary');
              continue;
            }
            if (trueValue === 0) expect(s.zeros).toBe('publish');
            else expect(trueValue).toBeGreaterThanOrEqual(s.k);
            if (s.roundingBase === undefined) expect(cell.value).toBe(trueValue);
            else {
              expect(cell.value % 5).toBe(0);
              expect(Math.abs(cell.value - trueValue)).toBeLessThanOrEqual(2);
            }
          }
        });
        for (const ref of s.previous) {
          const table = published.find((t) => t.spec.id === ref.table)!;
          const cell = table.cells.find((c) => JSON.stringify(c.at) === JSON.stringify(ref.at))!;
          expect(cell.value).toBeNull();
        }
        for (const table of published)
          for (const cell of table.cells) {
            if (cell.value !== null) continue;
            const interval = intruderInterval(
              published,
              { table, at: cell.at },
              s.roundingBase ? 2 : 0,
            );
            expect(interval.max - interval.min).toBeGreaterThanOrEqual(s.k - 1e-6);
          }
      }),
      { numRuns: 60 },
    );
  });

  it('publishes every cell and margin as the truth when no count is below k', () => {
    fc.assert(
      fc.property(
        scenarioArb.map((s) => ({
          ...s,
          joint: new Map([...s.joint].map(([cell, count]) => [cell, 10 + (count % 7)])),
        })),
        (s) => {
          const tables = s.tables.map((t) => ({
            spec: t.spec,
            cells: jointCells(t.spec.dimensions).map((at) => ({
              at,
              count: truth(s.joint, t, at),
            })),
          }));
          const result = protectRelease(tables, { k: 10 });
          if (!result.ok) throw new Error(result.error.message);
          expect(result.value.suppressed).toEqual([]);
          result.value.tables.forEach((table, t) => {
            for (const cell of table.cells)
              expect(cell.value).toBe(truth(s.joint, tables[t]!, cell.at));
          });
        },
      ),
      { numRuns: 30 },
    );
  });
});
