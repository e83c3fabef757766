import { DataSource } from 'typeorm';
import { comparePositions, formatPosition, PostgresEventStore, START } from '@remedy/event-store';
import {
  CheckpointWaiter,
  formatRebuildProgress,
  ProjectionRunner,
  projectionStatus,
  RebuildProgress,
  readCheckpoints,
  rebuildProjection,
  startCatchUp,
  rebuildProjections,
  waitForProjection,
} from '@remedy/projections';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  appendMany,
  counterEvent,
  counterProjection,
  expectedCounters,
  expectedCountersAt,
  NOTED,
  readCounters,
} from './support/counter-projection';
import {
  createCounterTable,
  eventually,
  openDataSource,
  openStore,
  sleep,
  waitCaughtUp,
  waitReadable,
} from './support/harness';

const quiet = { info: () => undefined, error: () => undefined };

describe('ProjectionRunner (PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PostgresEventStore;
  const runners: ProjectionRunner[] = [];

  function runner(
    projection = counterProjection(),
    extra: Partial<ConstructorParameters<typeof ProjectionRunner>[0]> = {},
  ) {
    const r = new ProjectionRunner({
      dataSource: ds,
      eventStore: store,
      projection,
      logger: quiet,
      lockRetryMs: 50,
      ...extra,
    });
    runners.push(r);
    return r;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db.url, [counterProjection()]);
    store = openStore(db.url);
  });
  beforeEach(async () => {
    await ds.query('DROP TABLE IF EXISTS test_counters');
    await createCounterTable(ds);
    await ds.query('TRUNCATE events, projection_checkpoints');
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  it('catches up from the start, applies only its types, and stores the checkpoint with the rows', async () => {
    await appendMany(store, 120);
    const r = runner(counterProjection({ batchSize: 7 }));
    r.start();
    await waitCaughtUp(ds, store, 'test.counters');
    expect(await readCounters(ds.manager)).toEqual(await expectedCounters(ds.manager));
    const status = r.status();
    expect(status.state).toBe('running');
    expect(status.appliedEvents).toBe(96); // 120 minus every fifth (CounterNoted)
    expect(status.batches).toBeGreaterThanOrEqual(Math.ceil(96 / 7));
    const [cp] = (await readCheckpoints(ds, ['test.counters'])).values();
    expect(comparePositions(cp, await store.headPosition())).toBeGreaterThanOrEqual(0);

    // Live: new events after catching up are applied too.
    await appendMany(store, 30, 3, 'live');
    await waitCaughtUp(ds, store, 'test.counters');
    expect(await readCounters(ds.manager)).toEqual(await expectedCounters(ds.manager));
  });

  it('resumes from its checkpoint after a clean stop, without applying anything twice', async () => {
    await appendMany(store, 50);
    const first = runner(counterProjection({ batchSize: 5 }));
    first.start();
    await waitCaughtUp(ds, store, 'test.counters');
    await first.stop();
    expect(first.status().state).toBe('stopped');
    await appendMany(store, 50, 10, 'more');
    const second = runner(counterProjection({ batchSize: 5 }));
    second.start();
    await waitCaughtUp(ds, store, 'test.counters');
    expect(second.status().appliedEvents).toBe(40);
    expect(await readCounters(ds.manager)).toEqual(await expectedCounters(ds.manager));
  });

  it('rolls back the rows and the checkpoint of a failing batch, surfaces the error, and retries with backoff', async () => {
    await appendMany(store, 10, 10);
    let poisoned = true;
    const projection = counterProjection({
      batchSize: 100,
      beforeApply: async (events, em) => {
        if (poisoned && events.some((e) => e.streamId === 'poison-0')) {
          // Writes first, then fails: the write must be rolled back with the batch.
          await em.query(`INSERT INTO test_counters VALUES ('junk', 1, 1, 0)`);
          throw new Error('cannot project event 42');
        }
      },
    });
    const r = runner(projection, { retry: { initialMs: 200, maxMs: 400 } });
    r.start();
    await waitCaughtUp(ds, store, 'test.counters');

    await store.append('counter-0', [counterEvent(5)], 'any');
    await store.append('poison-0', [counterEvent(7)], 'any');
    const failedAt = Date.now();
    await eventually(async () => r.status().consecutiveFailures >= 1);
    expect(r.status().lastError).toContain('cannot project event 42');
    expect(r.status().lastError).toContain('ProjectionHandlerError');
    // Nothing of the failing batch was kept: the rows are exactly those up to the checkpoint,
    // which is before the poison event.
    const [cp] = (await readCheckpoints(ds, ['test.counters'])).values();
    const rows = await readCounters(ds.manager);
    expect(rows.map((row) => row.stream_id)).not.toContain('junk');
    expect(rows.map((row) => row.stream_id)).not.toContain('poison-0');
    expect(rows).toEqual(await expectedCountersAt(ds.manager, cp));
    // It does not spin: with a 200-400 ms backoff, at most one failure per 150 ms.
    await sleep(1000);
    const failures = r.status().consecutiveFailures;
    expect(failures).toBeGreaterThanOrEqual(2);
    expect(failures).toBeLessThanOrEqual(Math.ceil((Date.now() - failedAt) / 150) + 1);
    expect((await readCheckpoints(ds, ['test.counters'])).get('test.counters')).toEqual(cp);

    poisoned = false;
    await waitCaughtUp(ds, store, 'test.counters');
    await eventually(async () => r.status().consecutiveFailures === 0);
    expect(await readCounters(ds.manager)).toEqual(await expectedCounters(ds.manager));
  });

  it('given a runner backing off after a failure, when stopped, then it stops at once rather than after the backoff', async () => {
    await appendMany(store, 3);
    const projection = counterProjection({
      beforeApply: async () => {
        throw new Error('cannot project');
      },
    });
    const r = runner(projection, { retry: { initialMs: 20_000, maxMs: 20_000 } });
    r.start();
    await eventually(async () => r.status().state === 'backing_off');
    expect(r.status().consecutiveFailures).toBe(1);
    const t0 = Date.now();
    await r.stop();
    expect(Date.now() - t0).toBeLessThan(2_000); // the backoff is at least 15 s
    expect(r.status().state).toBe('stopped');
  });

  it('never lets two runners of one projection apply at the same time; the standby takes over', async () => {
    let active = 0;
    let overlaps = 0;
    const appliedBy: string[] = [];
    const instrumented = (who: string) =>
      counterProjection({
        batchSize: 3,
        beforeApply: async () => {
          active += 1;
          if (active > 1) overlaps += 1;
          appliedBy.push(who);
          await sleep(5);
          active -= 1;
        },
      });
    await appendMany(store, 60);
    const a = runner(instrumented('a'));
    const b = runner(instrumented('b'));
    a.start();
    b.start();
    await waitCaughtUp(ds, store, 'test.counters');
    const states = [a.status().state, b.status().state].sort();
    expect(states).toEqual(['running', 'waiting_for_lock']);
    const [leader, standby] = a.status().state === 'running' ? [a, b] : [b, a];
    const locks =
      await ds.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
    expect(locks[0].n).toBe(1);

    await leader.stop();
    await appendMany(store, 30, 5, 'after');
    await waitCaughtUp(ds, store, 'test.counters');
    expect(standby.status().state).toBe('running');
    // The in-memory count moves once the batch's commit has returned, a moment after the
    // checkpoint row is visible to waitCaughtUp.
    await eventually(async () => standby.status().appliedEvents >= 24, 5_000);
    expect(standby.status().appliedEvents).toBe(24);
    expect(overlaps).toBe(0);
    expect(new Set(appliedBy).size).toBe(2);
    expect(await readCounters(ds.manager)).toEqual(await expectedCounters(ds.manager));
  });

  it('rebuilds to the same read model as incremental application, while the runner steps aside', async () => {
    await appendMany(store, 200, 13);
    const r = runner(counterProjection({ batchSize: 9 }));
    r.start();
    await waitCaughtUp(ds, store, 'test.counters');
    const incremental = await readCounters(ds.manager);
    expect(incremental).toEqual(await expectedCounters(ds.manager));

    // Corrupt the read model: a rebuild must not depend on what is there.
    await ds.query(`UPDATE test_counters SET total = total + 1000`);
    const progress: RebuildProgress[] = [];
    const report = await rebuildProjection({
      dataSource: ds,
      eventStore: store,
      projection: counterProjection(),
      batchSize: 17,
      lockTimeoutMs: 10_000,
      onProgress: (p) => progress.push(p),
      progressIntervalMs: 0,
    });
    expect(report.done).toBe(true);
    expect(report.events).toBe(160);
    expect(report.eventsPerSecond).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual(report);
    expect(progress.length).toBeGreaterThan(1);
    expect(formatRebuildProgress(report)).toMatch(
      /^test\.counters: 160 events in \d+ batches, \d+ events\/s, at \d+\.-?\d+ \(done in/,
    );
    expect(await readCounters(ds.manager)).toEqual(incremental);

    // The runner takes its lock back and carries on live.
    await appendMany(store, 20, 4, 'post-rebuild');
    await waitCaughtUp(ds, store, 'test.counters');
    expect(r.status().state).toBe('running');
    expect(await readCounters(ds.manager)).toEqual(await expectedCounters(ds.manager));
  });

  it('catches up in bulk the projections far behind, from their own checkpoints, with one read of the store, and hands them over', async () => {
    await appendMany(store, 200, 13);
    await ds.query('DROP TABLE IF EXISTS test_counters_b');
    await createCounterTable(ds, 'test_counters_b');
    const a = counterProjection({ batchSize: 7 });
    const b = counterProjection({ name: 'test.counters-b', table: 'test_counters_b' });
    // test.counters is at the head but for 24 events of its types: left to its runner.
    const first = runner(a);
    first.start();
    await waitCaughtUp(ds, store, 'test.counters');
    await first.stop();
    const before = (await readCheckpoints(ds, ['test.counters'])).get('test.counters')!;
    await waitReadable(store, (await appendMany(store, 30, 5, 'late'))!);
    const released: string[] = [];
    const catchUp = startCatchUp({
      dataSource: ds,
      eventStore: store,
      projections: [a, b],
      minLag: 50,
      batchSize: 17,
      onReleased: (name) => released.push(name),
    });
    expect([...(await catchUp.started)]).toEqual(['test.counters-b']);
    const [report] = await catchUp.done;
    expect([report!.projection, report!.events, report!.done]).toEqual([
      'test.counters-b',
      184,
      true,
    ]);
    expect(released).toEqual(['test.counters-b']);
    const expected = await expectedCounters(ds.manager);
    expect(
      await ds.query(
        'SELECT stream_id, events, total::text, last_revision::text FROM test_counters_b ORDER BY stream_id',
      ),
    ).toEqual(expected);
    const checkpoints = await readCheckpoints(ds, ['test.counters', 'test.counters-b']);
    expect(formatPosition(checkpoints.get('test.counters')!)).toBe(formatPosition(before));
    expect(formatPosition(checkpoints.get('test.counters-b')!)).toBe(
      formatPosition(report!.position),
    );
    const locks = await ds.query(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(locks[0].n).toBe(0);

    // Far behind again: only the new events are applied (from the checkpoint, nothing cleared).
    await waitReadable(store, (await appendMany(store, 100, 10, 'more'))!);
    const again = startCatchUp({
      dataSource: ds,
      eventStore: store,
      projections: [b],
      minLag: 50,
      batchSize: 33,
    });
    expect([...(await again.started)]).toEqual(['test.counters-b']);
    expect((await again.done).map((r) => r.events)).toEqual([80]);
    expect(
      await ds.query(
        'SELECT stream_id, events, total::text, last_revision::text FROM test_counters_b ORDER BY stream_id',
      ),
    ).toEqual(await expectedCounters(ds.manager));
  });

  it('rebuilds several projections with ONE read of the store, each to the read model it builds alone, and vacuums their tables', async () => {
    await appendMany(store, 200, 13);
    await ds.query('DROP TABLE IF EXISTS test_counters_b');
    await createCounterTable(ds, 'test_counters_b');
    await ds.query(`UPDATE test_counters SET total = total + 1000`); // a rebuild must not read it
    let reads = 0;
    const counting = new Proxy(store, {
      get(target, key) {
        if (key === 'readAll') {
          return (options: Parameters<PostgresEventStore['readAll']>[0]) => {
            reads += 1;
            return target.readAll(options);
          };
        }
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const reports = await rebuildProjections({
      dataSource: ds,
      eventStore: counting,
      projections: [
        counterProjection(),
        counterProjection({ name: 'test.counters-b', table: 'test_counters_b' }),
      ],
      batchSize: 17,
      readAhead: 1,
      lockTimeoutMs: 10_000,
    });
    expect(reports.map((r) => [r.projection, r.events, r.done])).toEqual([
      ['test.counters', 160, true],
      ['test.counters-b', 160, true],
    ]);
    // 160 events of their types in pages of 17: 10 pages (the last one ends the read), not 20.
    expect(reads).toBe(10);
    const expected = await expectedCounters(ds.manager);
    expect(await readCounters(ds.manager)).toEqual(expected);
    expect(
      await ds.query(
        'SELECT stream_id, events, total::text, last_revision::text FROM test_counters_b ORDER BY stream_id',
      ),
    ).toEqual(expected);
    const checkpoints = await readCheckpoints(ds, ['test.counters', 'test.counters-b']);
    for (const r of reports)
      expect(formatPosition(checkpoints.get(r.projection)!)).toBe(formatPosition(r.position));
    // test_counters is registered in the DataSource: vacuumed (after the clear and at the end).
    const [{ vacuums }] = (await ds.query(
      `SELECT vacuum_count::int AS vacuums FROM pg_stat_user_tables WHERE relname = 'test_counters'`,
    )) as { vacuums: number }[];
    expect(vacuums).toBeGreaterThanOrEqual(1);
  });

  it('waitForProjection: true once reached (also during the wait), false on timeout or for a projection never run', async () => {
    const r = runner(counterProjection());
    r.start();
    const first = await store.append('w-1', [counterEvent(1)], 'no_stream');
    expect(await waitForProjection(ds, 'test.counters', first.position, 2000)).toBe(true);
    expect(await waitForProjection(ds, ['test.counters', 'never.ran'], first.position, 50)).toBe(
      false,
    );

    // Reached while waiting: the runner is stopped, the event appended, then the runner started.
    await r.stop();
    const second = await store.append('w-1', [counterEvent(2)], 0n);
    const t0 = Date.now();
    expect(await waitForProjection(ds, 'test.counters', second.position, 150)).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    const waiting = waitForProjection(ds, 'test.counters', second.position, 2000);
    await sleep(100);
    r.start();
    expect(await waiting).toBe(true);

    // One shared waiter, many concurrent waits, including a position not reached.
    const waiter = new CheckpointWaiter(ds);
    try {
      await r.stop();
      const third = await store.append('w-2', [counterEvent(3)], 'no_stream');
      const all = Promise.all([
        waiter.waitFor(['test.counters'], second.position, 1000),
        waiter.waitFor(['test.counters'], third.position, 1500),
        waiter.waitFor(['test.counters'], third.position, 1500),
        waiter.waitFor(
          ['test.counters'],
          { commit: third.position.commit + 1000n, prepare: 0n },
          300,
        ),
      ]);
      await sleep(50);
      r.start();
      expect(await all).toEqual([true, true, true, false]);
      // Longer than MAX_WAIT_MS is cut to it.
      const t1 = Date.now();
      expect(
        await waiter.waitFor(['test.counters'], { commit: 2n ** 62n, prepare: 0n }, 60_000),
      ).toBe(false);
      expect(Date.now() - t1).toBeLessThan(3000);
    } finally {
      await waiter.close();
    }
  });

  it('moves the checkpoint past events of other types when idle, and writes nothing once past them', async () => {
    const r = runner(counterProjection(), { idleAdvanceMs: 200 });
    r.start();
    const counted = await store.append('m-1', [counterEvent(1)], 'no_stream');
    expect(await waitForProjection(ds, 'test.counters', counted.position, 2000)).toBe(true);
    const noted = await store.append('m-1', [counterEvent(0, NOTED)], 0n);
    // Polling the table (a waiter would ask the runner to advance at once: next test).
    await eventually(async () => {
      const cp = (await readCheckpoints(ds, ['test.counters'])).get('test.counters');
      return cp && comparePositions(cp, noted.position) >= 0;
    });

    // Once past every event, an idle runner writes nothing more.
    const updatedAt = async () =>
      (await ds.query(`SELECT updated_at FROM projection_checkpoints`))[0].updated_at as Date;
    await sleep(400);
    const before = await updatedAt();
    await sleep(800);
    expect(await updatedAt()).toEqual(before);
  });

  it('advances past events of other types as soon as a waiter asks for their position', async () => {
    // No periodic advance at all: only the waiter's request can move the checkpoint.
    const r = runner(counterProjection(), { idleAdvanceMs: 0 });
    r.start();
    const counted = await store.append('m-2', [counterEvent(1)], 'no_stream');
    expect(await waitForProjection(ds, 'test.counters', counted.position, 2000)).toBe(true);
    const noted = await store.append('m-2', [counterEvent(0, NOTED)], 0n);
    expect(await waitForProjection(ds, 'test.counters', noted.position, 2000)).toBe(true);
    const again = await store.append('m-2', [counterEvent(0, NOTED)], 1n);
    const waiter = new CheckpointWaiter(ds);
    try {
      expect(await waiter.waitFor(['test.counters'], again.position, 2000)).toBe(true);
    } finally {
      await waiter.close();
    }
  });

  it('reports checkpoint and lag (events and seconds behind) for /health', async () => {
    const projection = counterProjection();
    expect(await projectionStatus(ds, [projection])).toEqual([
      expect.objectContaining({
        projection: 'test.counters',
        checkpoint: undefined,
        eventsBehind: 0,
        secondsBehind: 0,
      }),
    ]);
    await waitReadable(store, (await appendMany(store, 25))!);
    let [lag] = await projectionStatus(ds, [projection], { maxCount: 15 });
    expect(lag).toMatchObject({ eventsBehind: 15, eventsBehindCapped: true });
    [lag] = await projectionStatus(ds, [projection]);
    expect(lag).toMatchObject({ eventsBehind: 20, eventsBehindCapped: false });
    expect(lag.secondsBehind).toBeGreaterThanOrEqual(0);

    await ds.query(
      `UPDATE events SET recorded_at = recorded_at - interval '90 seconds' WHERE stream_id = 'counter-0'`,
    );
    [lag] = await projectionStatus(ds, [projection]);
    expect(lag.secondsBehind).toBeGreaterThanOrEqual(89);

    const r = runner(projection);
    r.start();
    await waitCaughtUp(ds, store, 'test.counters');
    [lag] = await projectionStatus(ds, [projection]);
    expect(lag).toMatchObject({ eventsBehind: 0, secondsBehind: 0 });
    expect(comparePositions(lag.checkpoint!, START)).toBeGreaterThan(0);
    expect(lag.checkpointUpdatedAt).toBeInstanceOf(Date);
  });
});
