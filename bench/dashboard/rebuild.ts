/**
 * Section 9 of `npm run bench`: rebuilding the supervisor dashboard's projection
 * (`case-read.dashboard`, issue 17 item 2) alone, from `events` seeded case events
 * (bench/seed/cases.ts) in a database of its own, beside the physical reference measured on the
 * same table in the same run: a bare ordered SELECT of every event into Node
 * (bench/lib/bare-select.ts). Then the dashboard's read itself (GET /dashboard/supervisor's
 * queries, row-level security included) over the rebuilt facts, for the largest organisation.
 */
import { DataSource, type EntitySchema } from 'typeorm';
import { dashboardProjection, DashboardQueries } from '@remedy/case-read-models';
import { PostgresEventStore } from '@remedy/event-store';
import { projectionEntities, rebuildProjection } from '@remedy/projections';
import { bareOrderedSelect } from '../lib/bare-select';
import { createBenchDatabase } from '../lib/database';
import { ratioOf, type BenchRow } from '../lib/results';
import { seedCaseEvents } from '../seed/cases';

export interface DashboardBenchOptions {
  readonly events: number;
  readonly log: (line: string) => void;
  /** Reads of the dashboard timed after the rebuild. */
  readonly reads?: number;
}

const S = '9 dashboard';

export async function dashboardBench(options: DashboardBenchOptions): Promise<BenchRow[]> {
  const { log } = options;
  const db = await createBenchDatabase('remedy_bench_dashboard');
  const ds = new DataSource({
    type: 'postgres',
    url: db.url,
    entities: projectionEntities([dashboardProjection]) as EntitySchema[],
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: 4 },
  });
  const store = new PostgresEventStore({ connectionString: db.url, poolSize: 2 });
  try {
    const seeded = await seedCaseEvents(db.url, options.events, { log });
    log(
      `9 dashboard: seeded ${seeded.events.toLocaleString('en')} events of ${seeded.cases.toLocaleString('en')} cases in ${seeded.seconds.toFixed(1)} s`,
    );
    await ds.initialize();
    const bare = await bareOrderedSelect(db.url, 1_000);
    const report = await rebuildProjection({
      dataSource: ds,
      eventStore: store,
      projection: dashboardProjection,
      progressIntervalMs: 10_000,
      onProgress: (p) => {
        if (!p.done) log(`9 dashboard: rebuild ${p.events.toLocaleString('en')} events`);
      },
    });
    const seconds = report.elapsedMs / 1000;
    const storeRate = seeded.events / seconds;
    log(`9 dashboard: rebuild in ${seconds.toFixed(1)} s (${Math.round(storeRate)} events/s)`);

    const [largest] = (await ds.query(
      `SELECT organisation_id, count(*)::int AS n FROM dashboard_case_facts
        GROUP BY organisation_id ORDER BY n DESC LIMIT 1`,
    )) as { organisation_id: string; n: number }[];
    const queries = new DashboardQueries(ds, 'Europe/Vienna');
    const reads = options.reads ?? 20;
    const timings: number[] = [];
    for (let i = 0; i < reads; i++) {
      const t0 = performance.now();
      await queries.supervisor(largest!.organisation_id);
      timings.push(performance.now() - t0);
    }
    timings.sort((a, b) => a - b);
    const medianMs = timings[Math.floor(timings.length / 2)]!;

    return [
      {
        section: S,
        measure: `events in the store (${seeded.cases.toLocaleString('en')} cases cloned from ${seeded.templates} decided histories)`,
        value: seeded.events,
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
        measure:
          'rebuild of the dashboard projection (case-read.dashboard alone, rebuildProjection)',
        value: storeRate,
        unit: 'store events/s',
        reference: 'bare ordered SELECT',
        referenceValue: bare.rowsPerSecond,
        ratio: ratioOf(storeRate, bare.rowsPerSecond),
        note: `${seconds.toFixed(1)} s; ${report.events.toLocaleString('en')} events applied in ${report.batches} batches`,
      },
      {
        section: S,
        measure: `GET /dashboard/supervisor's queries for the largest organisation (${largest!.n.toLocaleString('en')} cases), median of ${reads}`,
        value: medianMs,
        unit: 'ms',
        note: 'as the application role under row-level security; windows at today',
      },
    ];
  } finally {
    await store.close();
    if (ds.isInitialized) await ds.destroy();
    await db.drop();
  }
}
