import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

export interface BenchRow {
  readonly measure: string;
  readonly value: number;
  readonly unit: string;
  readonly reference?: string;
  readonly referenceValue?: number;
  readonly ratio?: number;
  readonly goal?: string;
  readonly met?: boolean;
}

export interface BenchContext {
  readonly cores: number;
  readonly node: string;
  readonly commit: string;
  readonly postgres?: string;
  readonly queueBackend?: string;
  readonly at: string;
}

export function benchContext(extra: Partial<BenchContext> = {}): BenchContext {
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    /* not a git checkout */
  }
  return { cores: cpus().length, node: process.version, commit, at: new Date().toISOString(), ...extra };
}

const fmt = (n: number | undefined) =>
  n === undefined ? '' : Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(2);

export function markdownTable(rows: readonly BenchRow[]): string {
  const head = '| measure | value | unit | reference | reference value | ratio | goal | met |\n|---|---:|---|---|---:|---:|---|---|';
  const lines = rows.map(
    (r) =>
      `| ${r.measure} | ${fmt(r.value)} | ${r.unit} | ${r.reference ?? ''} | ${fmt(r.referenceValue)} | ${
        r.ratio === undefined ? '' : `${(r.ratio * 100).toFixed(0)} %`
      } | ${r.goal ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : 'NO'} |`,
  );
  return [head, ...lines].join('\n');
}

/** Writes bench/results/<name>.json and .md, and prints the table. */
export function writeResults(name: string, context: BenchContext, rows: readonly BenchRow[]): void {
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify({ name, context, rows }, null, 2)}\n`);
  const md = `## ${name}\n\n${Object.entries(context)
    .map(([k, v]) => `- ${k}: ${String(v)}`)
    .join('\n')}\n\n${markdownTable(rows)}\n`;
  writeFileSync(join(dir, `${name}.md`), md);
  console.log(`\n${md}`);
}
