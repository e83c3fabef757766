import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from 'jose';
import type { Sql } from './postgres-adapter';

/** The embedded provider's signature algorithm (compact keys; openid-client and jose verify it). */
export const SIGNING_ALGORITHM = 'ES256';

/** A statement runner and a transaction (one connection) for the advisory lock. */
export interface KeyDb {
  readonly query: Sql;
  transaction<T>(work: (query: Sql) => Promise<T>): Promise<T>;
}

/** Transaction-scoped advisory lock: one instance at a time creates or rotates keys. */
const KEYS_LOCK = 'remedy:oidc-provider-keys';

/** What the provider is configured with: private keys, current first. */
export interface ProviderKeys {
  /** Signing keys (private JWKs): the current one first (oidc-provider signs with it), then the retired ones still published. */
  readonly signing: readonly JWK[];
  /** Cookie signing secrets, the current one first. */
  readonly cookies: readonly string[];
  /** Changes whenever the set changes (the provider is rebuilt then). */
  readonly version: string;
}

/**
 * The provider's private keys in PostgreSQL (`oidc_provider_keys`): never in the repository; in
 * zero-setup the embedded PostgreSQL keeps them in REMEDY_DATA_DIR, with DATABASE_URL every API
 * instance shares them. Created on first start under an advisory lock (instances starting at once
 * create one key, not several). A rotation adds a new current signing key and retires the
 * previous one, which stays published (JWKS, and the API's verifier) for `retentionSeconds`:
 * longer than any token it signed lives.
 */
export class OidcKeyStore {
  constructor(
    private readonly db: KeyDb,
    /** How long a retired signing key stays published: the longest token lifetime plus a margin. */
    readonly retentionSeconds: number,
  ) {}

  /** Creates the current signing key and cookie secret when there are none (idempotent). */
  async ensureKeys(): Promise<void> {
    await this.db.transaction(async (query) => {
      await query('SELECT pg_advisory_xact_lock(hashtext($1))', [KEYS_LOCK]);
      const current = await query(`SELECT kind FROM oidc_provider_keys WHERE retired_at IS NULL`);
      const kinds = new Set(current.map((r) => r.kind));
      if (!kinds.has('signing')) await insertSigningKey(query);
      if (!kinds.has('cookie')) await insertCookieKey(query);
    });
  }

  /**
   * A new current signing key; the previous one is retired (published, no longer signing).
   * Answers the new key's id and the retired one's.
   */
  async rotateSigningKey(): Promise<{
    readonly kid: string;
    readonly retired: string | undefined;
  }> {
    return this.db.transaction(async (query) => {
      await query('SELECT pg_advisory_xact_lock(hashtext($1))', [KEYS_LOCK]);
      const retired = await query(
        `UPDATE oidc_provider_keys SET retired_at = clock_timestamp()
          WHERE kind = 'signing' AND retired_at IS NULL RETURNING kid`,
      );
      // Keys retired long enough ago that no token they signed is still valid.
      await query(
        `DELETE FROM oidc_provider_keys
          WHERE kind = 'signing' AND retired_at < clock_timestamp() - make_interval(secs => $1::int)`,
        [this.retentionSeconds],
      );
      const kid = await insertSigningKey(query);
      return { kid, retired: retired[0]?.kid as string | undefined };
    });
  }

  /** The private keys the provider signs with and publishes. */
  async providerKeys(): Promise<ProviderKeys> {
    const rows = await this.db.query(
      `SELECT kid, kind, key FROM oidc_provider_keys
        WHERE retired_at IS NULL
           OR (kind = 'signing' AND retired_at > clock_timestamp() - make_interval(secs => $1::int))
           OR kind = 'cookie'
        ORDER BY (retired_at IS NULL) DESC, created_at DESC, kid`,
      [this.retentionSeconds],
    );
    const signing = rows.filter((r) => r.kind === 'signing').map((r) => r.key as JWK);
    const cookies = rows
      .filter((r) => r.kind === 'cookie')
      .map((r) => (r.key as { secret: string }).secret);
    if (signing.length === 0 || cookies.length === 0)
      throw new Error('the embedded OpenID provider has no keys yet (ensureKeys first)');
    return { signing, cookies, version: rows.map((r) => r.kid as string).join(',') };
  }

  /** The published key set: public parts only (what the API verifies tokens with). */
  async publicKeys(): Promise<JSONWebKeySet> {
    const { signing } = await this.providerKeys();
    return { keys: signing.map(publicPart) };
  }
}

/** A JWK without its private parameters. */
export function publicPart(jwk: JWK): JWK {
  const { kty, crv, x, y, n, e, kid, alg, use } = jwk;
  return Object.fromEntries(
    Object.entries({ kty, crv, x, y, n, e, kid, alg, use }).filter(([, v]) => v !== undefined),
  ) as JWK;
}

async function insertSigningKey(query: Sql): Promise<string> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const kid = randomBytes(16).toString('base64url');
  const jwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  await query(`INSERT INTO oidc_provider_keys (kid, kind, key) VALUES ($1, 'signing', $2)`, [
    kid,
    JSON.stringify(jwk),
  ]);
  return kid;
}

async function insertCookieKey(query: Sql): Promise<void> {
  await query(`INSERT INTO oidc_provider_keys (kid, kind, key) VALUES ($1, 'cookie', $2)`, [
    randomBytes(16).toString('base64url'),
    JSON.stringify({ secret: randomBytes(32).toString('base64url') }),
  ]);
}

/** A {@link KeyDb} on a TypeORM DataSource. */
export function keyDbOf(dataSource: {
  query(text: string, params?: unknown[]): Promise<unknown>;
  transaction<T>(
    work: (manager: { query(text: string, params?: unknown[]): Promise<unknown> }) => Promise<T>,
  ): Promise<T>;
}): KeyDb {
  const sql =
    (runner: { query(text: string, params?: unknown[]): Promise<unknown> }): Sql =>
    async (text, params) =>
      (await runner.query(text, params ? [...params] : undefined)) as Record<string, unknown>[];
  return {
    query: sql(dataSource),
    transaction: (work) => dataSource.transaction((manager) => work(sql(manager))),
  };
}

/** A {@link KeyDb} on a pg Pool (the CLI). */
export function keyDbOfPool(pool: {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  connect(): Promise<{
    query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
    release(): void;
  }>;
}): KeyDb {
  return {
    query: async (text, params) => (await pool.query(text, params ? [...params] : undefined)).rows,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(
          async (text, params) => (await client.query(text, params ? [...params] : undefined)).rows,
        );
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

/**
 * How long a retired signing key stays published: the longest lifetime of a token it signed
 * (access and ID tokens live `accessTokenTtlSeconds`), plus 10 minutes for clock skew and caches.
 */
export function keyRetentionSeconds(accessTokenTtlSeconds: number): number {
  return accessTokenTtlSeconds + 600;
}
