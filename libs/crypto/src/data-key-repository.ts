import type { Pool, PoolClient } from 'pg';
import type { WrappedKey } from './kms';

/** PostgreSQL channel on which destroyed case keys are announced (payload: the opaque case id). */
export const CASE_KEY_DESTROYED_CHANNEL = 'remedy_case_key_destroyed';

export type StoredDataKey =
  | {
      readonly state: 'active';
      readonly caseId: string;
      readonly dataKeyVersion: number;
      readonly wrapped: WrappedKey;
    }
  | { readonly state: 'destroyed'; readonly caseId: string; readonly destroyedAt: Date };

interface Row {
  case_id: string;
  data_key_version: number;
  wrapped_key: Buffer | null;
  master_key_id: string | null;
  master_key_version: number | null;
  destroyed_at: Date | null;
}

const COLUMNS =
  'case_id, data_key_version, wrapped_key, master_key_id, master_key_version, destroyed_at';

/**
 * `case_data_keys`: one wrapped data key per case. Destroying a key erases the wrapped key
 * (the row keeps only the case id and `destroyed_at`, a tombstone without key material), so
 * the case's ciphertexts can never be decrypted again and the erasure is reported as such.
 */
export class CaseDataKeyRepository {
  constructor(private readonly pool: Pool) {}

  async find(caseId: string): Promise<StoredDataKey | undefined> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM case_data_keys WHERE case_id = $1`,
      [caseId],
    );
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  /** Race-safe: inserts unless a row (key or tombstone) exists; true when this call inserted. */
  async insertIfAbsent(
    caseId: string,
    dataKeyVersion: number,
    wrapped: WrappedKey,
  ): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO case_data_keys (case_id, data_key_version, wrapped_key, master_key_id, master_key_version)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id) DO NOTHING`,
      [caseId, dataKeyVersion, wrapped.wrapped, wrapped.keyId, wrapped.keyVersion],
    );
    return rowCount === 1;
  }

  /**
   * Erases the wrapped key and leaves a tombstone. Also blocks any later key creation for the
   * case. Announces the erasure so other processes drop their cached key. Returns false when
   * the key was already destroyed.
   */
  async destroy(caseId: string): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const previous = await client.query<{ destroyed_at: Date | null }>(
        'SELECT destroyed_at FROM case_data_keys WHERE case_id = $1 FOR UPDATE',
        [caseId],
      );
      const alreadyDestroyed = previous.rows[0]?.destroyed_at != null;
      await client.query(
        `INSERT INTO case_data_keys AS k (case_id, data_key_version, destroyed_at)
         VALUES ($1, 1, now())
         ON CONFLICT (case_id) DO UPDATE
           SET wrapped_key = NULL, master_key_id = NULL, master_key_version = NULL,
               destroyed_at = COALESCE(k.destroyed_at, now())`,
        [caseId],
      );
      await client.query('SELECT pg_notify($1, $2)', [CASE_KEY_DESTROYED_CHANNEL, caseId]);
      await client.query('COMMIT');
      return !alreadyDestroyed;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Re-wraps, in batches, every live data key not yet under `target`. Each batch is one
   * transaction holding row locks (SKIP LOCKED, so concurrent rotations share the work);
   * a concurrent destroy waits for the batch and still wins afterwards.
   */
  async rewrapAll(
    target: { keyId: string; keyVersion: number },
    rewrap: (caseId: string, wrapped: WrappedKey) => Promise<WrappedKey>,
    batchSize = 200,
  ): Promise<{ rewrapped: number; failed: string[] }> {
    let rewrapped = 0;
    const failed: string[] = [];
    for (;;) {
      const seen = await this.inTransaction(async (client) => {
        const { rows } = await client.query<Row>(
          `SELECT ${COLUMNS} FROM case_data_keys
            WHERE wrapped_key IS NOT NULL AND (master_key_id <> $1 OR master_key_version < $2)
              AND case_id <> ALL($4::uuid[])
            ORDER BY case_id LIMIT $3 FOR UPDATE SKIP LOCKED`,
          [target.keyId, target.keyVersion, batchSize, failed],
        );
        for (const row of rows) {
          const stored = toStored(row);
          if (stored.state !== 'active') continue;
          let next: WrappedKey;
          try {
            next = await rewrap(row.case_id, stored.wrapped);
          } catch {
            failed.push(row.case_id); // left as it is; reported to the operator
            continue;
          }
          await client.query(
            `UPDATE case_data_keys SET wrapped_key = $2, master_key_id = $3, master_key_version = $4
              WHERE case_id = $1 AND wrapped_key IS NOT NULL`,
            [row.case_id, next.wrapped, next.keyId, next.keyVersion],
          );
          rewrapped++;
        }
        return rows.length;
      });
      if (seen < batchSize) return { rewrapped, failed };
    }
  }

  /** How many live data keys each master key version wraps (to know when an old one can go). */
  async countByMasterKeyVersion(): Promise<
    Array<{ keyId: string; keyVersion: number; count: number }>
  > {
    const { rows } = await this.pool.query<{
      master_key_id: string;
      master_key_version: number;
      n: number;
    }>(
      `SELECT master_key_id, master_key_version, count(*)::int AS n FROM case_data_keys
        WHERE wrapped_key IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    return rows.map((r) => ({
      keyId: r.master_key_id,
      keyVersion: r.master_key_version,
      count: r.n,
    }));
  }

  private async inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

function toStored(row: Row): StoredDataKey {
  if (
    row.destroyed_at !== null ||
    row.wrapped_key === null ||
    row.master_key_id === null ||
    row.master_key_version === null
  ) {
    return {
      state: 'destroyed',
      caseId: row.case_id,
      destroyedAt: row.destroyed_at ?? new Date(0),
    };
  }
  return {
    state: 'active',
    caseId: row.case_id,
    dataKeyVersion: row.data_key_version,
    wrapped: {
      keyId: row.master_key_id,
      keyVersion: row.master_key_version,
      wrapped: row.wrapped_key,
    },
  };
}
