import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import { SMALL_BATCH_ROWS, smallBatchUpsert } from './set-based';

/**
 * One value of a row sent with `copyRows`: `null`/`undefined` → NULL, booleans, numbers, bigints,
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

/** A `text[]` literal (`{"a","b"}`) for `copyRows`. */
export function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** The pg connection of `em`'s transaction (COPY needs the very connection of the batch). */
function transactionClient(em: EntityManager): PoolClient {
  const qr = em.queryRunner as { databaseConnection?: PoolClient; isTransactionActive?: boolean };
  if (!qr?.isTransactionActive || !qr.databaseConnection) {
    throw new Error(
      'copyRows runs inside the batch transaction (an EntityManager of a QueryRunner)',
    );
  }
  return qr.databaseConnection;
}

/**
 * `COPY table (columns) FROM STDIN` of `rows` on the connection of `em`'s transaction: PostgreSQL
 * parses COPY's text format at a fraction of the cost of `jsonb_to_recordset` (issue 18: ~20 µs
 * per timeline row through jsonb). COPY cannot skip conflicting rows, and PostgreSQL refuses
 * `COPY FROM` into a table under row-level security: copy into a staging table
 * (`stagingTableSql`) and `INSERT ... SELECT ... ON CONFLICT` from it.
 */
export async function copyRows(
  em: EntityManager,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CopyValue[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const client = transactionClient(em);
  const lines: string[] = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) lines[i] = rows[i]!.map(copyField).join('\t');
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from([`${lines.join('\n')}\n`]), stream);
}

/**
 * Creates, when this session has none yet, the staging table `staging` for `copyRows`: a temporary
 * copy of `table`'s columns (no constraints, no row-level security, no WAL), emptied at each
 * commit, usable by whichever role the session takes later (the projector role, or the session's
 * own in tests). Run it in the batch's transaction: a rolled-back batch that created it leaves
 * nothing behind. `staging` and `table` are identifiers of the code, never input.
 */
export const stagingTableSql = (staging: string, table: string): string =>
  `DO $staging$ BEGIN
     IF to_regclass('pg_temp.${staging}') IS NULL THEN
       CREATE TEMPORARY TABLE ${staging} (LIKE ${table}) ON COMMIT DELETE ROWS;
       GRANT ALL ON TABLE pg_temp.${staging} TO PUBLIC;
     END IF;
   END $staging$`;

/** A field of `copyUpsert`'s rows by its SQL type: `text[]` as an array literal, json as JSON. */
function fieldOf(type: string, value: unknown): CopyValue {
  if (value === null || value === undefined) return null;
  if (type === 'text[]') return pgTextArray(value as string[]);
  if (type === 'jsonb' || type === 'json') return JSON.stringify(value);
  return value as CopyValue;
}

interface StagedUpsert {
  readonly staging: string;
  /** Creates the staging table when this session has none yet. */
  readonly create: string;
  readonly upsert: string;
}

const stagedUpserts = new Map<string, StagedUpsert>();

function stagedUpsert(table: string, key: string, names: readonly string[]): StagedUpsert {
  const id = `${table}|${key}|${names.join(',')}`;
  let sql = stagedUpserts.get(id);
  if (!sql) {
    const staging = `${table.replace(/\W/g, '_')}_upsert_staging`;
    const updates = names.filter((n) => n !== key).map((n) => `${n} = EXCLUDED.${n}`);
    sql = {
      staging,
      // Only these columns, no constraints (the target's NOT NULL columns with defaults are not
      // copied), the target's types; see stagingTableSql for the rest.
      create: `DO $staging$ BEGIN
         IF to_regclass('pg_temp.${staging}') IS NULL THEN
           CREATE TEMPORARY TABLE ${staging} ON COMMIT DELETE ROWS
             AS SELECT ${names.join(', ')} FROM ${table} WITH NO DATA;
           GRANT ALL ON TABLE pg_temp.${staging} TO PUBLIC;
         END IF;
       END $staging$`,
      upsert: `INSERT INTO ${table} AS t (${names.join(', ')})
         SELECT ${names.join(', ')} FROM ${staging}
         ON CONFLICT (${key}) DO UPDATE SET ${updates.join(', ')}
         WHERE t.last_revision < EXCLUDED.last_revision`,
    };
    stagedUpserts.set(id, sql);
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
  if (rows.length === 0) return;
  if (rows.length <= SMALL_BATCH_ROWS) return smallBatchUpsert(em, table, key, columns, rows);
  const sql = stagedUpsert(
    table,
    key,
    columns.map(([n]) => n),
  );
  await em.query(sql.create);
  await copyObjects(em, sql.staging, columns, rows);
  await em.query(sql.upsert);
}

/**
 * `copyRows` of objects: each row's value of every column, formatted by the column's SQL type
 * (`[name, type]` as for `bulkUpsertSql`: `text[]` from an array, json/jsonb from any value).
 * Straight into `table`: a table without row-level security whose rows cannot conflict (else
 * `copyUpsert`).
 */
export async function copyObjects(
  em: EntityManager,
  table: string,
  columns: readonly (readonly [string, string])[],
  rows: readonly object[],
): Promise<void> {
  await copyRows(
    em,
    table,
    columns.map(([n]) => n),
    rows.map((row) => {
      const r = row as Record<string, unknown>;
      return columns.map(([n, type]) => fieldOf(type, r[n]));
    }),
  );
}
