import { DataSource, EntitySchema } from 'typeorm';
import {
  comparePositions,
  EventStore,
  GlobalPosition,
  PostgresEventStore,
} from '@remedy/event-store';
import { ProjectionDefinition, projectionEntities, waitForProjection } from '@remedy/projections';
import { counterTableSql } from './counter-projection';

export async function openDataSource(
  url: string,
  projections: readonly ProjectionDefinition[] = [],
): Promise<DataSource> {
  const ds = new DataSource({
    type: 'postgres',
    url,
    entities: projectionEntities(projections) as EntitySchema[],
    synchronize: false,
    logging: false,
    extra: { max: 8 },
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

/** Waits (bounded) until the projection's checkpoint reaches the store's head at call time. */
export async function waitCaughtUp(
  ds: DataSource,
  store: EventStore,
  projection: string,
  timeoutMs = 20_000,
): Promise<GlobalPosition> {
  const head = await store.headPosition();
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

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls a condition (test helper only; not a product wait). */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
