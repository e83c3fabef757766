import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import { SMALL_BATCH_ROWS, smallBatchInsert, updateIfLater } from './set-based';

/**
 * One value of a row sent by COPY: `null`/`undefined` → NULL, booleans, numbers, bigints,
 * Dates (ISO 8601), strings as they are, any other object or array as JSON (for json/jsonb
 * columns; a `text[]` column takes `pgTextArray(values)`).
 */
export type CopyValue = string | number | bigint | boolean | Date | object | null | undefined;

const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_SPECIAL_ALL = /[\\\n\r\t]/g;
const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A field of COPY's text format (tab-separated, `\N` for NULL, backslash escapes). */
function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  let text: string;
  switch (typeof value) {
    case 'string':
      text = value;
      break;
    case 'boolean':
      return value ? 't' : 'f';
    case 'number':
    case 'bigint':
      return String(value);
    default:
      text = value instanceof Date ? value.toISOString() : JSON.stringify(value);
  }
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIAL_ALL, (c) => COPY_ESCAPES[c]!) : text;
}

/** A `text[]` literal (`{"a","b"}`) for COPY's text format. */
export function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** The pg connection of `em`'s transaction (COPY needs the very connection of the batch). */
function transactionClient(em: EntityManager): PoolClient {
  const qr = em.queryRunner as { databaseConnection?: PoolClient; isTransactionActive?: boolean };
  if (!qr?.isTransactionActive || !qr.databaseConnection) {
    throw new Error('COPY runs inside the batch transaction (an EntityManager of a QueryRunner)');
  }
  return qr.databaseConnection;
}

/** Characters of COPY text per chunk sent: PostgreSQL parses one while Node encodes the next. */
const COPY_CHUNK = 1 << 16;

/**
 * `COPY table (columns) FROM STDIN` of `count` rows of `columns.length` fields (`field(row,
 * column)`) on the connection of `em`'s transaction: PostgreSQL parses COPY's text format at a
 * fraction of the cost of `jsonb_to_recordset` (issue 18: ~20 µs per timeline row through jsonb).
 * Encoded chunk by chunk as the connection takes them (no array per row, no whole-batch string: a
 * rebuild's batch is megabytes, and its garbage was a large part of Node's CPU per event). COPY
 * cannot skip conflicting rows, and PostgreSQL refuses `COPY FROM` into a table under row-level
 * security: `copyUpsert` and `copyInsert` copy into a staging table and INSERT ... SELECT from it.
 */
async function copyText(
  em: EntityManager,
  table: string,
  columns: readonly string[],
  count: number,
  field: (row: number, column: number) => CopyValue,
): Promise<void> {
  if (count === 0) return;
  const client = transactionClient(em);
  const width = columns.length;
  function* chunks(): Generator<string> {
    let text = '';
    for (let row = 0; row < count; row++) {
      for (let column = 0; column < width; column++) {
        text += copyField(field(row, column));
        text += column === width - 1 ? '\n' : '\t';
      }
      if (text.length >= COPY_CHUNK) {
        yield text;
        text = '';
      }
    }
    if (text.length > 0) yield text;
  }
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks(), { objectMode: false }), stream);
}

/** A field of `copyUpsert`'s rows by its SQL type: `text[]` as an array literal, json as JSON. */
function fieldOf(type: string, value: unknown): CopyValue {
  if (value === null || value === undefined) return null;
  if (type === 'text[]') return pgTextArray(value as string[]);
  if (type === 'jsonb' || type === 'json') return JSON.stringify(value);
  return value as CopyValue;
}

interface Staged {
  readonly staging: string;
  /** Creates the staging table when this session has none yet. */
  readonly create: string;
  /** INSERT ... SELECT from the staging table, ON CONFLICT as asked. */
  readonly insert: string;
}

const staged = new Map<string, Staged>();

/**
 * The staging table of `table` for these columns and its INSERT ... SELECT, ending with
 * `conflict` (`ON CONFLICT (key) ...`, or nothing).
 */
function stagedInsert(table: string, names: readonly string[], conflict: string): Staged {
  const id = `${table}|${names.join(',')}|${conflict}`;
  let sql = staged.get(id);
  if (!sql) {
    const staging = `${table.replace(/\W/g, '_')}_upsert_staging`;
    sql = {
      staging,
      // A temporary table of only these columns with the target's types: no constraints (the
      // target's NOT NULL columns with defaults are not copied), no row-level security, no WAL;
      // emptied at each commit, usable by whichever role the session takes later (the projector
      // role, or the session's own in tests). Created in the batch's transaction: a rolled-back
      // batch that created it leaves nothing behind. Rows up to a page stay uncompressed in it
      // (toast_tuple_target at its maximum; the default compresses a row past ~2 kB): its rows
      // live until the commit, and a case row of ~2.2 kB was compressed with pglz on its way
      // through (issue 18: half the CPU of the COPY into the staging table).
      create: `DO $staging$ BEGIN
         IF to_regclass('pg_temp.${staging}') IS NULL THEN
           CREATE TEMPORARY TABLE ${staging} WITH (toast_tuple_target = 8160) ON COMMIT DELETE ROWS
             AS SELECT ${names.join(', ')} FROM ${table} WITH NO DATA;
           GRANT ALL ON TABLE pg_temp.${staging} TO PUBLIC;
         END IF;
       END $staging$`,
      insert: `INSERT INTO ${table} AS t (${names.join(', ')})
         SELECT ${names.join(', ')} FROM ${staging} ${conflict}`,
    };
    staged.set(id, sql);
  }
  return sql;
}

