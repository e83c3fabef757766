/**
 * oidc-provider's storage adapter on PostgreSQL (table `oidc_provider_store`, migration
 * 1796000000100). Hand-written because no maintained PostgreSQL adapter for oidc-provider 9 is
 * published (upstream ships only an in-memory one for development, and examples); it implements
 * the adapter interface of oidc-provider's `example/my_adapter.js`:
 * upsert / find / findByUid / findByUserCode / consume / destroy / revokeByGrantId.
 *
 * Expired rows are never returned (`expires_at` checked on read) and are deleted by {@link
 * sweepExpired} (the provider module runs it periodically). Every API instance of a deployment
 * shares the table, so sessions, interactions and tokens work across instances.
 */

/** Runs one statement and answers its rows (a TypeORM DataSource's `query`, or a pg Pool's). */
export type Sql = (text: string, params?: readonly unknown[]) => Promise<readonly Row[]>;
type Row = Record<string, unknown>;

/** oidc-provider's stored payload (its own JSON; ids only). */
export type AdapterPayload = Record<string, unknown> & {
  readonly grantId?: string;
  readonly userCode?: string;
  readonly uid?: string;
  readonly accountId?: string;
  readonly consumed?: number;
};

/** One model's rows (oidc-provider makes one adapter per model name). */
export class PostgresOidcAdapter {
  constructor(
    private readonly model: string,
    private readonly sql: Sql,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    // An interaction names the account of its session once there is one.
    const session = payload.session as { accountId?: unknown } | undefined;
    const accountId =
      typeof payload.accountId === 'string'
        ? payload.accountId
        : typeof session?.accountId === 'string'
          ? session.accountId
          : null;
    await this.sql(
      `INSERT INTO oidc_provider_store
         (model, id, payload, grant_id, user_code, uid, account_id, expires_at, consumed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7,
               CASE WHEN $8::int IS NULL THEN NULL ELSE now() + make_interval(secs => $8::int) END,
               NULL)
       ON CONFLICT (model, id) DO UPDATE SET
         payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, user_code = EXCLUDED.user_code,
         uid = EXCLUDED.uid, account_id = EXCLUDED.account_id, expires_at = EXCLUDED.expires_at`,
      [
        this.model,
        id,
        JSON.stringify(payload),
        payload.grantId ?? null,
        payload.userCode ?? null,
        payload.uid ?? null,
        accountId,
        typeof expiresIn === 'number' ? Math.max(0, Math.ceil(expiresIn)) : null,
      ],
    );
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('id = $2', id);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('uid = $2', uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('user_code = $2', userCode);
  }

  async consume(id: string): Promise<void> {
    await this.sql(
      `UPDATE oidc_provider_store SET consumed_at = now()
        WHERE model = $1 AND id = $2 AND consumed_at IS NULL`,
      [this.model, id],
    );
  }

  async destroy(id: string): Promise<void> {
    await this.sql('DELETE FROM oidc_provider_store WHERE model = $1 AND id = $2', [
      this.model,
      id,
    ]);
  }

  /** Every token and code of the grant, of every model (oidc-provider calls it on one model). */
  async revokeByGrantId(grantId: string): Promise<void> {
    await this.sql('DELETE FROM oidc_provider_store WHERE grant_id = $1', [grantId]);
  }

  private async findWhere(condition: string, value: string): Promise<AdapterPayload | undefined> {
    const rows = await this.sql(
      `SELECT payload, extract(epoch FROM consumed_at)::bigint AS consumed
         FROM oidc_provider_store
        WHERE model = $1 AND ${condition} AND (expires_at IS NULL OR expires_at > now())
        LIMIT 1`,
      [this.model, value],
    );
    const row = rows[0];
    if (!row) return undefined;
    const payload = row.payload as AdapterPayload;
    return row.consumed === null || row.consumed === undefined
      ? payload
      : { ...payload, consumed: Number(row.consumed) };
  }
}

/** The `adapter` of oidc-provider's configuration: one adapter per model name. */
export function postgresAdapterFactory(sql: Sql): (model: string) => PostgresOidcAdapter {
  return (model) => new PostgresOidcAdapter(model, sql);
}

/** Deletes expired rows; answers how many. */
export async function sweepExpired(sql: Sql): Promise<number> {
  const rows = await sql(
    `WITH gone AS (DELETE FROM oidc_provider_store WHERE expires_at <= now() RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Ends everything a user holds at the provider: sessions, interactions, grants, authorisation
 * codes, access and refresh tokens (and whatever else names the account, or a grant of it).
 */
export async function revokeAccount(sql: Sql, accountId: string): Promise<void> {
  await sql(
    `DELETE FROM oidc_provider_store
      WHERE account_id = $1
         OR grant_id IN (SELECT id FROM oidc_provider_store WHERE model = 'Grant' AND account_id = $1)`,
    [accountId],
  );
}
