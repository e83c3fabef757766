/**
 * Section 4 of `npm run bench`: replaying the event store into every read model.
 *
 * On a database holding the events of sections 2-3 plus `events` seeded case events
 * (bench/seed/cases.ts), with the worker stopped:
 *  - reference: a bare ordered SELECT of every event into Node (bench/lib/bare-select.ts);
 *  - rebuild: `rebuildProjections` (libs/projections, what `npm run cli -- projection rebuild
 *    --all` runs) of every projection of ALL_PROJECTIONS at once (one read of the store feeding
 *    them all), in this process, with this process's peak RSS;
 *  - each projection's own rate: every projection holding at least 1 % of the events rebuilt
 *    alone, one after the other (store events per second: what it costs beside the scan, so a
 *    projection added later reports its own figure);
 *  - worker replay: every projection cleared, then the real worker started: how fast all its
 *    runners together bring every read model up (events at or below the lowest checkpoint per
 *    second), until they reach the head or for at most `workerSeconds` (what a new deployment
 *    or a new read model costs; the worker's memory under that load is section 6).
 */
import { DataSource, type EntitySchema } from 'typeorm';
import { comparePositions, PostgresEventStore, START } from '@remedy/event-store';
import {
  clearProjection,
  projectionEntities,
  readCheckpoints,
  rebuildProjections,
  waitForProjection,
} from '@remedy/projections';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { bareOrderedSelect } from '../lib/bare-select';
import { ratioOf, type BenchRow } from '../lib/results';
import { seedCaseEvents } from '../seed/cases';

export const REPLAY_GOAL = 0.3;

export interface ReplayOptions {
  readonly databaseUrl: string;
  readonly events: number;
  readonly log: (line: string) => void;
  /** Starts the worker (stopped when this is called); resolves once it runs. */
  readonly startWorker: () => Promise<void>;
  /** Longest worker replay measured (it stops there, read models half built). */
  readonly workerSeconds: number;
}

