/**
 * SQL of the PostgreSQL event store. Every append is one statement (one round trip): the
 * expected-version check lives in the statement, and the unique indexes settle races.
 *
 * Global order: rows are read in (transaction_id, global_position) order, and only rows whose
 * transaction id is below the oldest running transaction of the cluster (pg_snapshot_xmin), so
 * a transaction that commits after a later one is never skipped by a catch-up reader.
 */

export type AppendMode = 'no_stream' | 'any' | 'exact';

export const EVENTS_TABLE = 'events';
export const REVISION_CONSTRAINT = 'events_stream_revision_key';
export const EVENT_ID_CONSTRAINT = 'events_event_id_key';
export const DEFAULT_NOTIFY_CHANNEL = 'remedy_events';

const COLUMNS =
  'stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, occurred_at';
const RETURNING = 'stream_revision, transaction_id, global_position';

/** Revision of the first new event, as SQL. `$1` is the stream id; `$rev` the expected revision. */
function firstRevision(mode: AppendMode, rev: string): string {
  switch (mode) {
    case 'no_stream':
      return '0';
    case 'exact':
      return `(${rev}::bigint + 1)`;
    case 'any':
      return `(SELECT COALESCE(max(stream_revision), -1) + 1 FROM ${EVENTS_TABLE} WHERE stream_id = $1::text)`;
  }
}

function guard(mode: AppendMode, rev: string): string {
  return mode === 'exact'
    ? `WHERE EXISTS (SELECT 1 FROM ${EVENTS_TABLE} WHERE stream_id = $1::text AND stream_revision = ${rev}::bigint)`
    : '';
}

function returning(notifyChannel: string | undefined): string {
  // NOTIFY is sent on commit; identical notifications of one transaction are collapsed.
  return notifyChannel
    ? `RETURNING ${RETURNING}, pg_notify('${notifyChannel}', '')`
    : `RETURNING ${RETURNING}`;
}

/**
 * One event: $1 stream, $2 id, $3 type, $4 schema version, $5 data, $6 metadata, $7 occurred at,
 * [$8 expected revision (exact mode)].
 */
export function appendOneSql(mode: AppendMode, notifyChannel: string | undefined): string {
  return `INSERT INTO ${EVENTS_TABLE} (${COLUMNS})
SELECT $1::text, ${firstRevision(mode, '$8')}, $2::uuid, $3::text, $4::int, $5::jsonb, $6::jsonb, $7::timestamptz
${guard(mode, '$8')}
${returning(notifyChannel)}`;
}

/**
 * Several events: $1 stream, $2 ids, $3 types, $4 schema versions, $5 data, $6 metadata,
 * $7 occurred at (arrays, in stream order), [$8 expected revision (exact mode)].
 */
export function appendManySql(mode: AppendMode, notifyChannel: string | undefined): string {
  return `INSERT INTO ${EVENTS_TABLE} (${COLUMNS})
SELECT $1::text, ${firstRevision(mode, '$8')} + e.ord - 1, e.id, e.type, e.sv, e.data, e.meta, e.occ
FROM unnest($2::uuid[], $3::text[], $4::int[], $5::jsonb[], $6::jsonb[], $7::timestamptz[])
  WITH ORDINALITY AS e(id, type, sv, data, meta, occ, ord)
${guard(mode, '$8')}
ORDER BY e.ord
${returning(notifyChannel)}`;
}

/** After a failed append: where the given ids are, and the stream's last revision. */
export const CONFLICT_SQL = `
SELECT event_id::text AS event_id, stream_id, stream_revision, transaction_id, global_position, NULL::bigint AS actual
  FROM ${EVENTS_TABLE} WHERE event_id = ANY($2::uuid[])
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, (SELECT max(stream_revision) FROM ${EVENTS_TABLE} WHERE stream_id = $1::text)`;

/** The stream's last event (for an append of zero events). */
export const STREAM_HEAD_SQL = `
SELECT stream_revision, transaction_id, global_position FROM ${EVENTS_TABLE}
 WHERE stream_id = $1::text ORDER BY stream_revision DESC LIMIT 1`;

