/**
 * Append throughput of the PostgreSQL event store against the physical limit: the same rows
 * INSERTed into a bare table (primary key only) through the same driver at the same concurrency.
 *
 *   npx tsc -p tsconfig.build.json; npx tsc-alias -p tsconfig.build.json
 *   node dist/bench/event-store/append.js            # BENCH_SECONDS=5, DATABASE_URL=...
 *
 * Goal: at 8 writers, one event per append ≥ 75% of the raw single-row INSERT rate.
 */
import { Pool } from 'pg';
import { PostgresEventStore, type NewEvent } from '@remedy/event-store';
import { benchEvent, createBenchDatabase, machine, runFor, writeResults } from './support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
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

interface Row {
  workload: string;
  writers: number;
  eventsPerCall: number;
  storeEventsPerSec: number;
  rawRowsPerSec: number;
  ratio: number;
}

async function main(): Promise<void> {
  const db = await createBenchDatabase('remedy_bench_append');
  const rows: Row[] = [];
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

    const plans: Array<{ writers: number; perCall: number }> = [
      { writers: 1, perCall: 1 },
      { writers: 8, perCall: 1 },
      { writers: 32, perCall: 1 },
      { writers: 1, perCall: 10 },
      { writers: 8, perCall: 10 },
    ];
    for (const { writers, perCall } of plans) {
      const store = new PostgresEventStore({ connectionString: db.url, poolSize: writers });
      const raw = new Pool({ connectionString: db.url, max: writers });
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
      for (let slice = 0; slice < SECONDS * (1000 / SLICE_MS); slice++) {
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
      const row: Row = {
        workload:
          perCall === 1
            ? 'append 1 event, exact revision'
            : `append ${perCall} events, exact revision`,
        writers,
        eventsPerCall: perCall,
        storeEventsPerSec: Math.round(storeRate),
        rawRowsPerSec: Math.round(rawRate),
        ratio: Math.round((storeRate / rawRate) * 100) / 100,
      };
      rows.push(row);
      console.log(
        `${row.workload.padEnd(34)} writers=${String(writers).padStart(2)}  store ${String(row.storeEventsPerSec).padStart(7)} ev/s   raw INSERT ${String(row.rawRowsPerSec).padStart(7)} rows/s   ratio ${row.ratio.toFixed(2)}`,
      );
    }
    await setup.end();
  } finally {
    await db.drop();
  }
  console.table(rows);
  const file = writeResults('event-store-append', { machine: machine(), seconds: SECONDS, rows });
  console.log(`results: ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
