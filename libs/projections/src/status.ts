import type { GlobalPosition } from '@remedy/event-store';
import { CHECKPOINT_TABLE, positionFromRow } from './checkpoint';
import type { ProjectionDefinition } from './projection';
import { CheckpointSource } from './wait';
import { DataSource } from 'typeorm';

export interface ProjectionLag {
  readonly projection: string;
  /** Undefined when the projection has never run (no checkpoint row yet). */
  readonly checkpoint?: GlobalPosition;
  readonly checkpointUpdatedAt?: Date;
  /**
   * Readable events of the projection's types after its checkpoint, counted up to `maxCount`
   * (then `eventsBehindCapped`). Undefined when the events are not in this database (EventStoreDB).
   */
  readonly eventsBehind?: number;
  readonly eventsBehindCapped?: boolean;
  /**
   * Seconds between the newest recorded event and the oldest event the projection has not
   * applied yet (0 when caught up): how much recorded time its read model is missing.
   */
  readonly secondsBehind?: number;
}

async function query(
  source: CheckpointSource,
  sql: string,
  params: unknown[] = [],
): Promise<any[]> {
  if (source instanceof DataSource) return source.query(sql, params);
  return (await source.query(sql, params)).rows;
}

/**
 * Each projection's checkpoint and lag, for /health and operators, computed in the read-model
 * database. Lag is computed when the PostgreSQL event store's `events` table is in the same
 * database (the default deployment); with EventStoreDB only checkpoints are reported.
 * Only events below the oldest running transaction count (what a reader can already see), like
 * the store's own catch-up reads.
 */
export async function projectionStatus(
  source: CheckpointSource,
  projections: readonly Pick<ProjectionDefinition, 'name' | 'eventTypes'>[],
  options: { readonly maxCount?: number } = {},
): Promise<ProjectionLag[]> {
  const maxCount = options.maxCount ?? 100_000;
  const names = projections.map((p) => p.name);
  const rows = await query(
    source,
    `SELECT projection, position_commit, position_prepare, updated_at,
            to_regclass('events') IS NOT NULL AS has_events
       FROM (SELECT 1) one
       LEFT JOIN ${CHECKPOINT_TABLE} ON projection = ANY($1::text[])`,
    [names],
  );
  const hasEvents = rows.length > 0 && rows[0].has_events === true;
  const byName = new Map(
    rows.filter((r) => r.projection !== null).map((r) => [r.projection as string, r]),
  );
  const newest = hasEvents
    ? ((
        await query(
          source,
          `SELECT recorded_at FROM events WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
        )
      )[0]?.recorded_at as Date | undefined)
    : undefined;

  const result: ProjectionLag[] = [];
  for (const p of projections) {
    const row = byName.get(p.name);
    const checkpoint = row ? positionFromRow(row.position_commit, row.position_prepare) : undefined;
    const base = {
      projection: p.name,
      checkpoint,
      checkpointUpdatedAt: row?.updated_at as Date | undefined,
    };
    if (!hasEvents) {
      result.push(base);
      continue;
    }
    const from = checkpoint ?? { commit: -1n, prepare: -1n };
    const afterCommit = from.commit < 0n ? 0n : from.commit;
    const afterPrepare = from.commit < 0n ? -1n : from.prepare;
    const [lag] = await query(
      source,
      `SELECT count(*)::int AS n, min(recorded_at) AS oldest FROM (
         SELECT recorded_at FROM events
          WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
            AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            AND event_type = ANY($3::text[])
          ORDER BY transaction_id, global_position
          LIMIT $4::int) behind`,
      [afterCommit.toString(), afterPrepare.toString(), [...p.eventTypes], maxCount],
    );
    const oldest = lag.oldest as Date | null;
    result.push({
      ...base,
      eventsBehind: lag.n,
      eventsBehindCapped: lag.n >= maxCount,
      secondsBehind:
        oldest && newest ? Math.max(0, (newest.getTime() - oldest.getTime()) / 1000) : 0,
    });
  }
  return result;
}
