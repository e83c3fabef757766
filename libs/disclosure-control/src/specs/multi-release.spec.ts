import highsLoader from 'highs';
import {
  coordinatesKey,
  cubeCoordinates,
  protectRelease,
  type CellRef,
  type CountTable,
  type PublishedTable,
  type TableSpec,
} from '../index';
import { attackerOptimum, type Highs } from './attacker-lp';

/**
 * Several releases of one period with data added between them (issue 12): different modes,
 * table selections and k. The attacker knows every release and that cases were only added in
 * between (x at each release ≤ x at the next), solves an LP (HiGHS, written here, not the
 * module's solver) over everything published, rounded figures as ±2 intervals: no cell that no
 * release published may be narrowed below the k of the release that suppressed it.
 */
const dims = {
  status: ['presumed', 'identified'],
  sex: ['F', 'M', 'X'],
  form: ['labour', 'sexual', 'begging', 'criminality'],
};
type Dim = keyof typeof dims;
const names = Object.keys(dims) as Dim[];
const spec = (id: string, ds: Dim[]): TableSpec => ({
  id,
  population: 'victims',
  dimensions: ds.map((d) => ({ name: d, values: dims[d] })),
});
const SPECS = {
  'status-sex': spec('status-sex', ['status', 'sex']),
  'status-form': spec('status-form', ['status', 'form']),
  sex: spec('sex', ['sex']),
};
type TableId = keyof typeof SPECS;
/** Joint cells (status, sex, form) and their counts. */
const joint: string[][] = dims.status.flatMap((s) =>
  dims.sex.flatMap((x) => dims.form.map((f) => [s, x, f])),
);

const countsOf = (data: number[], id: TableId): CountTable => {
  const s = SPECS[id];
  const cells = new Map<string, { at: string[]; count: number }>();
  joint.forEach((cell, j) => {
    const at = s.dimensions.map((d) => cell[names.indexOf(d.name as Dim)]!);
    const key = JSON.stringify(at);
    const c = cells.get(key) ?? { at, count: 0 };
    c.count += data[j]!;
    cells.set(key, c);
  });
  return { spec: s, cells: [...cells.values()] };
};

interface Published {
  readonly state: number;
  readonly k: number;
  readonly slack: number;
  readonly tables: readonly PublishedTable[];
}

let highs: Highs;
beforeAll(async () => {
  highs = await highsLoader();
});

function attackerInterval(
  releases: readonly Published[],
  states: number,
  target: { state: number; spec: TableSpec; at: readonly (string | null)[] },
): number {
  const v = (state: number, j: number) => `x${state}_${j}`;
  const sumOf = (state: number, s: TableSpec, at: readonly (string | null)[]) =>
    joint
      .flatMap((cell, j) =>
        s.dimensions.every((d, i) => at[i] === null || cell[names.indexOf(d.name as Dim)] === at[i])
          ? [v(state, j)]
          : [],
      )
      .join(' + ');
  const rows: string[] = [];
  for (const r of releases)
    for (const t of r.tables)
      for (const c of t.cells) {
        if (c.value === null) continue;
        const sum = sumOf(r.state, t.spec, c.at);
        if (r.slack === 0) rows.push(`${sum} = ${c.value}`);
        else
          rows.push(
            `${sum} >= ${Math.max(0, c.value - r.slack)}`,
            `${sum} <= ${c.value + r.slack}`,
          );
      }
  for (let s = 1; s < states; s++)
    joint.forEach((_, j) => rows.push(`${v(s, j)} - ${v(s - 1, j)} >= 0`));
  const run = (direction: 'Minimize' | 'Maximize') =>
    attackerOptimum(
      highs,
      direction,
      sumOf(target.state, target.spec, target.at),
      rows,
      'attacker',
    );
  return run('Maximize') - run('Minimize');
}

