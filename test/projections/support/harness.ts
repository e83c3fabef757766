import { DataSource, EntitySchema } from 'typeorm';
import {
  comparePositions,
  EventStore,
  GlobalPosition,
  PostgresEventStore,
} from '@remedy/event-store';
import { ProjectionDefinition, projectionEntities, waitForProjection } from '@remedy/projections';
import { eventually as pollUntil, sleep } from '../../faults/support/processes';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { counterTableSql } from './counter-projection';

export async function openDataSource(
  url: string,
  projections: readonly ProjectionDefinition[] = [],
  poolSize = 8,
): Promise<DataSource> {
  const ds = new DataSource({
    type: 'postgres',
    url,
    entities: projectionEntities(projections) as EntitySchema[],
    synchronize: false,
    logging: false,
    extra: { max: poolSize },
  });
  await ds.initialize();
  return ds;
}

export async function createCounterTable(ds: DataSource, table = 'test_counters'): Promise<void> {
  await ds.query(counterTableSql(table));
}

export function openStore(url: string): PostgresEventStore {
  return new PostgresEventStore({ connectionString: url, poolSize: 4 });
}

/** What a counter-projection spec runs on: a fresh database, a DataSource and an event store. */
export interface CounterDatabase {
  readonly db: TestDatabase;
  readonly ds: DataSource;
  readonly store: PostgresEventStore;
}

/** A fresh test database with the counter `tables`, a DataSource for `projections` and a store. */
export async function openCounterDatabase(
  projections: readonly ProjectionDefinition[],
  tables: readonly string[] = ['test_counters'],
): Promise<CounterDatabase> {
  const db = await createTestDatabase();
  const ds = await openDataSource(db.url, projections);
  for (const table of tables) await createCounterTable(ds, table);
  return { db, ds, store: openStore(db.url) };
}

/** Closes the store and the DataSource, then drops the database. */
export async function closeCounterDatabase({ db, ds, store }: CounterDatabase): Promise<void> {
  await store.close();
  await ds.destroy();
  await db.drop();
}

/**
 * Waits (bounded) until the projection's checkpoint reaches the last committed event. (Not the
 * store's headPosition(): that stops below any transaction still running in the cluster, and
 * other tests' transactions can hold it back.)
 */
export async function waitCaughtUp(
  ds: DataSource,
  _store: EventStore,
  projection: string,
  timeoutMs = 20_000,
): Promise<GlobalPosition> {
  const rows = await ds.query(
    `SELECT transaction_id::text AS c, global_position::text AS p FROM events
      ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  const head: GlobalPosition = rows.length
    ? { commit: BigInt(rows[0].c), prepare: BigInt(rows[0].p) }
    : { commit: -1n, prepare: -1n };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await waitForProjection(ds, projection, head, 2000)) return head;
  }
  throw new Error(`projection ${projection} did not catch up within ${timeoutMs} ms`);
}

/** Waits until the store's readers can see `position` (an older transaction elsewhere may hold them back). */
export async function waitReadable(
  store: EventStore,
  position: GlobalPosition,
  timeoutMs = 20_000,
): Promise<void> {
  await eventually(
    async () => comparePositions(await store.headPosition(), position) >= 0,
    timeoutMs,
  );
}

export { sleep };

/** Polls a condition (test helper only; not a product wait): every 20 ms, up to `timeoutMs`. */
export const eventually = <T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> => pollUntil('condition', check, timeoutMs, 20);
