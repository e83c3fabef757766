import '@mantine/charts/styles.css';
import './charts.css';
import { BarChart, LineChart } from '@mantine/charts';
import {
  Anchor,
  Button,
  Group,
  Stack,
  Table,
  Text,
  Title,
  getThemeColor,
  useDirection,
  useMantineTheme,
} from '@mantine/core';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLinkProps } from '../router';
import { saveFile } from '../supervisor/download';
import { chartCsv, pngOfSvg, standaloneSvg } from './export';
import type { ChartColumn, ChartData, ChartKind, ChartRow } from './types';

/** Colours of the series in order (contrast ≥ 3:1 on white, told apart by hue and lightness). */
export const CHART_PALETTE = [
  'blue.7',
  'orange.8',
  'teal.8',
  'grape.7',
  'red.8',
  'indigo.4',
  'lime.9',
  'pink.6',
  'cyan.9',
  'gray.7',
] as const;

export interface ChartFigureProps {
  /** DOM id prefix of the figure (opaque: a table id, `trend`...); also the files' base name. */
  readonly id: string;
  readonly title: string;
  /** Heading level of the title (default 3). */
  readonly order?: 2 | 3 | 4;
  /** A sentence under the title (what is counted). */
  readonly description?: string;
  readonly kind: ChartKind;
  readonly data: ChartData;
  /** Bars side by side (default) or stacked. */
  readonly stacked?: boolean;
  /** Bars along the category axis (`horizontal`, default) or categories down the side (`vertical`). */
  readonly orientation?: 'horizontal' | 'vertical';
  /** How a figure is written (default: an integer by Intl in the interface language). */
  readonly formatValue?: (value: number) => string;
  /** CSV/SVG/PNG buttons (default true; a printed report leaves them out). */
  readonly downloads?: boolean;
  /** Where a figure of the table leads (the cases behind it), or undefined: no link. */
  readonly cellLink?: (row: ChartRow, seriesKey: string) => string | undefined;
}

const ROW_HEIGHT = 28;

/**
 * A chart with its data table under it and its downloads (CSV, SVG, PNG), from one ChartData.
 * The chart is @mantine/charts (recharts 3, SVG): keyboard focus and arrow keys through
 * recharts' accessibility layer, a <title> and <desc> on the SVG and aria-describedby to the
 * generated summary and the data table (screen readers read the table, which holds every
 * figure). In right-to-left languages the axes are mirrored (categories run from the right,
 * the value axis stands on the right). A withheld figure is no bar, no point (lines are not
 * joined across it), a mark on its category and "suppressed" in the table and the CSV.
 */