describe('several releases of one period, data added between them', () => {
  it('leaves no cell that no release published narrower than k for an LP over all releases', () => {
    // Seeded pseudo-random microdata (a small LCG: the same data on every run).
    let seed = 12345;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    // Few cases of sex X and of criminality: small cells in every table.
    const data = joint.map(([, sex, form]) =>
      sex === 'X' || form === 'criminality' ? next(3) : 8 + next(30),
    );
    const plan: { tables: TableId[]; k: number; roundingBase?: number; add: number }[] = [
      { tables: ['status-sex', 'status-form'], k: 10, add: 0 },
      { tables: ['status-form', 'sex'], k: 10, roundingBase: 5, add: 40 },
      { tables: ['status-sex'], k: 12, add: 25 },
      { tables: ['status-sex', 'status-form', 'sex'], k: 10, add: 30 },
      { tables: ['sex', 'status-form'], k: 10, roundingBase: 3, add: 0 },
    ];
    const published: Published[] = [];
    let state = -1;
    const refused: string[] = [];
    for (const step of plan) {
      // Additions land in cells that already hold cases (late registrations of the year).
      for (let a = 0; a < step.add; a++) {
        const j = next(joint.length);
        if (data[j]! >= 8) data[j]! += 1;
      }
      if (step.add > 0 || state < 0) state += 1;
      const earlierPublished: CellRef[] = published.flatMap((r) =>
        r.tables.flatMap((t) =>
          t.cells.filter((c) => c.value !== null).map((c) => ({ table: t.spec.id, at: c.at })),
        ),
      );
      const previouslySuppressed: CellRef[] = published
        .filter((r) => r.k <= 10)
        .flatMap((r) =>
          r.tables.flatMap((t) =>
            t.cells.filter((c) => c.value === null).map((c) => ({ table: t.spec.id, at: c.at })),
          ),
        );
      const shownEarlier = [
        ...new Set(published.flatMap((r) => r.tables.map((t) => t.spec.id))),
      ] as TableId[];
      const result = protectRelease(
        step.tables.map((id) => countsOf(data, id)),
        {
          k: step.k,
          ...(step.roundingBase ? { roundingBase: step.roundingBase } : {}),
          previouslySuppressed,
          ...(published.length > 0
            ? {
                earlier: {
                  published: earlierPublished,
                  tables: shownEarlier.map((id) => countsOf(data, id)),
                },
              }
            : {}),
        },
      );
      if (!result.ok) {
        refused.push(result.error.rule);
        continue;
      }
      // Cells suppressed in an earlier release at the default k stay suppressed.
      for (const ref of previouslySuppressed) {
        const t = result.value.tables.find((x) => x.spec.id === ref.table);
        const cell = t?.cells.find((c) => coordinatesKey(c.at) === coordinatesKey(ref.at));
        if (cell) expect(cell.value).toBeNull();
      }
      published.push({
        state,
        k: step.k,
        slack: step.roundingBase ? Math.floor(step.roundingBase / 2) : 0,
        tables: result.value.tables,
      });
    }
    expect(published.length).toBeGreaterThanOrEqual(4);
    expect(refused.every((rule) => rule === 'REVISION_WOULD_DISCLOSE')).toBe(true);

    // Quantities (population + dimension values) some release published, at any state.
    const quantity = (s: TableSpec, at: readonly (string | null)[]) =>
      JSON.stringify(
        s.dimensions.flatMap((d, i) => (at[i] === null ? [] : [[d.name, at[i]]])).sort(),
      );
    const everPublished = new Set(
      published.flatMap((r) =>
        r.tables.flatMap((t) =>
          t.cells.filter((c) => c.value !== null).map((c) => quantity(t.spec, c.at)),
        ),
      ),
    );
    const narrowed: string[] = [];
    let audited = 0;
    for (const r of published)
      for (const t of r.tables)
        for (const at of cubeCoordinates(t.spec)) {
          const cell = t.cells.find((c) => coordinatesKey(c.at) === coordinatesKey(at))!;
          if (cell.value !== null || everPublished.has(quantity(t.spec, at))) continue;
          audited += 1;
          const width = attackerInterval(published, state + 1, {
            state: r.state,
            spec: t.spec,
            at,
          });
          if (width < r.k - 1e-6)
            narrowed.push(`${t.spec.id} ${JSON.stringify(at)} at state ${r.state}: ${width}`);
        }
    expect(audited).toBeGreaterThan(0);
    expect(narrowed).toEqual([]);
  });
});
