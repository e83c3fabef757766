/**
 * One statement that upserts a whole batch of rows: `INSERT ... SELECT FROM jsonb_to_recordset($1)`
 * (pass `JSON.stringify(rows)`, one object per row with these columns), updating an existing row
 * only when the incoming `last_revision` is greater (idempotent by stream revision). `columns` are
 * `[name, SQL type]`; `key` is the conflict target (the table's primary key). See the README,
 * "A set-based apply".
 */
export function bulkUpsertSql(
  table: string,
  key: string,
  columns: readonly (readonly [string, string])[],
): string {
  const names = columns.map(([n]) => n);
  return `INSERT INTO ${table} AS t (${names.join(', ')})
    SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS x(${columns.map(([n, type]) => `${n} ${type}`).join(', ')})
    ON CONFLICT (${key}) ${updateIfLater(key, names)}`;
}

/**
 * The `ON CONFLICT (key)` action of every upsert of a read model (the INSERT's target aliased
 * `t`): an existing row is replaced only by a later stream revision (idempotent by revision).
 */
export const updateIfLater = (key: string, names: readonly string[]): string =>
  `DO UPDATE SET ${names
    .filter((n) => n !== key)
    .map((n) => `${n} = EXCLUDED.${n}`)
    .join(', ')} WHERE t.last_revision < EXCLUDED.last_revision`;

/**
 * Batches of at most this many rows are written by `copyUpsert`, `copyInsert` and `copyObjects`
 * in one prepared statement (`smallBatchInsert`) rather than by COPY (through a staging table: 3
 * round trips, the table's creation check, the COPY and the INSERT ... SELECT; and a COPY of a few
 * rows costs PostgreSQL far more than an INSERT of them). A live batch holds a few events: its
 * statements, not PostgreSQL's parsing of rows, are the worker's cost per event (issue 18).
 */
export const SMALL_BATCH_ROWS = 32;

/**
 * `rows` as the parameter of `FROM jsonb_populate_recordset(NULL::table, $n::jsonb)`: the
 * columns take the table's own types (as copyUpsert's staging table does); json/jsonb values as
 * they are, bigints as text, Dates as ISO 8601, missing columns NULL.
 */
export function populateRowsJson(names: readonly string[], rows: readonly object[]): string {
  const values = rows.map((row) => {
    const r = row as Record<string, unknown>;
    const o: Record<string, unknown> = {};
    for (const n of names) o[n] = r[n] ?? null;
    return o;
  });
  return JSON.stringify(values, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
}

/** Something that runs SQL: an EntityManager (of a batch's QueryRunner, or not) or a pg client. */
type Queryable = { query(sql: string, parameters?: unknown[]): Promise<unknown> };

/** Statement names by text: `smallBatchUpsert`'s and `smallBatchInsert`'s few fixed statements. */
const statementNames = new Map<string, string>();

/**
 * Runs `text` as a named prepared statement on the pg connection of `em`'s QueryRunner (a live
 * batch's): PostgreSQL parses and plans it once per connection rather than once per batch. The
 * plan stays right under the batch's `SET LOCAL ROLE` and any search_path (PostgreSQL re-plans a
 * cached statement when the role its row-level security depends on or the search_path changes),
 * and node-postgres prepares it again on each new pooled connection. An `em` without a connection
 * of its own runs it unnamed.
 */
async function preparedQuery(em: Queryable, text: string, values: unknown[]): Promise<void> {
  const connection = (
    em as { queryRunner?: { databaseConnection?: { query(config: object): Promise<unknown> } } }
  ).queryRunner?.databaseConnection;
  if (!connection) {
    await em.query(text, values);
    return;
  }
  let name = statementNames.get(text);
  if (name === undefined) statementNames.set(text, (name = `remedy_pj_${statementNames.size}`));
  await connection.query({ name, text, values });
}

const smallInserts = new Map<string, string>();

/**
 * An INSERT of `rows` (objects with these columns) in one parameterised statement, prepared once
 * per connection, for batches of up to `SMALL_BATCH_ROWS` rows. `onConflict`: the statement's
 * `ON CONFLICT (key) ...` clause, if any (the target is aliased `t`, as `updateIfLater` expects).
 * Table and column names are the code's, never input.
 */
export async function smallBatchInsert(
  em: Queryable,
  table: string,
  columns: readonly (readonly [string, string])[],
  rows: readonly object[],
  onConflict = '',
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map(([n]) => n);
  const id = `${table}|${names.join(',')}|${onConflict}`;
  let sql = smallInserts.get(id);
  if (!sql) {
    sql = `INSERT INTO ${table} AS t (${names.join(', ')})
      SELECT ${names.join(', ')} FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb) ${onConflict}`;
    smallInserts.set(id, sql);
  }
  await preparedQuery(em, sql, [populateRowsJson(names, rows)]);
}
