import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { EVENT_STORE, PostgresEventStore } from '@remedy/event-store';
import { CheckpointWaiter, ProjectionRunners, ProjectionsModule } from '@remedy/projections';
import type { TestDatabase } from '../support/database';
import {
  appendMany,
  counterProjection,
  expectedCounters,
  readCounters,
} from './support/counter-projection';
import { closeCounterDatabase, openCounterDatabase } from './support/harness';

describe('ProjectionsModule', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PostgresEventStore;

  beforeAll(async () => {
    ({ db, ds, store } = await openCounterDatabase([counterProjection()]));
  });
  afterAll(() => closeCounterDatabase({ db, ds, store }));

  async function boot(run: boolean) {
    class Infrastructure {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        {
          module: Infrastructure,
          global: true,
          providers: [
            { provide: DataSource, useValue: ds },
            { provide: EVENT_STORE, useValue: store },
          ],
          exports: [DataSource, EVENT_STORE],
        },
        ProjectionsModule.forRoot({
          projections: [counterProjection()],
          run,
          runner: { lockRetryMs: 50 },
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  it('starts a runner per projection on bootstrap, serves waits, and stops them on shutdown', async () => {
    const app = await boot(true);
    const runners = app.get(ProjectionRunners);
    const waiter = app.get(CheckpointWaiter);
    const last = (await appendMany(store, 40))!;
    expect(await waiter.waitFor(['test.counters'], last, 2000)).toBe(true);
    // The runner counts a batch right after its transaction commits; a waiter on another
    // connection may see the checkpoint a moment before the count is updated.
    for (let i = 0; i < 100 && runners.status()[0]?.appliedEvents !== 32; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(runners.status()).toEqual([
      expect.objectContaining({ projection: 'test.counters', state: 'running', appliedEvents: 32 }),
    ]);
    expect(await readCounters(ds.manager)).toEqual(await expectedCounters(ds.manager));

    await app.close();
    expect(runners.status()[0].state).toBe('stopped');
    const locks = await ds.query(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(locks[0].n).toBe(0);
  });

  it('with run: false (the API) provides the waiter only', async () => {
    const app = await boot(false);
    expect(app.get(ProjectionRunners).status()).toEqual([]);
    const last = (await appendMany(store, 5, 5, 'api'))!;
    expect(await app.get(CheckpointWaiter).waitFor(['test.counters'], last, 100)).toBe(false);
    await app.close();
  });
});
