import type { ChartData } from './types';

/** RFC 4180 field: quoted when it holds a comma, a quote or a line break. */
const csvField = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

/**
 * The chart's data as CSV (RFC 4180, CRLF, UTF-8 with a byte-order mark so spreadsheets read
 * Arabic and Chinese labels): a header (category, then each series, then the columns not drawn), one line per row. Figures
 * are plain integers (machine-readable, not locale-formatted); a withheld figure is the word
 * `suppressedWord` (never 0, never empty: empty reads as "no data" or 0 in spreadsheets).
 */
export function chartCsv(data: ChartData, suppressedWord: string): string {
  const columns = data.columns ?? [];
  const lines = [
    [data.categoryLabel, ...data.series.map((s) => s.label), ...columns.map((c) => c.label)],
  ];
  for (const row of data.rows)
    lines.push([
      row.label,
      ...data.series.map((s) => {
        const v = row.values[s.key];
        return v === null || v === undefined ? suppressedWord : String(v);
      }),
      ...columns.map((c) => c.values[row.key] ?? ''),
    ]);
  return `\uFEFF${lines.map((l) => l.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** Presentation properties copied from the rendered chart (its CSS variables resolved). */
const PAINT = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display',
] as const;

const SVG_NS = 'http://www.w3.org/2000/svg';
const LEGEND_LINE = 18;

/**
 * A standalone SVG document of a rendered chart (recharts' `<svg>`): a clone whose every
 * element carries its computed paint as attributes (the chart's colours are CSS variables of the
 * page, unknown to a file on its own), a white background, the title and description, and the
 * page's direction. Serialised with XMLSerializer.
 */
export function standaloneSvg(
  svg: SVGSVGElement,
  meta: {
    title: string;
    description: string;
    dir: 'ltr' | 'rtl';
    /** Drawn under the chart (the page's legend is HTML, outside the SVG). */
    legend: readonly { label: string; color: string }[];
  },
): { text: string; width: number; height: number } {
  const box = svg.getBoundingClientRect();
  const width = box.width;
  const legendHeight = meta.legend.length * LEGEND_LINE + (meta.legend.length > 0 ? 8 : 0);
  const height = box.height + legendHeight;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const source = [svg, ...svg.querySelectorAll('*')];
  const target = [clone, ...clone.querySelectorAll('*')];
  source.forEach((element, i) => {
    const style = getComputedStyle(element);
    const copy = target[i]!;
    for (const property of PAINT) {
      const value = style.getPropertyValue(property);
      if (value) copy.setAttribute(property, value);
    }
    copy.removeAttribute('style');
    copy.removeAttribute('class');
    copy.removeAttribute('tabindex');
  });
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(Math.round(width)));
  clone.setAttribute('height', String(Math.round(height)));
  clone.setAttribute('viewBox', `0 0 ${Math.round(width)} ${Math.round(height)}`);
  clone.setAttribute('direction', meta.dir);
  clone.removeAttribute('role');
  for (const old of clone.querySelectorAll(':scope > title, :scope > desc')) old.remove();
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', '#ffffff');
  const title = document.createElementNS(SVG_NS, 'title');
  title.textContent = meta.title;
  const desc = document.createElementNS(SVG_NS, 'desc');
  desc.textContent = meta.description;
  clone.prepend(title, desc, background);
  meta.legend.forEach((entry, i) => {
    const y = box.height + 8 + i * LEGEND_LINE;
    const swatch = document.createElementNS(SVG_NS, 'rect');
    const x = meta.dir === 'rtl' ? width - 24 : 12;
    for (const [k, v] of Object.entries({ x, y, width: 12, height: 12, fill: entry.color }))
      swatch.setAttribute(k, String(v));
    const label = document.createElementNS(SVG_NS, 'text');
    const labelX = meta.dir === 'rtl' ? width - 32 : 32;
    for (const [k, v] of Object.entries({
      x: labelX,
      y: y + 10,
      'font-size': 12,
      'font-family': getComputedStyle(svg).fontFamily,
      fill: '#000000',
      'text-anchor': 'start',
    }))
      label.setAttribute(k, String(v));
    label.textContent = entry.label;
    clone.append(swatch, label);
  });
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
  return { text, width, height };
}

/**
 * A PNG of a standalone SVG: drawn on a canvas at `scale` (2: sharp on print and high-density
 * screens). The SVG is loaded as a data: URL (the console's CSP allows data: images, not blob:).
 */
export async function pngOfSvg(
  svg: { text: string; width: number; height: number },
  scale = 2,
): Promise<Blob> {
  const image = new Image();
  const bytes = new TextEncoder().encode(svg.text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  image.src = `data:image/svg+xml;base64,${btoa(binary)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(svg.width * scale));
  canvas.height = Math.max(1, Math.round(svg.height * scale));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('canvas 2d context unavailable');
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))),
      'image/png',
    ),
  );
}
