/**
 * Helpers of the event store benchmarks: a throw-away database on the server of DATABASE_URL
 * (default: local PostgreSQL), percentiles, results files.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { runMigrations } from '@remedy/database';
import type { NewEvent } from '@remedy/event-store';

export const SERVER_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(prefix: string): Promise<BenchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(SERVER_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  await runMigrations(url);
  return {
    url,
    async drop() {
      const c = new Client({ connectionString: SERVER_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A ~500-byte event (data ≈ 400 bytes of JSON, metadata ≈ 150 bytes). */
export function benchEvent(extra: Record<string, unknown> = {}): NewEvent {
  return {
    id: randomUUID(),
    type: 'BenchEventRecorded',
    schemaVersion: 1,
    data: {
      caseId: randomUUID(),
      status: 'presumed',
      decidedBy: 'ngo',
      forms: ['labour', 'sexual'],
      sectors: ['agriculture', 'construction', 'domestic_work'],
      countries: { recruitment: ['NG', 'RO'], transit: ['LY', 'IT'], exploitation: ['DE'] },
      means: ['debt_bondage', 'document_retention', 'threats'],
      amount: { minor: 125000, currency: 'EUR' },
      notesRef: randomUUID(),
      padding: 'x'.repeat(60),
      ...extra,
    },
    metadata: { correlationId: randomUUID(), userId: randomUUID(), organisationId: randomUUID() },
    occurredAt: new Date(),
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function writeResults(name: string, results: unknown): string {
  const dir = resolve(process.env.BENCH_RESULTS_DIR ?? resolve(process.cwd(), 'bench', 'results'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(results, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) +
      '\n',
  );
  return file;
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

export const machine = () => ({
  node: process.version,
  cpus: cpus().length,
  /** Host and port only (no credentials). */
  database: new URL(SERVER_URL).host,
  at: new Date().toISOString(),
});