/** Instants travel as epoch milliseconds (float8): much cheaper for the driver than timestamptz text. */
const EVENT_COLUMNS = `global_position, transaction_id, stream_id, stream_revision, event_id, event_type,
  schema_version, data, metadata,
  floor(extract(epoch FROM occurred_at) * 1000)::float8 AS occurred_ms,
  floor(extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_ms`;

/**
 * $1 stream, $2 max revision (inclusive) or null, $3 recorded until (inclusive, millisecond
 * precision like a JavaScript Date) or null.
 */
export const READ_STREAM_SQL = `
SELECT ${EVENT_COLUMNS} FROM ${EVENTS_TABLE}
 WHERE stream_id = $1::text
   AND ($2::bigint IS NULL OR stream_revision <= $2::bigint)
   AND ($3::timestamptz IS NULL OR recorded_at < $3::timestamptz + interval '1 millisecond')
 ORDER BY stream_revision`;

/**
 * $1 after commit (xid8), $2 after prepare, $3 limit, [$4 types]. Always returns at least one
 * row (the snapshot's xmin), with null event columns when nothing is readable.
 *
 * The rows come in the lateral read's order (one outer row: the nested loop emits the inner rows
 * as the ordered index scan yields them) without an ORDER BY of the outer query: the planner
 * cannot tell that the join keeps the inner order, and sorted the whole page again (issue 18: a
 * page of 10,000 events, ~10 MB, sorted on disk past work_mem, ~60 % of the read's PostgreSQL
 * time). `readAll` checks the order all the same (`inPositionOrder`).
 */
export function readAllSql(filtered: boolean): string {
  return `
SELECT s.xmin::text AS xmin, e.*
  FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin) s
  LEFT JOIN LATERAL (
    SELECT ${EVENT_COLUMNS} FROM ${EVENTS_TABLE}
     WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
       AND transaction_id < s.xmin
       ${filtered ? 'AND event_type = ANY($4::text[])' : ''}
     ORDER BY transaction_id, global_position
     LIMIT $3::int
  ) e ON true`;
}

export const HEAD_POSITION_SQL = `
SELECT transaction_id, global_position FROM ${EVENTS_TABLE}
 WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
 ORDER BY transaction_id DESC, global_position DESC LIMIT 1`;

export const SNAPSHOTS_TABLE = 'stream_snapshots';

/** The columns of a snapshot row in a read that also returns events (`part` = 's'). */
const SNAPSHOT_AS_EVENT = `NULL::bigint AS global_position, NULL::text AS transaction_id, s.stream_id,
  s.revision AS stream_revision, NULL::uuid AS event_id, NULL::text AS event_type, NULL::int AS schema_version,
  s.state AS data, NULL::jsonb AS metadata, NULL::float8 AS occurred_ms,
  floor(extract(epoch FROM s.last_recorded_at) * 1000)::float8 AS recorded_ms`;

const EVENT_COLUMNS_OF = (
  a: string,
) => `${a}.global_position, ${a}.transaction_id::text AS transaction_id,
  ${a}.stream_id, ${a}.stream_revision, ${a}.event_id, ${a}.event_type, ${a}.schema_version, ${a}.data, ${a}.metadata,
  floor(extract(epoch FROM ${a}.occurred_at) * 1000)::float8 AS occurred_ms,
  floor(extract(epoch FROM ${a}.recorded_at) * 1000)::float8 AS recorded_ms`;

/** No revision is above this (bigint's largest). */
const MAX_REVISION = '9223372036854775807';

/**
 * One statement: the latest snapshot of the stream at or below the cut (part 's'), the events after
 * it within the cut (part 'e': with a recorded-until cut, those before the first event recorded
 * after it (`after_cut`), so the read stops there instead of filtering the rest of the stream; a
 * stream's events are recorded in revision order, each append being one statement whose
 * `recorded_at` is its start, taken after the append it follows had committed), and, when `$6` names an event, the last event of the append that
 * event opened (part 'f': same stream, transaction and causation id; found by id, not by scanning).
 * $1 stream, $2 kind, $3 fold version, $4 max revision or null, $5 recorded until or null, $6 event id
 * or null.
 */
