import type { ChartData } from '../charts';
import type { ReleaseDocument, ReleaseTable } from './release';

/** How the console names dimensions and their values (translated; code lists for codes). */
export interface Labels {
  readonly dimension: (name: string) => string;
  readonly value: (dimension: string, code: string) => string;
  /** The series name of a one-dimension table's counts. */
  readonly count: string;
}

/** One chart of a release table: a two-way (or one-way) view of its published cells. */
export interface TableView {
  /** DOM id and file name: `<year>-<table>[-<dimension>]` (no personal data). */
  readonly id: string;
  readonly table: ReleaseTable;
  /** The dimension the rows break down by (named in the title of a three-way table's views). */
  readonly rowDimension: string;
  readonly data: ChartData;
  /** Rows (categories) left out because every figure of theirs is 0 (long code lists only). */
  readonly leftOut: number;
}

/** Code lists longer than this lose their all-zero rows in the charts (citizenship: ~250 codes). */
const LONG_LIST = 12;

/**
 * The views of a table, from its published cells only: one dimension: its values; two: the
 * second by the first (series); three: the second by the first and the third by the first, each
 * from the cube's margins (cells with the other dimension at its total, null). A figure is the
 * cell's published value, or null when the cell is suppressed (never 0).
 */
export function tableViews(year: number, table: ReleaseTable, labels: Labels): TableView[] {
  const dims = table.dimensions;
  const pairs: [number | null, number][] =
    dims.length === 1 ? [[null, 0]] : dims.slice(1).map((_, i) => [0, i + 1]);
  return pairs.map(([seriesAt, rowAt]) => {
    const rowDim = dims[rowAt]!;
    const seriesDim = seriesAt === null ? null : dims[seriesAt]!;
    const cellAt = (row: string, series: string | null) =>
      table.cells.find((c) =>
        c.at.every((v, i) =>
          i === rowAt ? v === row : i === seriesAt ? v === series : v === null,
        ),
      );
    const seriesKeys = seriesDim ? [...seriesDim.values] : ['value'];
    const rows = rowDim.values.map((row) => ({
      key: row,
      label: labels.value(rowDim.name, row),
      values: Object.fromEntries(
        seriesKeys.map((s) => {
          const cell = cellAt(row, seriesDim ? s : null);
          return [s, cell && !cell.suppressed ? cell.value : null];
        }),
      ),
    }));
    const kept =
      rows.length > LONG_LIST
        ? rows.filter((r) => Object.values(r.values).some((v) => v !== 0))
        : rows;
    return {
      id: `${year}-${table.id}${dims.length > 2 ? `-${rowDim.name}` : ''}`,
      table,
      rowDimension: rowDim.name,
      leftOut: rows.length - kept.length,
      data: {
        categoryLabel: labels.dimension(rowDim.name),
        series: seriesDim
          ? seriesDim.values.map((s) => ({ key: s, label: labels.value(seriesDim.name, s) }))
          : [{ key: 'value', label: labels.count }],
        rows: kept,
      },
    };
  });
}

/** A table's grand total (every dimension at its total): its value, null when suppressed. */
export function grandTotal(table: ReleaseTable | undefined): number | null | undefined {
  const cell = table?.cells.find((c) => c.at.every((v) => v === null));
  if (!cell) return undefined;
  return cell.suppressed ? null : cell.value;
}

/** The headline figures followed across years (each a table's grand total). */
export const TREND_TABLES = [
  'victims-by-status-sex-age',
  'unconditional-assistance',
  'children-assessed-before-decisions',
  'compensation-claims-by-outcome',
] as const;

/**
 * The time series: one row per year (the first release of that year in `releases` holding every
 * headline table), one series per headline table, each the table's grand total as released.
 */
export function trendData(
  releases: readonly ReleaseDocument[],
  labels: { year: string; series: (tableId: string) => string },
): ChartData {
  const byYear = new Map<number, ReleaseDocument>();
  for (const doc of releases) {
    const complete = TREND_TABLES.every((id) => doc.tables.some((t) => t.id === id));
    if (complete && !byYear.has(doc.period.year)) byYear.set(doc.period.year, doc);
  }
  return {
    categoryLabel: labels.year,
    series: TREND_TABLES.map((id) => ({ key: id, label: labels.series(id) })),
    rows: [...byYear.entries()]
      .sort(([a], [b]) => a - b)
      .map(([year, doc]) => ({
        key: String(year),
        label: String(year),
        values: Object.fromEntries(
          TREND_TABLES.map((id) => [id, grandTotal(doc.tables.find((t) => t.id === id)) ?? null]),
        ),
      })),
  };
}
