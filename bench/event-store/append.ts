/**
 * Append throughput of the PostgreSQL event store against the physical limit: the same rows
 * INSERTed into a bare table (primary key only) through the same driver and pool at the same
 * concurrency, in alternating 1-second slices of the same run.
 *
 *   npm run build && node dist/bench/event-store/append.js     # BENCH_SECONDS=5, DATABASE_URL=...
 *
 * Part of `npm run bench` (section 1). Goal: at 8 writers, one event per append ≥ 75 % of the raw
 * single-row INSERT rate.
 */
import { Pool } from 'pg';
import { eventStorePoolConfig, PostgresEventStore, type NewEvent } from '@remedy/event-store';
import { benchContext, ratioOf, runFor, writeResults, type BenchRow } from '../lib/results';
import { benchServer, createBenchDatabase, stopBenchServer } from '../lib/database';
import { benchEvent } from './support';

const STREAMS = 2_000;
const SLICE_MS = 1_000;
const RAW_TABLE = `CREATE TABLE bench_raw (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text NOT NULL, stream_revision bigint NOT NULL, event_id uuid NOT NULL,
  event_type text NOT NULL, schema_version integer NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL,
  occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`;
const RAW_ONE = `INSERT INTO bench_raw (stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, occurred_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
const RAW_MANY = `INSERT INTO bench_raw (stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, occurred_at)
  SELECT $1, $2::bigint + e.ord, e.id, e.type, e.sv, e.data, e.meta, e.occ
  FROM unnest($3::uuid[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[], $8::timestamptz[])
  WITH ORDINALITY AS e(id, type, sv, data, meta, occ, ord)`;

export interface AppendPlan {
  readonly writers: number;
  readonly perCall: number;
}

export const APPEND_PLANS: readonly AppendPlan[] = [
  { writers: 1, perCall: 1 },
  { writers: 8, perCall: 1 },
  { writers: 32, perCall: 1 },
  { writers: 1, perCall: 10 },
  { writers: 8, perCall: 10 },
];

export const APPEND_GOAL = 0.75;

/** Section 1 of `npm run bench`: rows of store events/s against raw INSERT rows/s. */
export async function appendBench(
  options: { seconds?: number; plans?: readonly AppendPlan[]; log?: (line: string) => void } = {},
): Promise<BenchRow[]> {
  const seconds = options.seconds ?? 5;
  const plans = options.plans ?? APPEND_PLANS;
  const log = options.log ?? console.log;
  const db = await createBenchDatabase('remedy_bench_append');
  const rows: BenchRow[] = [];
  try {
    const setup = new Pool({ connectionString: db.url, max: 2 });
    await setup.query(RAW_TABLE);
    // Streams that already exist (one event each), so every append uses an exact expected revision.
    const seed = new PostgresEventStore({ connectionString: db.url, poolSize: 8 });
    const revisions = new Map<string, bigint>();
    const streamIds = Array.from(
      { length: STREAMS },
      (_, i) => `case-${i.toString().padStart(5, '0')}`,
    );
    for (let i = 0; i < streamIds.length; i += 8) {
      await Promise.all(
        streamIds.slice(i, i + 8).map(async (s) => {
          revisions.set(s, (await seed.append(s, [benchEvent()], 'no_stream')).nextRevision);
        }),
      );
    }
    await seed.close();

    for (const { writers, perCall } of plans) {
      // One pool of `writers` connections for both: the same driver, the same connections, and
      // no more connections than writers (the server's max_connections is shared).
      const raw = new Pool(eventStorePoolConfig(db.url, { poolSize: writers }));
      const store = new PostgresEventStore({ pool: raw });
      // Each writer owns its streams (no conflicts), and picks one at random per append.
      const own = (w: number) => streamIds.filter((_, i) => i % writers === w);
      const owned = Array.from({ length: writers }, (_, w) => own(w));
      const pick = (w: number) => owned[w][Math.floor(Math.random() * owned[w].length)];
      const batch = (): NewEvent[] => Array.from({ length: perCall }, () => benchEvent());

      const storeOnce = () =>
        runFor(SLICE_MS, writers, async (w) => {
          const s = pick(w);
          const r = await store.append(s, batch(), revisions.get(s)!);
          revisions.set(s, r.nextRevision);
          return perCall;
        });
      let rawRevision = 0;
      const rawOnce = () =>
        runFor(SLICE_MS, writers, async (w) => {
          const s = pick(w);
          const evs = batch();
          if (perCall === 1) {
            const e = evs[0];
            await raw.query({
              name: 'raw_one',
              text: RAW_ONE,
              values: [
                s,
                rawRevision++,
                e.id,
                e.type,
                e.schemaVersion,
                JSON.stringify(e.data),
                JSON.stringify(e.metadata),
                e.occurredAt,
              ],
            });
          } else {
            await raw.query({
              name: 'raw_many',
              text: RAW_MANY,
              values: [
                s,
                rawRevision++,
                evs.map((e) => e.id),
                evs.map((e) => e.type),
                evs.map((e) => e.schemaVersion),
                evs.map((e) => JSON.stringify(e.data)),
                evs.map((e) => JSON.stringify(e.metadata)),
                evs.map((e) => e.occurredAt),
              ],
            });
          }
          return perCall;
        });
      // Alternate 1-second slices of both, so that load from elsewhere hits both alike.
      const storeRun = { units: 0, seconds: 0 };
      const rawRun = { units: 0, seconds: 0 };
      for (let slice = 0; slice < seconds * (1000 / SLICE_MS); slice++) {
        for (const [run, total] of [
          [storeOnce, storeRun],
          [rawOnce, rawRun],
        ] as const) {
          const r = await run();
          total.units += r.units;
          total.seconds += r.seconds;
        }
      }
      await store.close();
      await raw.end();
      const storeRate = storeRun.units / storeRun.seconds;
      const rawRate = rawRun.units / rawRun.seconds;
      const ratio = ratioOf(storeRate, rawRate);
      const goal = writers === 8 && perCall === 1;
      rows.push({
        section: '1 append',
        measure: `append ${perCall === 1 ? '1 event' : `${perCall} events`}/call, exact expected revision, ${writers} writer${writers > 1 ? 's' : ''}`,
        value: storeRate,
        unit: 'events/s',
        reference: `raw ${perCall === 1 ? 'single-row INSERT' : `${perCall}-row INSERT`}, bare table, ${writers} conn.`,
        referenceValue: rawRate,
        ratio,
        ...(goal ? { goal: `≥ ${APPEND_GOAL * 100} %`, met: (ratio ?? 0) >= APPEND_GOAL } : {}),
      });
      log(
        `append ${perCall}/call writers=${String(writers).padStart(2)}  store ${Math.round(storeRate)} ev/s  raw ${Math.round(rawRate)} rows/s  ratio ${(ratio ?? NaN).toFixed(2)}`,
      );
    }
    await setup.end();
  } finally {
    await db.drop();
  }
  return rows;
}

if (require.main === module) {
  (async () => {
    const server = await benchServer();
    try {
      const rows = await appendBench({ seconds: Number(process.env.BENCH_SECONDS ?? 5) });
      writeResults('event-store-append', benchContext({ postgres: server.description }), rows);
    } finally {
      await stopBenchServer();
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
