/**
 * The one results writer of the benchmarks: rows (a figure, its reference measured in the same
 * run, their ratio, the goal) and the context they were measured in, written as
 * bench/results/<name>.json and <name>.md and printed.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';

export interface BenchRow {
  /** Section of the table (e.g. "1 append"). */
  readonly section?: string;
  readonly measure: string;
  /** undefined: not measured (say why in `note`). */
  readonly value?: number;
  readonly unit: string;
  readonly reference?: string;
  readonly referenceValue?: number;
  readonly ratio?: number;
  readonly goal?: string;
  readonly met?: boolean;
  readonly note?: string;
}

export interface BenchContext {
  readonly cores: number;
  readonly cpu: string;
  readonly node: string;
  readonly commit: string;
  /** e.g. "PostgreSQL 15.20 (local, 127.0.0.1:5432)". */
  readonly postgres?: string;
  readonly queueBackend?: string;
  readonly at: string;
  readonly loadAverageAtStart: string;
  readonly [extra: string]: string | number | boolean | undefined;
}

export function gitCommit(): string {
  try {
    const sha = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    return dirty ? `${sha} (+ uncommitted changes)` : sha;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export function benchContext(
  extra: Partial<Record<string, string | number | boolean | undefined>> = {},
): BenchContext {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    commit: gitCommit(),
    at: new Date().toISOString(),
    loadAverageAtStart: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    ...extra,
  };
}

/** a / b, undefined when either is missing or b is 0. */
export const ratioOf = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined || b === 0 || !Number.isFinite(a / b) ? undefined : a / b;

export function formatNumber(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '';
  if (!Number.isFinite(n)) return '∞';
  if (Math.abs(n) >= 100 || Number.isInteger(n)) return Math.round(n).toLocaleString('en');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function markdownTable(rows: readonly BenchRow[]): string {
  const withSection = rows.some((r) => r.section !== undefined);
  const head =
    (withSection ? '| section ' : '') +
    '| measure | value | unit | reference (same run) | reference value | ratio | goal | met |\n' +
    (withSection ? '|---' : '') +
    '|---|---:|---|---|---:|---:|---|---|';
  const lines = rows.map((r) => {
    const value = r.value === undefined ? (r.note ?? 'not measured') : formatNumber(r.value);
    const measure = r.value !== undefined && r.note ? `${r.measure} (${r.note})` : r.measure;
    return (
      (withSection ? `| ${cell(r.section ?? '')} ` : '') +
      `| ${cell(measure)} | ${cell(value)} | ${cell(r.unit)} | ${cell(r.reference ?? '')} | ${formatNumber(
        r.referenceValue,
      )} | ${r.ratio === undefined ? '' : `${(r.ratio * 100).toFixed(0)} %`} | ${cell(r.goal ?? '')} | ${
        r.met === undefined ? '' : r.met ? 'yes' : '**no**'
      } |`
    );
  });
  return [head, ...lines].join('\n');
}

export function resultsDir(): string {
  return resolve(process.env.BENCH_RESULTS_DIR ?? join(process.cwd(), 'bench', 'results'));
}

export interface WriteResultsOptions {
  /** Markdown printed after the table (notes, caveats). */
  readonly notes?: string;
  readonly title?: string;
}

/** Writes <dir>/<name>.json and <name>.md (the context, then the table), prints the Markdown. */
export function writeResults(
  name: string,
  context: BenchContext,
  rows: readonly BenchRow[],
  options: WriteResultsOptions = {},
): { json: string; markdown: string } {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const markdown = join(dir, `${name}.md`);
  writeFileSync(
    json,
    `${JSON.stringify(
      { name, context, rows },
      (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
      2,
    )}\n`,
  );
  const md =
    `## ${options.title ?? name}\n\n` +
    Object.entries(context)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `- ${k}: ${String(v)}`)
      .join('\n') +
    `\n\n${markdownTable(rows)}\n` +
    (options.notes ? `\n${options.notes.trim()}\n` : '');
  writeFileSync(markdown, md);
  console.log(`\n${md}`);
  console.log(`results: ${json}, ${markdown}`);
  return { json, markdown };
}

/** The p-th percentile (nearest rank) of an ascending array; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Runs `worker` in `concurrency` loops for `ms`; returns the number of completed units. */
export async function runFor(
  ms: number,
  concurrency: number,
  worker: (writer: number) => Promise<number>,
): Promise<{ units: number; seconds: number }> {
  const start = performance.now();
  const end = start + ms;
  let units = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < end) units += await worker(w);
    }),
  );
  return { units, seconds: (performance.now() - start) / 1000 };
}
