import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../../../test/support/database';
import { runMigrations } from './migrate';

describe('runMigrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => db.drop());

  it('is safe to run from several processes at once and applies each migration once', async () => {
    const reports = await Promise.all([
      runMigrations(db.url),
      runMigrations(db.url),
      runMigrations(db.url),
    ]);
    const applied = reports.flatMap((r) => r.applied);
    expect(new Set(applied).size).toBe(applied.length);
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query('SELECT count(*)::int AS n FROM schema_migrations');
    await c.end();
    expect(rows[0].n).toBe(applied.length);
  });
});
