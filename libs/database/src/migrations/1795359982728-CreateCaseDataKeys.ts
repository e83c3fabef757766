import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One wrapped data key per case (libs/crypto, envelope encryption of personal data).
 * `wrapped_key` is the case's AES-256 data key encrypted under a master key version held by
 * the KMS; the plaintext key is never stored. Destroying a key (erasure, crypto-shredding)
 * erases the wrapped key and the master key reference and keeps a tombstone row (case id and
 * `destroyed_at` only), so that decryption reports the erasure and no new key is created.
 */
export class CreateCaseDataKeys1795359982728 implements MigrationInterface {
  name = 'CreateCaseDataKeys1795359982728';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_data_keys (
        case_id            uuid        PRIMARY KEY,
        data_key_version   integer     NOT NULL DEFAULT 1 CHECK (data_key_version >= 1),
        wrapped_key        bytea,
        master_key_id      text,
        master_key_version integer     CHECK (master_key_version >= 1),
        created_at         timestamptz NOT NULL DEFAULT now(),
        destroyed_at       timestamptz,
        CONSTRAINT case_data_keys_key_xor_tombstone CHECK (
          (destroyed_at IS NULL AND wrapped_key IS NOT NULL AND master_key_id IS NOT NULL AND master_key_version IS NOT NULL)
          OR (destroyed_at IS NOT NULL AND wrapped_key IS NULL AND master_key_id IS NULL AND master_key_version IS NULL)
        )
      )`);
    await q.query(`
      CREATE INDEX case_data_keys_by_master_key ON case_data_keys (master_key_id, master_key_version)
        WHERE destroyed_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE case_data_keys');
  }
}