export const READ_SNAPSHOT_SQL = `
WITH s AS (
  SELECT stream_id, revision, state, last_recorded_at FROM ${SNAPSHOTS_TABLE}
   WHERE stream_id = $1::text AND kind = $2::text AND fold_version = $3::int
     AND ($4::bigint IS NULL OR revision <= $4::bigint)
     AND ($5::timestamptz IS NULL OR last_recorded_at < $5::timestamptz + interval '1 millisecond')
   ORDER BY revision DESC LIMIT 1
),
after_cut AS (
  SELECT e.stream_revision FROM ${EVENTS_TABLE} e
   WHERE $5::timestamptz IS NOT NULL AND e.stream_id = $1::text
     AND e.stream_revision > COALESCE((SELECT revision FROM s), -1)
     AND e.recorded_at >= $5::timestamptz + interval '1 millisecond'
   ORDER BY e.stream_revision LIMIT 1
)
SELECT 's' AS part, ${SNAPSHOT_AS_EVENT} FROM s
UNION ALL
(SELECT 'e', ${EVENT_COLUMNS_OF('e')} FROM ${EVENTS_TABLE} e
  WHERE e.stream_id = $1::text AND e.stream_revision > COALESCE((SELECT revision FROM s), -1)
    AND ($4::bigint IS NULL OR e.stream_revision <= $4::bigint)
    AND ($5::timestamptz IS NULL OR e.recorded_at < $5::timestamptz + interval '1 millisecond')
    AND e.stream_revision < COALESCE((SELECT stream_revision FROM after_cut), ${MAX_REVISION})
  ORDER BY e.stream_revision)
UNION ALL
(SELECT 'f', ${EVENT_COLUMNS_OF('e')} FROM ${EVENTS_TABLE} first
   JOIN ${EVENTS_TABLE} e ON e.stream_id = first.stream_id AND e.transaction_id = first.transaction_id
    AND e.metadata->>'causationId' IS NOT DISTINCT FROM first.metadata->>'causationId'
  WHERE $6::uuid IS NOT NULL AND first.event_id = $6::uuid AND first.stream_id = $1::text
  ORDER BY e.stream_revision DESC LIMIT 1)`;

/**
 * Several streams in one statement: for each, its latest snapshot ('s') and the events after it
 * ('e'). $1 stream ids, $2 kind, $3 fold version.
 */
export const READ_SNAPSHOTS_MANY_SQL = `
WITH ids AS (SELECT DISTINCT unnest($1::text[]) AS stream_id),
s AS (
  SELECT ids.stream_id, l.revision, l.state, l.last_recorded_at FROM ids
    JOIN LATERAL (SELECT revision, state, last_recorded_at FROM ${SNAPSHOTS_TABLE} x
                   WHERE x.stream_id = ids.stream_id AND x.kind = $2::text AND x.fold_version = $3::int
                   ORDER BY revision DESC LIMIT 1) l ON true
)
SELECT 's' AS part, ${SNAPSHOT_AS_EVENT} FROM s
UNION ALL
SELECT 'e', ${EVENT_COLUMNS_OF('e')} FROM ids
  LEFT JOIN s ON s.stream_id = ids.stream_id
  JOIN ${EVENTS_TABLE} e ON e.stream_id = ids.stream_id AND e.stream_revision > COALESCE(s.revision, -1)`;

/** $1 stream, $2 kind, $3 fold version, $4 revision, $5 last recorded at, $6 state. */
export const WRITE_SNAPSHOT_SQL = `
INSERT INTO ${SNAPSHOTS_TABLE} (stream_id, kind, fold_version, revision, last_recorded_at, state)
VALUES ($1::text, $2::text, $3::int, $4::bigint, $5::timestamptz, $6::jsonb)
ON CONFLICT DO NOTHING`;

export const DELETE_SNAPSHOTS_SQL = `DELETE FROM ${SNAPSHOTS_TABLE} WHERE stream_id = $1::text`;
