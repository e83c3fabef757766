import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event store's log (PostgreSQL adapter, libs/event-store/src/postgres).
 *
 * - `global_position`: insertion sequence; `transaction_id`: the appending transaction (xid8).
 *   Catch-up readers order by (transaction_id, global_position) and only read rows whose
 *   transaction id is below the oldest running transaction (pg_snapshot_xmin), so a transaction
 *   that commits late is never skipped.
 * - UNIQUE (stream_id, stream_revision) enforces optimistic concurrency (no duplicate revision);
 *   UNIQUE (event_id) makes appends idempotent.
 * - The primary key is the global read order (transaction_id, global_position): one index fewer
 *   to maintain per event than a separate key on global_position (unique by construction).
 * - No streams table: the stream's last revision is read from the unique index in the same
 *   statement as the insert (one round trip, one row written per event).
 */
export class CreateEventStore1795359976475 implements MigrationInterface {
  readonly name = 'CreateEventStore1795359976475';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        global_position bigint GENERATED ALWAYS AS IDENTITY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id text NOT NULL,
        stream_revision bigint NOT NULL CHECK (stream_revision >= 0),
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        schema_version integer NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_pkey PRIMARY KEY (transaction_id, global_position),
        CONSTRAINT events_event_id_key UNIQUE (event_id),
        CONSTRAINT events_stream_revision_key UNIQUE (stream_id, stream_revision)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS events`);
  }
}