export function ChartFigure({
  id,
  title,
  order = 3,
  description,
  kind,
  data,
  stacked = false,
  orientation = 'horizontal',
  formatValue,
  downloads = true,
  cellLink,
}: ChartFigureProps) {
  const { t, i18n } = useTranslation();
  const theme = useMantineTheme();
  const { dir } = useDirection();
  const rtl = dir === 'rtl';
  const chartBox = useRef<HTMLDivElement>(null);
  const [exportError, setExportError] = useState(false);
  const number = useMemo(() => new Intl.NumberFormat(i18n.language), [i18n.language]);
  const format = formatValue ?? ((v: number) => number.format(v));
  const suppressedWord = t('charts.suppressed');
  const seriesKeys = data.series.map((_, i) => `s${i}`);
  const colors = data.series.map((s, i) => s.color ?? CHART_PALETTE[i % CHART_PALETTE.length]!);

  const suppressedCells = data.rows.flatMap((row) =>
    data.series
      .filter((s) => row.values[s.key] === null || row.values[s.key] === undefined)
      .map((s) => (data.series.length > 1 ? `${row.label} · ${s.label}` : row.label)),
  );
  const chartRows = data.rows.map((row) => {
    const withheld = data.series.some((s) => (row.values[s.key] ?? null) === null);
    const point: Record<string, string | number | null> = {
      category: withheld ? `${row.label} *` : row.label,
    };
    data.series.forEach((s, i) => (point[seriesKeys[i]!] = row.values[s.key] ?? null));
    return point;
  });
  const series = data.series.map((s, i) => ({
    name: seriesKeys[i]!,
    label: s.label,
    color: colors[i]!,
  }));
  const shown = data.rows.flatMap((r) =>
    data.series.map((s) => r.values[s.key]).filter((v): v is number => typeof v === 'number'),
  );
  const max = shown.length > 0 ? Math.max(...shown) : 0;
  const summary = t('charts.summary', {
    kind,
    title,
    rows: data.rows.length,
    series: data.series.length,
    max: format(max),
    suppressed: suppressedCells.length,
  });
  const ids = { summary: `${id}-summary`, table: `${id}-table`, title: `${id}-title` };
  const vertical = orientation === 'vertical';
  const height = vertical ? Math.max(200, data.rows.length * ROW_HEIGHT + 80) : 300;
  const tick = { fontSize: 12, fill: 'currentColor' };
  // Counts: whole-number ticks on the value axis (a category axis ignores it).
  const allowDecimals = !shown.every(Number.isInteger);
  // RTL: the x axis runs from the right (categories, or values when the bars lie down); the y
  // axis stands on the right.
  const xAxisProps = { reversed: rtl, allowDecimals, tick: { ...tick } };
  const yAxisProps = {
    allowDecimals,
    orientation: rtl ? ('right' as const) : ('left' as const),
    ...(vertical ? { width: 140 } : {}),
    tick: { ...tick, transform: `translate(${rtl ? 10 : -10}, 0)` },
  };
  const surface = {
    title,
    desc: summary,
    'aria-describedby': `${ids.summary} ${ids.table}`,
  };
  const common = {
    h: height,
    data: chartRows,
    dataKey: 'category',
    series,
    // The chart's box stays left to right: recharts' ResponsiveContainer holds the chart in a
    // zero-width box that overflows to the right, which right to left pushes the whole chart out
    // of view. The mirroring is the axes' (above), not the box's.
    dir: 'ltr' as const,
    withLegend: data.series.length > 1,
    valueFormatter: format,
    tooltipAnimationDuration: 0,
    xAxisProps,
    yAxisProps,
  };

  const svgOf = () => {
    const svg = chartBox.current?.querySelector<SVGSVGElement>('svg.recharts-surface');
    if (!svg) throw new Error('chart not rendered');
    const rootStyle = getComputedStyle(document.documentElement);
    const resolve = (color: string) => {
      const value = getThemeColor(color, theme);
      const variable = /^var\((--[^)]+)\)$/.exec(value);
      return variable ? rootStyle.getPropertyValue(variable[1]!).trim() : value;
    };
    return standaloneSvg(svg, {
      title,
      description: summary,
      dir,
      legend:
        data.series.length > 1
          ? data.series.map((s, i) => ({ label: s.label, color: resolve(colors[i]!) }))
          : [],
    });
  };
  const download = async (what: 'csv' | 'svg' | 'png') => {
    setExportError(false);
    try {
      if (what === 'csv')
        saveFile(
          new Blob([chartCsv(data, suppressedWord)], { type: 'text/csv;charset=utf-8' }),
          `${id}.csv`,
        );
      else if (what === 'svg')
        saveFile(new Blob([svgOf().text], { type: 'image/svg+xml' }), `${id}.svg`);
      else saveFile(await pngOfSvg(svgOf()), `${id}.png`);
    } catch {
      setExportError(true);
    }
  };

  return (
    <section aria-labelledby={ids.title} className="chart-figure" data-chart={id}>
      <Title order={order} id={ids.title} mb={4}>
        {title}
      </Title>
      {description && (
        <Text size="sm" c="dimmed" mb="xs">
          {description}
        </Text>
      )}
      <div className="chart-figure-grid">
        <Stack gap="xs">
          {/* Drawn anew when the direction changes: recharts 3 left a mounted chart blank when its
              axes turned round (reversed, the y axis to the other side). */}
          <div ref={chartBox} key={dir}>
            {kind === 'line' ? (
              <LineChart
                {...common}
                curveType="linear"
                connectNulls={false}
                lineProps={{ isAnimationActive: false }}
                lineChartProps={surface}
              />
            ) : (
              <BarChart
                {...common}
                type={stacked ? 'stacked' : 'default'}
                orientation={vertical ? 'vertical' : 'horizontal'}
                barProps={{ isAnimationActive: false }}
                barChartProps={surface}
              />
            )}
          </div>
          <Text size="sm" id={ids.summary}>
            {summary}
          </Text>
          {suppressedCells.length > 0 && (
            <Text size="sm" data-testid="suppressed-note">
              {t('charts.suppressedNote', {
                count: suppressedCells.length,
                cells: new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(
                  suppressedCells,
                ),
              })}
            </Text>
          )}
          {downloads && (
            <Group gap="xs" className="chart-downloads">
              {(['csv', 'svg', 'png'] as const).map((what) => (
                <Button
                  key={what}
                  size="xs"
                  variant="default"
                  data-download={what}
                  aria-label={t('charts.downloadAs', { title, format: what.toUpperCase() })}
                  onClick={() => void download(what)}
                >
                  {what.toUpperCase()}
                </Button>
              ))}
            </Group>
          )}
          {exportError && (
            <Text size="sm" c="red.8" role="alert">
              {t('charts.exportFailed')}
            </Text>
          )}
        </Stack>
        <ChartTable
          id={ids.table}
          title={title}
          data={data}
          format={format}
          {...(cellLink ? { cellLink } : {})}
        />
      </div>
    </section>
  );
}

