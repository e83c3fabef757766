import type { MigrationInterface, QueryRunner } from 'typeorm';

const ROLES = `ARRAY['caseworker', 'supervisor', 'legal_aid', 'rapporteur', 'org_admin', 'admin']::text[]`;

/**
 * The accounts of the embedded OpenID provider (issue 15, libs/identity accounts/): tables with an
 * audit, not events, because they hold credentials that must be replaced and forgotten (an
 * append-only stream would keep every old password hash) and counters that change on every
 * attempt. Every change is a row of the audit trail (method `AUTH`, route `/identity/…`, rule
 * naming what happened), with opaque ids only.
 *
 * - `identity_accounts`: one per user (user id = the token's `sub`); the login name is unique
 *   case-insensitively; the password hash is argon2id (PHC string), the TOTP secret is encrypted
 *   with the master key (`<keyId>:<version>:<base64>`, bound to the user id); `version` is the ETag.
 * - `identity_passkeys`: WebAuthn credentials (public keys only).
 * - `identity_links`: one-time links; only the SHA-256 of the secret is stored; single use.
 * - `identity_webauthn_challenges`: pending WebAuthn challenges, shared by the API instances.
 * - `identity_login_policies`: an organisation's login rules (a second factor required).
 * - A trigger notifies `identity_account_deactivation` (payload `<userId>:1` deactivated,
 *   `<userId>:0` reactivated) so every API process refuses a leaver's tokens at once.
 * - The audit trail's roles check learns the new role `org_admin` (organisation administrator).
 */
export class CreateIdentityAccounts1796000000000 implements MigrationInterface {
  name = 'CreateIdentityAccounts1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE identity_accounts (
        user_id            uuid        PRIMARY KEY,
        organisation_id    uuid        NOT NULL,
        login_name         text        NOT NULL CHECK (login_name ~ '^[A-Za-z0-9._@+-]{3,64}$'),
        display_name       text        NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 120),
        roles              text[]      NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ${ROLES}),
        language           text        NOT NULL CHECK (language IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
        password_hash      text        CHECK (password_hash LIKE '$argon2id$%'),
        totp_secret        text,
        totp_pending       text,
        totp_last_step     bigint,
        failed_count       integer     NOT NULL DEFAULT 0 CHECK (failed_count >= 0),
        locked_until       timestamptz,
        deactivated_at     timestamptz,
        version            bigint      NOT NULL DEFAULT 1,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX identity_accounts_login_name ON identity_accounts (lower(login_name))`,
    );
    await q.query(
      `CREATE INDEX identity_accounts_organisation ON identity_accounts (organisation_id, user_id)`,
    );
    await q.query(`
      CREATE TABLE identity_passkeys (
        credential_id  text        PRIMARY KEY CHECK (credential_id ~ '^[A-Za-z0-9_-]{1,1400}$'),
        user_id        uuid        NOT NULL REFERENCES identity_accounts ON DELETE CASCADE,
        public_key     bytea       NOT NULL,
        counter        bigint      NOT NULL DEFAULT 0,
        transports     text[]      NOT NULL DEFAULT '{}',
        created_at     timestamptz NOT NULL DEFAULT now(),
        last_used_at   timestamptz
      )`);
    await q.query(`CREATE INDEX identity_passkeys_user ON identity_passkeys (user_id)`);
    await q.query(`
      CREATE TABLE identity_links (
        secret_sha256  bytea       PRIMARY KEY CHECK (octet_length(secret_sha256) = 32),
        user_id        uuid        NOT NULL REFERENCES identity_accounts ON DELETE CASCADE,
        purpose        text        NOT NULL CHECK (purpose IN ('setup', 'reset')),
        expires_at     timestamptz NOT NULL,
        used_at        timestamptz,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX identity_links_user ON identity_links (user_id)`);
    await q.query(`
      CREATE TABLE identity_webauthn_challenges (
        challenge_id   uuid        PRIMARY KEY,
        challenge      text        NOT NULL,
        purpose        text        NOT NULL CHECK (purpose IN ('registration', 'login')),
        user_id        uuid        REFERENCES identity_accounts ON DELETE CASCADE,
        expires_at     timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX identity_webauthn_challenges_expiry ON identity_webauthn_challenges (expires_at)`,
    );
    await q.query(`
      CREATE TABLE identity_login_policies (
        organisation_id        uuid        PRIMARY KEY,
        require_second_factor  boolean     NOT NULL DEFAULT false,
        version                bigint      NOT NULL DEFAULT 1,
        updated_at             timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE FUNCTION identity_account_deactivation_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.deactivated_at IS DISTINCT FROM OLD.deactivated_at THEN
          PERFORM pg_notify('identity_account_deactivation',
            NEW.user_id::text || ':' || CASE WHEN NEW.deactivated_at IS NULL THEN '0' ELSE '1' END);
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER identity_accounts_deactivation AFTER UPDATE OF deactivated_at
      ON identity_accounts FOR EACH ROW EXECUTE FUNCTION identity_account_deactivation_notify()`);
    // The audit trail knows the organisation administrator's role.
    await q.query(`ALTER TABLE audit_trail DROP CONSTRAINT audit_trail_roles_check`);
    await q.query(
      `ALTER TABLE audit_trail ADD CONSTRAINT audit_trail_roles_check CHECK (roles <@ ${ROLES})`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_trail DROP CONSTRAINT audit_trail_roles_check`);
    await q.query(
      `ALTER TABLE audit_trail ADD CONSTRAINT audit_trail_roles_check
         CHECK (roles <@ ARRAY['caseworker', 'supervisor', 'legal_aid', 'rapporteur', 'admin']::text[]) NOT VALID`,
    );
    await q.query(`DROP TABLE identity_login_policies`);
    await q.query(`DROP TABLE identity_webauthn_challenges`);
    await q.query(`DROP TABLE identity_links`);
    await q.query(`DROP TABLE identity_passkeys`);
    await q.query(`DROP TABLE identity_accounts`);
    await q.query(`DROP FUNCTION identity_account_deactivation_notify`);
  }
}
