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
  const updates = names.filter((n) => n !== key).map((n) => `${n} = EXCLUDED.${n}`);
  return `INSERT INTO ${table} AS t (${names.join(', ')})
    SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS x(${columns.map(([n, type]) => `${n} ${type}`).join(', ')})
    ON CONFLICT (${key}) DO UPDATE SET ${updates.join(', ')}
    WHERE t.last_revision < EXCLUDED.last_revision`;
}
