/**
 * The console's charts (the rapporteur's statistics, the printable national report, the
 * dashboards): a chart with its data table and downloads, from one ChartData.
 */
export { ChartFigure, ChartTable, CHART_PALETTE, type ChartFigureProps } from './chart-figure';
export { chartCsv, pngOfSvg, standaloneSvg } from './export';
export type { ChartData, ChartKind, ChartRow, ChartSeries } from './types';
