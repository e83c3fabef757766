/**
 * Cost of `protectRelease` (suppression + LP audit) on a realistic table catalogue of one
 * population: victims by year × sex × age group, by year × form of exploitation, by year ×
 * citizenship, with counts drawn so that about a third of the interior cells are below k.
 * Not wired into bench/run.ts (section 5 belongs to the release builder); run on its own:
 *
 *   npm run build --silent && node dist/bench/disclosure-control/protect-release.js
 */
import { protectRelease, type CountTable, type Dimension } from '@remedy/disclosure-control';

const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

export function catalogue(years: number, seed = 1): CountTable[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const count = () => (next() < 0.33 ? Math.floor(next() * 10) : 10 + Math.floor(next() * 200));
  const year: Dimension = { name: 'year', values: values('y', years) };
  const dims: Dimension[][] = [
    [
      year,
      { name: 'sex', values: ['F', 'M', 'X'] },
      { name: 'age', values: ['child', 'adult', 'unknown'] },
    ],
    [year, { name: 'form', values: values('f', 6) }],
    [year, { name: 'citizenship', values: values('c', 12) }],
  ];
  // Year totals are drawn once and split over each table so that the shared margins agree.
  const yearTotals = year.values.map(() => 0);
  const first = cells(dims[0]!, () => count());
  for (const cell of first) yearTotals[year.values.indexOf(cell.at[0]!)]! += cell.count;
  const split = (dimensions: Dimension[]) => {
    const rest = dimensions[1]!.values;
    return year.values.flatMap((y, i) => {
      const weights = rest.map(() => next());
      const sum = weights.reduce((s, w) => s + w, 0);
      const parts = weights.map((w) => Math.floor((w / sum) * yearTotals[i]!));
      parts[0]! += yearTotals[i]! - parts.reduce((s, p) => s + p, 0);
      return rest.map((v, j) => ({ at: [y, v], count: parts[j]! }));
    });
  };
  return [
    { spec: { id: 'year-sex-age', population: 'victims', dimensions: dims[0]! }, cells: first },
    {
      spec: { id: 'year-form', population: 'victims', dimensions: dims[1]! },
      cells: split(dims[1]!),
    },
    {
      spec: { id: 'year-citizenship', population: 'victims', dimensions: dims[2]! },
      cells: split(dims[2]!),
    },
  ];
}

function cells(dimensions: Dimension[], count: () => number) {
  let rows: string[][] = [[]];
  for (const d of dimensions) rows = rows.flatMap((row) => d.values.map((v) => [...row, v]));
  return rows.map((at) => ({ at, count: count() }));
}

export function protectReleaseBench(yearsList = [3, 5, 10]) {
  return yearsList.map((years) => {
    const tables = catalogue(years);
    const started = process.hrtime.bigint();
    const result = protectRelease(tables);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (!result.ok) throw new Error(result.error.message);
    const published = result.value.tables.reduce((s, t) => s + t.cells.length, 0);
    return {
      years,
      publishedCells: published,
      suppressedQuantities: result.value.audit.length,
      ms: Math.round(ms),
    };
  });
}

if (require.main === module) console.table(protectReleaseBench());
