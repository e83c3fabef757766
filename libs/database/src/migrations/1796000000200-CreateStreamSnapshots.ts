import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Snapshots of stream prefixes (issue 18 item 1; PostgreSQL event store, libs/event-store
 * `PostgresEventStore.snapshots`). A stream is append-only, so the fold of its first `revision + 1`
 * events never changes: a snapshot stays valid for good and a read takes the latest one at or below
 * its cut, together with the events after it, in one statement.
 *
 * - `kind`: what was folded (e.g. `case`); `fold_version`: the fold's version, a snapshot of another
 *   version is ignored (and rebuilt by the next read); `state`: the fold's result as JSON, opaque to
 *   the store. The case fold's state holds readable facts only (personal parts read as erased) and
 *   the decision state sealed with the case's data key (@remedy/case-stream), so a shredded key
 *   leaves nothing personal readable here.
 * - `last_recorded_at`: the latest `recorded_at` of the prefix, so an "as recorded until" read uses a
 *   snapshot only when the whole prefix was recorded by then.
 * - Several snapshots per stream (one per revision written): an as-of read keeps its own.
 */
export class CreateStreamSnapshots1796000000200 implements MigrationInterface {
  readonly name = 'CreateStreamSnapshots1796000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stream_snapshots (
        stream_id        text        NOT NULL,
        kind             text        NOT NULL,
        fold_version     integer     NOT NULL,
        revision         bigint      NOT NULL CHECK (revision >= 0),
        last_recorded_at timestamptz NOT NULL,
        state            jsonb       NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (stream_id, kind, fold_version, revision)
      )`);
    await q.query(`ALTER TABLE stream_snapshots OWNER TO remedy_owner`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON stream_snapshots TO remedy_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS stream_snapshots`);
  }
}
