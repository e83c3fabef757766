import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../../../test/support/database';
import { resilientPool } from './pool';

describe('resilientPool', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => db.drop());

  async function terminate(pid: number): Promise<void> {
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();
  }

  it('survives the server ending a connection checked out between two queries, and serves the next caller', async () => {
    const pool = resilientPool({ connectionString: db.url, max: 1 });
    const uncaught: Error[] = [];
    const onUncaught = (error: Error) => uncaught.push(error);
    process.prependListener('uncaughtException', onUncaught);
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // The transaction's holder is between two statements (awaiting something else) when the
      // server ends its connection: pg emits `error` on the checked-out client, which nobody
      // else listens to (without the pool's listener, an uncaught exception).
      await terminate(rows[0]!.pid);
      await new Promise((r) => setTimeout(r, 200));
      await expect(client.query('SELECT 1')).rejects.toThrow(/not queryable/);
      client.release();
      // The pool dropped the broken client and connects afresh.
      const next = await pool.query<{ one: number }>('SELECT 1 AS one');
      expect(next.rows[0]!.one).toBe(1);
      expect(pool.totalCount).toBe(1);
    } finally {
      process.removeListener('uncaughtException', onUncaught);
      await pool.end();
    }
    expect(uncaught).toEqual([]);
  });

  it('survives the server ending an idle pooled connection', async () => {
    const pool = resilientPool({ connectionString: db.url, max: 1 });
    try {
      const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await terminate(rows[0]!.pid);
      await new Promise((r) => setTimeout(r, 100));
      const next = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(next.rows[0]!.pid).not.toBe(rows[0]!.pid);
    } finally {
      await pool.end();
    }
  });
});
