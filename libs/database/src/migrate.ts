import { DataSource } from 'typeorm';
import { ALL_MIGRATIONS } from './migrations';

/** Arbitrary but fixed: every process that migrates takes this advisory lock first. */
export const MIGRATION_LOCK_KEY = 0x52454d45; // "REME"

export interface MigrationReport {
  readonly applied: string[];
}

/**
 * Runs pending migrations once, under a session advisory lock, so that several processes
 * starting together (API, worker, supervisor) never race. Never `synchronize`.
 */
export async function runMigrations(databaseUrl: string): Promise<MigrationReport> {
  const ds = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: 2 },
  });
  await ds.initialize();
  const lock = ds.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const done = await ds.runMigrations({ transaction: 'each' });
    return { applied: done.map((m) => m.name) };
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
    await ds.destroy();
  }
}
