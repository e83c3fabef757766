import type { DataSource } from 'typeorm';

/**
 * PostgreSQL row-level security, defence in depth under the access policy (see README "Row-level
 * security"). Three roles, cluster-wide, created by the RowLevelSecurity migration (NOLOGIN):
 *
 * - `remedy_owner` owns the read-model tables; its members (the login user that migrates and
 *   runs the worker) see every row;
 * - `remedy_app`: what each API request's reads run as (`SET LOCAL ROLE`), with the caller's
 *   organisation in `remedy.organisation_id` for the transaction. Owns nothing, no BYPASSRLS:
 *   sees its organisation's rows and the rows a consent-based grant gives it, nothing else;
 * - `remedy_projector`: what the projections write as (every row of the read models).
 */
export const OWNER_ROLE = 'remedy_owner';
export const APPLICATION_ROLE = 'remedy_app';
export const PROJECTOR_ROLE = 'remedy_projector';
/** The transaction-local setting the policies read (`remedy_organisation()`). */
export const ORGANISATION_SETTING = 'remedy.organisation_id';

/**
 * What a scoped callback may do: run statements and get their rows (as `DataSource.query` answers:
 * for UPDATE and DELETE on a DataSource, TypeORM answers `[rows, rowCount]`).
 */
export interface ScopedDb {
  query<T = any>(sql: string, params?: unknown[]): Promise<T[]>;
}

interface PgClientLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
  release(err?: Error | boolean): void;
}

/** A TypeORM DataSource, or a `pg` Pool (anything whose `connect()` lends a client). */
export type ScopeSource = DataSource | { connect(): Promise<PgClientLike> };

const isDataSource = (db: ScopeSource): db is DataSource =>
  typeof (db as DataSource).createQueryRunner === 'function';

/** Runs `fn` in one transaction as `role`, with `settings` set for that transaction only. */
async function inRoleTransaction<T>(
  db: ScopeSource,
  role: string,
  organisationId: string | null,
  fn: (db: ScopedDb) => Promise<T>,
): Promise<T> {
  const setup = async (run: (sql: string, params?: unknown[]) => Promise<unknown>) => {
    await run(`SET LOCAL ROLE ${role}`);
    // Always set, even to '' (no organisation): a value left by an earlier SET in the session
    // can never leak into this transaction.
    await run('SELECT set_config($1, $2, true)', [ORGANISATION_SETTING, organisationId ?? '']);
  };
  if (isDataSource(db)) {
    const qr = db.createQueryRunner();
    try {
      await qr.connect();
      await qr.startTransaction();
      await setup((sql, params) => qr.query(sql, params));
      const result = await fn({ query: (sql, params) => qr.query(sql, params) });
      await qr.commitTransaction();
      return result;
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await qr.release().catch(() => undefined);
    }
  }
  const client = await db.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      await setup((sql, params) => client.query(sql, params));
      const result = await fn({
        query: async (sql, params) => (await client.query(sql, params)).rows,
      });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw err;
    }
  } finally {
    client.release(broken);
  }
}

/**
 * Runs `fn` in a transaction as the application role with the caller's organisation set for
 * that transaction (`SET LOCAL ROLE remedy_app`, `set_config('remedy.organisation_id', $1,
 * true)`): the policies then show only that organisation's rows and those a live consent-based
 * grant gives it. `null`: no organisation (the policies show no organisation-scoped row).
 * Keep `fn` to the statements: no stream reads or decryption inside (it holds a connection).
 */
export function withOrganisationScope<T>(
  db: ScopeSource,
  organisationId: string | null,
  fn: (db: ScopedDb) => Promise<T>,
): Promise<T> {
  return inRoleTransaction(db, APPLICATION_ROLE, organisationId, fn);
}

/** Thrown at start-up when reads would not be fenced by row-level security. */
export class RowSecurityNotEnforcedError extends Error {
  override readonly name = 'RowSecurityNotEnforcedError';
}

/**
 * Start-up check: the role the API's reads run as must be subject to row-level security: not a
 * superuser, no BYPASSRLS, RLS active on `table`. The probe runs through `withOrganisationScope`
 * itself (the very code path of the reads), so a missing role switch is caught as well as a role
 * that bypasses; `role` probes another role instead (tests). Also fails when the role cannot be
 * switched to (missing role, login not a member). The default `postgres` login bypasses RLS,
 * which is why every read switches role.
 */
export async function assertRowSecurityEnforced(
  dataSource: DataSource,
  options: { role?: string; table?: string } = {},
): Promise<void> {
  const table = options.table ?? 'case_list';
  const probe = (db: ScopedDb) =>
    db.query<{ name: string; super: boolean; bypass: boolean; active: boolean }>(
      `SELECT current_user AS name, r.rolsuper AS super, r.rolbypassrls AS bypass,
              row_security_active($1::regclass) AS active
         FROM pg_roles r WHERE r.rolname = current_user`,
      [table],
    );
  let rows: { name: string; super: boolean; bypass: boolean; active: boolean }[];
  try {
    rows =
      options.role === undefined
        ? await withOrganisationScope(dataSource, null, probe)
        : await inRoleTransaction(dataSource, `"${options.role.replace(/"/g, '""')}"`, null, probe);
  } catch (err) {
    const role = options.role ?? APPLICATION_ROLE;
    throw new RowSecurityNotEnforcedError(
      `Refusing to start: the API's reads must run as the database role "${role}", but a read as ` +
        `that role failed (${(err as Error).message}). Run the migrations (they create the role and ` +
        `grant the migrating login membership), or grant it: GRANT ${role} TO <login role>.`,
    );
  }
  const r = rows[0];
  if (!r || r.super || r.bypass || !r.active) {
    const why = r?.super ? 'superuser' : r?.bypass ? 'BYPASSRLS' : `RLS not active on ${table}`;
    throw new RowSecurityNotEnforcedError(
      `Refusing to start: the API's reads run as the database role "${r?.name ?? options.role}", ` +
        `which bypasses row-level security (${why}). Reads must run as "${APPLICATION_ROLE}" ` +
        `(NOSUPERUSER NOBYPASSRLS, owning no table).`,
    );
  }
}
