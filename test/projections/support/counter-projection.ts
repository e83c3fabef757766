import { randomUUID } from 'node:crypto';
import { EntityManager, EntitySchema } from 'typeorm';
import type { EventStore, GlobalPosition, NewEvent, RecordedEvent } from '@remedy/event-store';
import { defineProjection, ProjectionDefinition } from '@remedy/projections';

/**
 * A test projection that shows the idempotency-by-revision pattern: one row per stream holding
 * the number of `CounterIncremented` events applied, the sum of their amounts, and the stream
 * revision of the last one (`last_revision`). `CounterNoted` events share the streams but are not
 * of its types: the checkpoint must still move past them.
 */
export const COUNTED = 'CounterIncremented';
export const NOTED = 'CounterNoted';

export interface CounterRow {
  stream_id: string;
  events: number;
  total: string;
  last_revision: string;
}

export function counterSchema(table: string) {
  return new EntitySchema<CounterRow>({
    name: table,
    tableName: table,
    columns: {
      stream_id: { type: 'text', primary: true },
      events: { type: 'int' },
      total: { type: 'bigint' },
      last_revision: { type: 'bigint' },
    },
  });
}

/** The read model's table (in the app, a migration creates it). */
export function counterTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    stream_id text PRIMARY KEY, events int NOT NULL, total bigint NOT NULL, last_revision bigint NOT NULL)`;
}

export interface CounterProjectionOptions {
  readonly name?: string;
  readonly table?: string;
  readonly batchSize?: number;
  /** Called before each batch is applied (inside its transaction): to fail or slow it down. */
  readonly beforeApply?: (
    events: readonly RecordedEvent[],
    em: EntityManager,
  ) => Promise<void> | void;
  /** Called after the rows of a batch were written, before its transaction commits. */
  readonly afterApply?: (events: readonly RecordedEvent[]) => Promise<void> | void;
  /**
   * false drops the revision guard, so that a double application would show in the counts (the
   * crash test proves exactly-once with the checkpoint alone). Default true.
   */
  readonly guardRevision?: boolean;
}

export function counterProjection(options: CounterProjectionOptions = {}): ProjectionDefinition {
  const table = options.table ?? 'test_counters';
  const schema = counterSchema(table);
  const guard =
    options.guardRevision === false ? '' : 'WHERE c.last_revision < EXCLUDED.last_revision';
  return defineProjection({
    name: options.name ?? 'test.counters',
    eventTypes: [COUNTED],
    entities: [schema],
    batchSize: options.batchSize,
    async apply(events: readonly RecordedEvent[], em: EntityManager) {
      await options.beforeApply?.(events, em);
      for (const e of events) {
        const amount = (e.data as { amount: number }).amount;
        // Idempotent by stream revision: an event at or below the stored revision is skipped.
        await em.query(
          `INSERT INTO ${table} AS c (stream_id, events, total, last_revision) VALUES ($1, 1, $2, $3)
           ON CONFLICT (stream_id) DO UPDATE
             SET events = c.events + 1, total = c.total + EXCLUDED.total, last_revision = EXCLUDED.last_revision
             ${guard}`,
          [e.streamId, amount, e.revision.toString()],
        );
      }
      await options.afterApply?.(events);
    },
    async clear(em: EntityManager) {
      await em.createQueryBuilder().delete().from(schema).execute();
    },
  });
}

export async function readCounters(
  em: EntityManager,
  table = 'test_counters',
): Promise<CounterRow[]> {
  return em.getRepository(counterSchema(table)).find({ order: { stream_id: 'ASC' } });
}

/** What the read model must hold, computed straight from the events table. */
export async function expectedCounters(em: EntityManager): Promise<CounterRow[]> {
  return em.query(
    `SELECT stream_id, count(*)::int AS events, sum((data->>'amount')::bigint)::text AS total,
            max(stream_revision)::text AS last_revision
       FROM events WHERE event_type = $1 GROUP BY stream_id ORDER BY stream_id`,
    [COUNTED],
  );
}

/** The same, as of a checkpoint (what the read model holds when its checkpoint is there). */
export async function expectedCountersAt(
  em: EntityManager,
  at: GlobalPosition,
): Promise<CounterRow[]> {
  return em.query(
    `SELECT stream_id, count(*)::int AS events, sum((data->>'amount')::bigint)::text AS total,
            max(stream_revision)::text AS last_revision
       FROM events WHERE event_type = $1 AND (transaction_id, global_position) <= ($2::xid8, $3::bigint)
      GROUP BY stream_id ORDER BY stream_id`,
    [COUNTED, at.commit.toString(), at.prepare.toString()],
  );
}

let seq = 0;
export function counterEvent(amount: number, type: string = COUNTED): NewEvent {
  seq += 1;
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data: { amount, seq },
    metadata: { correlationId: randomUUID(), userId: 'u-test', organisationId: 'o-test' },
    occurredAt: new Date(),
  };
}

/** Appends `count` events over `streams` streams (every fifth one a CounterNoted); returns the last position. */
export async function appendMany(
  store: EventStore,
  count: number,
  streams = 10,
  prefix = 'counter',
): Promise<GlobalPosition | undefined> {
  let last: GlobalPosition | undefined;
  for (let i = 0; i < count; i++) {
    const type = i % 5 === 4 ? NOTED : COUNTED;
    last = (
      await store.append(`${prefix}-${i % streams}`, [counterEvent(1 + (i % 7), type)], 'any')
    ).position;
  }
  return last;
}
