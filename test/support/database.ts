import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '@remedy/database';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  /**
   * Drops the database WITH (FORCE). By default it first waits (up to 3 s) for the connections still
   * open on it to go: `pool.end()` resolves before its clients have closed, and a client the FORCE
   * terminates then raises an 'error' its ended pool may no longer be listening for. `immediately`
   * cuts every connection at once (a test of the app losing its database).
   */
  drop(options?: { immediately?: boolean }): Promise<void>;
}

export function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url)
    throw new Error('TEST_DATABASE_URL is not set: run the tests through jest (global setup)');
  return url;
}

export function databaseUrl(name: string): string {
  const u = new URL(serverUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh database of its own for one test file, migrated to the latest schema. */
export async function createTestDatabase(
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const name = `remedy_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name);
  if (options.migrate !== false) await runMigrations(url);
  return {
    url,
    name,
    async drop({ immediately = false } = {}) {
      const c = new Client({ connectionString: serverUrl() });
      await c.connect();
      try {
        for (let waited = 0; !immediately && waited < 3_000; waited += 50) {
          const open = await c.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          if (open.rows[0]!.n === 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
