import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `identity_passkeys.credential_id`'s CHECK used a regular expression PostgreSQL cannot compile
 * (`{1,1400}`: its repetition counts stop at 255), so every passkey registration failed with a 500
 * (found by the login end-to-end test). Same rule, written as a character class and a length.
 */
export class PasskeyCredentialIdCheck1796000000300 implements MigrationInterface {
  name = 'PasskeyCredentialIdCheck1796000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE identity_passkeys
        DROP CONSTRAINT IF EXISTS identity_passkeys_credential_id_check,
        ADD CONSTRAINT identity_passkeys_credential_id_check
          CHECK (credential_id ~ '^[A-Za-z0-9_-]+$' AND length(credential_id) <= 1400)
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE identity_passkeys
        DROP CONSTRAINT IF EXISTS identity_passkeys_credential_id_check,
        ADD CONSTRAINT identity_passkeys_credential_id_check
          CHECK (credential_id ~ '^[A-Za-z0-9_-]{1,1400}$')
    `);
  }
}
