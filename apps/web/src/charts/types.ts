/**
 * What a chart shows: categories (rows, on the category axis) by series (one bar or line each),
 * a number per row and series, or `null` for a figure that is withheld (a suppressed cell: shown
 * as suppressed, never as 0, never interpolated). The same data makes the chart, its data table
 * and its CSV, so the three cannot disagree.
 */
export interface ChartSeries {
  /** Stable key (a code-list value, `value`...): the table's cells carry it as `data-series`. */
  readonly key: string;
  /** Shown in the legend, the table header and the CSV header (translated). */
  readonly label: string;
  /** A Mantine colour (`blue.7`); default from the charts' palette. */
  readonly color?: string;
}

export interface ChartRow {
  /** Stable key (a code-list value, a year...): the table's row carries it as `data-row`. */
  readonly key: string;
  /** Shown on the category axis, the table and the CSV (translated). */
  readonly label: string;
  /** One figure per series key; `null`: withheld (suppressed). */
  readonly values: Readonly<Record<string, number | null>>;
}

export interface ChartData {
  /** The category axis' name (the table's first column header). */
  readonly categoryLabel: string;
  readonly series: readonly ChartSeries[];
  readonly rows: readonly ChartRow[];
  /**
   * Columns of the table and the CSV the chart does not draw (another unit than the bars': a
   * rate, a duration), after the series; each holds its text per row key.
   */
  readonly columns?: readonly ChartColumn[];
}

export interface ChartColumn {
  readonly key: string;
  readonly label: string;
  /** The written figure per row key. */
  readonly values: Readonly<Record<string, string>>;
}

export type ChartKind = 'bar' | 'line';
