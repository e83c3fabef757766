import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The embedded OpenID provider's state (libs/identity provider/, issue 15), shared by every API
 * instance of a deployment (zero-setup: the embedded PostgreSQL in REMEDY_DATA_DIR):
 *
 * - `oidc_provider_store`: oidc-provider's models (sessions, interactions, grants, authorisation
 *   codes, access and refresh tokens), one row each. The payload is oidc-provider's own JSON
 *   (opaque ids: account ids are user uuids, no name or login name); the columns beside it are
 *   the lookups its adapter interface needs (grant, user code, session uid) and the revocation of
 *   a user's sessions and tokens needs (account). Rows past `expires_at` are ignored, then swept.
 * - `oidc_provider_keys`: the provider's private keys: token signing keys (JWK) and cookie
 *   signing secrets. Never in the repository; generated on first start. A rotated signing key is
 *   `retired_at` (no longer signs) and stays published until every token it signed has expired.
 */
export class CreateOidcProviderStore1796000000100 implements MigrationInterface {
  name = 'CreateOidcProviderStore1796000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE oidc_provider_store (
        model        text        NOT NULL CHECK (model ~ '^[A-Za-z]{1,64}$'),
        id           text        NOT NULL CHECK (length(id) BETWEEN 1 AND 256),
        payload      jsonb       NOT NULL,
        grant_id     text,
        user_code    text,
        uid          text,
        account_id   text,
        expires_at   timestamptz,
        consumed_at  timestamptz,
        PRIMARY KEY (model, id)
      )`);
    await q.query(
      `CREATE INDEX oidc_provider_store_grant ON oidc_provider_store (grant_id) WHERE grant_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX oidc_provider_store_uid ON oidc_provider_store (model, uid) WHERE uid IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX oidc_provider_store_user_code ON oidc_provider_store (model, user_code) WHERE user_code IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX oidc_provider_store_account ON oidc_provider_store (account_id) WHERE account_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX oidc_provider_store_expires ON oidc_provider_store (expires_at) WHERE expires_at IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE oidc_provider_keys (
        kid         text        PRIMARY KEY CHECK (kid ~ '^[A-Za-z0-9_-]{1,128}$'),
        kind        text        NOT NULL CHECK (kind IN ('signing', 'cookie')),
        key         jsonb       NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
        retired_at  timestamptz
      )`);
    // At most one current (not retired) key of each kind.
    await q.query(
      `CREATE UNIQUE INDEX oidc_provider_keys_current ON oidc_provider_keys (kind) WHERE retired_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE oidc_provider_keys');
    await q.query('DROP TABLE oidc_provider_store');
  }
}
