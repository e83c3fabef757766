/**
 * The console's charts (the rapporteur's statistics, the printable national report, the
 * dashboards): a chart with its data table and downloads, from one ChartData.
 *
 * Library: @mantine/charts over recharts 3, not Apache ECharts or Observable Plot. It draws in
 * the console's own design system (Mantine theme colours, fonts, direction) with no second
 * styling layer; it renders SVG (exports and print stay vector, text stays text); recharts 3's
 * accessibility layer gives the chart keyboard focus and arrow-key navigation through its points;
 * both are maintained, typed, and already the console's dependency tree (ECharts would add ~300 KB
 * and its own theme; Plot has no keyboard interaction). What the library lacks is added here:
 * ARIA descriptions (a generated summary and the data table, by aria-describedby and the SVG's
 * <title>/<desc>), mirrored axes in right-to-left languages, suppressed figures shown as such,
 * and CSV/SVG/PNG export from the rendered SVG (XMLSerializer; PNG drawn on a canvas).
 */
export { ChartFigure, ChartTable, CHART_PALETTE, type ChartFigureProps } from './chart-figure';
export { chartCsv, pngOfSvg, standaloneSvg } from './export';
export type { ChartColumn, ChartData, ChartKind, ChartRow, ChartSeries } from './types';