/**
 * The upsert of `bulkUpsertSql` through COPY (issue 18: PostgreSQL parses COPY's text format at a
 * fraction of the cost of `jsonb_to_recordset`): `rows` (objects with these columns) are copied
 * into a temporary staging table of these columns (created once per session, emptied at commit),
 * then one `INSERT ... SELECT ... ON CONFLICT (key) DO UPDATE` updates an existing row only when
 * the incoming `last_revision` is greater (idempotent by stream revision). `columns` are
 * `[name, SQL type]` as for `bulkUpsertSql` (the staging table takes the target's own column
 * types). Run it in the batch's transaction; table and column names are the code's, never input.
 */
export async function copyUpsert(
  em: EntityManager,
  table: string,
  key: string,
  columns: readonly (readonly [string, string])[],
  rows: readonly object[],
): Promise<void> {
  await insertRows(
    em,
    table,
    columns,
    rows,
    `ON CONFLICT (${key}) ${updateIfLater(
      key,
      columns.map(([n]) => n),
    )}`,
  );
}

/**
 * The insert-only counterpart of `copyUpsert`, for an append-only table (e.g. one row per event,
 * keyed by stream and revision): a row whose `key` is already there is skipped (`ON CONFLICT
 * (key) DO NOTHING`: a replayed event changes nothing). Batches of up to `SMALL_BATCH_ROWS` rows
 * in one parameterised statement, larger ones through the staging table, as `copyUpsert`.
 * In a fresh load (`isFreshLoad`) the rows are inserted without the conflict check.
 */
export async function copyInsert(
  em: EntityManager,
  table: string,
  key: string,
  columns: readonly (readonly [string, string])[],
  rows: readonly object[],
): Promise<void> {
  await insertRows(
    em,
    table,
    columns,
    rows,
    isFreshLoad(em) ? '' : `ON CONFLICT (${key}) DO NOTHING`,
  );
}

/**
 * Marks `em`'s query runner, for the duration of `work`, as applying a batch of a fresh load: a
 * rebuild that cleared the projection's tables in a committed transaction under its lock and
 * applies every event once (batch and checkpoint in one transaction), so a row `copyInsert` writes
 * cannot already be there. It inserts without `ON CONFLICT` then (issue 18: the speculative
 * insertion's check is ~3 µs of PostgreSQL per row, the timeline's 500,000 rows of a rebuild); were
 * a key ever there, the batch fails with a unique violation (and rolls back) rather than skip it.
 */
export async function withFreshLoad<T>(em: EntityManager, work: () => Promise<T>): Promise<T> {
  const data = freshLoadData(em);
  data[FRESH_LOAD] = true;
  try {
    return await work();
  } finally {
    delete data[FRESH_LOAD];
  }
}

const FRESH_LOAD = 'remedy.projections.freshLoad';

/** TypeORM's `QueryRunner.data`, its place for a caller's data about the connection's work. */
function freshLoadData(em: EntityManager): Record<string, unknown> {
  const qr = em.queryRunner as { data?: Record<string, unknown> } | undefined;
  if (!qr) throw new Error('A fresh load runs on a query runner (the batch transaction)');
  return (qr.data ??= {});
}

const isFreshLoad = (em: EntityManager): boolean =>
  (em.queryRunner as { data?: Record<string, unknown> } | undefined)?.data?.[FRESH_LOAD] === true;

/**
 * `rows` into `table`, ending with `conflict` (`ON CONFLICT (key) ...` or nothing): a small batch
 * in one prepared statement, a larger one by COPY into the staging table, then one INSERT ...
 * SELECT.
 */
async function insertRows(
  em: EntityManager,
  table: string,
  columns: readonly (readonly [string, string])[],
  rows: readonly object[],
  conflict: string,
): Promise<void> {
  if (rows.length === 0) return;
  if (rows.length <= SMALL_BATCH_ROWS) {
    return smallBatchInsert(em, table, columns, rows, conflict);
  }
  const sql = stagedInsert(
    table,
    columns.map(([n]) => n),
    conflict,
  );
  await em.query(sql.create);
  await copyObjectsText(em, sql.staging, columns, rows);
  await em.query(sql.insert);
}

/**
 * Objects straight into `table` (a table whose rows cannot conflict, else `copyUpsert` or
 * `copyInsert`): a small batch in one prepared INSERT, a larger one by COPY (each row's
 * value of every column formatted by the column's SQL type, `[name, type]` as for `bulkUpsertSql`:
 * `text[]` from an array, json/jsonb from any value). COPY FROM needs a table without row-level
 * security.
 */
export async function copyObjects(
  em: EntityManager,
  table: string,
  columns: readonly (readonly [string, string])[],
  rows: readonly object[],
): Promise<void> {
  if (rows.length <= SMALL_BATCH_ROWS) return smallBatchInsert(em, table, columns, rows);
  await copyObjectsText(em, table, columns, rows);
}

async function copyObjectsText(
  em: EntityManager,
  table: string,
  columns: readonly (readonly [string, string])[],
  rows: readonly object[],
): Promise<void> {
  await copyText(
    em,
    table,
    columns.map(([n]) => n),
    rows.length,
    (row, column) => {
      const [name, type] = columns[column]!;
      return fieldOf(type, (rows[row] as Record<string, unknown>)[name]);
    },
  );
}