/** The chart's figures as a table (every figure, suppressed ones named so). */
export function ChartTable({
  id,
  title,
  data,
  format,
  cellLink,
}: {
  id: string;
  title: string;
  data: ChartData;
  format: (value: number) => string;
  cellLink?: ChartFigureProps['cellLink'];
}) {
  const { t } = useTranslation();
  return (
    // A region of its own that scrolls sideways when the table is wider than its column: it
    // takes keyboard focus (so that it can be scrolled without a mouse) and is named by the caption.
    <div
      className="chart-table-scroll"
      tabIndex={0}
      role="region"
      aria-labelledby={`${id}-caption`}
    >
      <Table id={id} striped withTableBorder captionSide="top" data-chart-table>
        <Table.Caption id={`${id}-caption`}>{t('charts.tableCaption', { title })}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{data.categoryLabel}</Table.Th>
            {data.series.map((s) => (
              <Table.Th scope="col" key={s.key} ta="end">
                {s.label}
              </Table.Th>
            ))}
            {data.columns?.map((c) => (
              <Table.Th scope="col" key={c.key} ta="end">
                {c.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.rows.map((row) => (
            <Table.Tr key={row.key} data-row={row.key}>
              <Table.Th scope="row" fw={400}>
                {row.label}
              </Table.Th>
              {data.series.map((s) => {
                const v = row.values[s.key] ?? null;
                const href = v === null ? undefined : cellLink?.(row, s.key);
                return (
                  <Table.Td
                    key={s.key}
                    ta="end"
                    data-series={s.key}
                    data-value={v ?? undefined}
                    data-suppressed={v === null ? 'true' : undefined}
                  >
                    {v === null ? (
                      <em>{t('charts.suppressed')}</em>
                    ) : href ? (
                      <FigureLink href={href}>{format(v)}</FigureLink>
                    ) : (
                      format(v)
                    )}
                  </Table.Td>
                );
              })}
              {data.columns?.map((c: ChartColumn) => (
                <Table.Td key={c.key} ta="end" data-column={c.key}>
                  {c.values[row.key]}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

/** A figure of the table as a link (in the console's router) to what lies behind it. */
function FigureLink({ href, children }: { href: string; children: ReactNode }) {
  return <Anchor {...useLinkProps(href)}>{children}</Anchor>;
}