export async function replayBench(options: ReplayOptions): Promise<BenchRow[]> {
  const { databaseUrl, log } = options;
  const S = '4 replay';
  const seeded = await seedCaseEvents(databaseUrl, options.events, { log });
  log(
    `seeded ${seeded.events.toLocaleString('en')} events of ${seeded.cases.toLocaleString('en')} cases (${seeded.templates} decided histories) in ${seeded.seconds.toFixed(1)} s`,
  );
  const ds = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities: projectionEntities(ALL_PROJECTIONS) as EntitySchema[],
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: 4 + 2 * ALL_PROJECTIONS.length },
  });
  await ds.initialize();
  const store = new PostgresEventStore({ connectionString: databaseUrl, poolSize: 4 });
  try {
    const [{ n: total }] = (await ds.query('SELECT count(*)::int AS n FROM events')) as {
      n: number;
    }[];
    const bare = await bareOrderedSelect(databaseUrl, 1_000);
    log(
      `bare ordered SELECT: ${bare.rows.toLocaleString('en')} rows in ${bare.seconds.toFixed(1)} s`,
    );

    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 100);
    let started = performance.now();
    await rebuildProjections({
      dataSource: ds,
      eventStore: store,
      projections: ALL_PROJECTIONS,
      progressIntervalMs: 10_000,
      onProgress: (p) => {
        if (!p.done) log(`rebuild ${p.projection}: ${p.events.toLocaleString('en')} events`);
      },
    });
    clearInterval(sampler);
    const rebuildSeconds = (performance.now() - started) / 1000;
    const rebuildRate = total / rebuildSeconds;
    log(
      `rebuild of ${ALL_PROJECTIONS.length} projections: ${rebuildSeconds.toFixed(1)} s, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
    );

    // Each projection alone (a rate over a handful of events, the organisation directory's, says
    // nothing: not shown).
    const solo: { name: string; events: number; seconds: number }[] = [];
    for (const projection of ALL_PROJECTIONS) {
      const [{ n }] = (await ds.query(
        'SELECT count(*)::int AS n FROM events WHERE event_type = ANY($1::text[])',
        [projection.eventTypes],
      )) as { n: number }[];
      if (n < total / 100) continue;
      const t = performance.now();
      await rebuildProjections({ dataSource: ds, eventStore: store, projections: [projection] });
      const seconds = (performance.now() - t) / 1000;
      solo.push({ name: projection.name, events: n, seconds });
      log(`rebuild of ${projection.name} alone: ${seconds.toFixed(1)} s`);
    }

    for (const projection of ALL_PROJECTIONS) await clearProjection({ dataSource: ds, projection });
    const head = await store.headPosition();
    started = performance.now();
    await options.startWorker();
    const names = ALL_PROJECTIONS.map((p) => p.name);
    const deadline = started + options.workerSeconds * 1000;
    let caughtUp = false;
    while (!caughtUp && performance.now() < deadline) {
      // Waits on the checkpoints' NOTIFY (and asks idle runners to advance), 1 s at a time.
      caughtUp = await waitForProjection(ds, names, head, 1_000);
    }
    const workerSeconds = (performance.now() - started) / 1000;
    let replayed = total;
    if (!caughtUp) {
      const checkpoints = [...(await readCheckpoints(ds, names)).values()];
      const lowest =
        checkpoints.length < names.length
          ? START
          : checkpoints.reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b));
      const [{ n }] = (await ds.query(
        'SELECT count(*)::int AS n FROM events WHERE (transaction_id, global_position) <= ($1::xid8, $2::bigint)',
        [lowest.commit.toString(), lowest.prepare.toString()],
      )) as { n: number }[];
      replayed = n;
    }
    const workerRate = replayed / workerSeconds;
    log(
      `worker replay from empty checkpoints: ${replayed.toLocaleString('en')} events in every read model after ${workerSeconds.toFixed(1)} s (process start included)${caughtUp ? ', caught up' : ''}`,
    );

    const rows: BenchRow[] = [
      {
        section: S,
        measure: `events in the store (${seeded.events.toLocaleString('en')} seeded: ${seeded.cases.toLocaleString('en')} cases cloned from ${seeded.templates} decided histories)`,
        value: total,
        unit: 'events',
      },
      {
        section: S,
        measure: 'bare ordered SELECT of every event into Node (pg, pages of 1,000)',
        value: bare.rowsPerSecond,
        unit: 'rows/s',
      },
      {
        section: S,
        measure: `rebuild every read model (${ALL_PROJECTIONS.length} projections at once, one read of the store: rebuildProjections)`,
        value: rebuildRate,
        unit: 'store events/s',
        reference: 'bare ordered SELECT',
        referenceValue: bare.rowsPerSecond,
        ratio: ratioOf(rebuildRate, bare.rowsPerSecond),
        goal: `≥ ${REPLAY_GOAL * 100} %`,
        met: (ratioOf(rebuildRate, bare.rowsPerSecond) ?? 0) >= REPLAY_GOAL,
        note: `${rebuildSeconds.toFixed(1)} s`,
      },
      {
        section: S,
        measure: 'rebuild every read model: peak RSS of the rebuilding process',
        value: peakRss / 2 ** 20,
        unit: 'MiB',
        note: `readAhead 2 pages of 10,000 events`,
      },
      // Each projection's own figure: store events per second of its rebuild alone.
      ...solo.map((r): BenchRow => {
        const rate = total / r.seconds;
        return {
          section: S,
          measure: `  rebuild of ${r.name} alone (store events/s; ${r.events.toLocaleString('en')} of its types)`,
          value: rate,
          unit: 'store events/s',
          reference: 'bare ordered SELECT',
          referenceValue: bare.rowsPerSecond,
          ratio: ratioOf(rate, bare.rowsPerSecond),
          note: `${r.seconds.toFixed(1)} s`,
        };
      }),
      {
        section: S,
        measure: `worker replay: every projection cleared, the worker started, ${
          caughtUp
            ? 'until all checkpoints reach the head'
            : `for ${options.workerSeconds} s (events at or below the lowest checkpoint)`
        }`,
        value: workerRate,
        unit: 'store events/s',
        reference: 'bare ordered SELECT',
        referenceValue: bare.rowsPerSecond,
        ratio: ratioOf(workerRate, bare.rowsPerSecond),
        note: `${replayed.toLocaleString('en')} events in ${workerSeconds.toFixed(1)} s incl. process start`,
      },
    ];
    return rows;
  } finally {
    await store.close();
    await ds.destroy();
  }
}
