/**
 * Global read throughput of the PostgreSQL event store: readAll from START in pages (what a
 * projection rebuild does), and a subscription catching up over the same events, each against a
 * bare ordered SELECT of the same rows into Node in the same run.
 *
 *   npm run build && node dist/bench/event-store/read-all.js   # BENCH_EVENTS=200000, DATABASE_URL=...
 */
import { Pool } from 'pg';
import { PostgresEventStore, START, type GlobalPosition } from '@remedy/event-store';
import { bareOrderedSelect } from '../lib/bare-select';
import { benchServer, createBenchDatabase, stopBenchServer } from '../lib/database';
import { benchContext, ratioOf, writeResults } from '../lib/results';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const PAGE = Number(process.env.BENCH_PAGE ?? 1_000);

async function main(): Promise<void> {
  const db = await createBenchDatabase('remedy_bench_read');
  try {
    // ~500-byte events in 1,000 streams, written in transactions of 10,000 rows.
    const pool = new Pool({ connectionString: db.url, max: 1 });
    for (let at = 0; at < EVENTS; at += 10_000) {
      await pool.query(
        `INSERT INTO events (stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, occurred_at)
         SELECT 'case-' || (g % 1000), g / 1000, gen_random_uuid(), 'BenchEventRecorded', 1,
                jsonb_build_object('caseId', gen_random_uuid(), 'status', 'presumed', 'countries',
                  jsonb_build_array('NG', 'RO', 'LY', 'IT', 'DE'), 'amount', jsonb_build_object('minor', g, 'currency', 'EUR'),
                  'padding', repeat('x', 250)),
                jsonb_build_object('correlationId', gen_random_uuid(), 'userId', gen_random_uuid(), 'organisationId', gen_random_uuid()),
                now()
           FROM generate_series($1::bigint, $2::bigint) g`,
        [at, Math.min(EVENTS, at + 10_000) - 1],
      );
    }
    await pool.query('VACUUM ANALYZE events');
    await pool.end();

    const store = new PostgresEventStore({ connectionString: db.url, poolSize: 2 });
    let t = performance.now();
    let from: GlobalPosition = START;
    let read = 0;
    for (;;) {
      const batch = await store.readAll({ from, batchSize: PAGE });
      read += batch.events.length;
      from = batch.next;
      if (batch.isEnd) break;
    }
    const readAllSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    let delivered = 0;
    await new Promise<void>((resolve, reject) => {
      const sub = store.subscribeToAll({ from: START, batchSize: PAGE }, async (b) => {
        delivered += b.events.length;
        if (b.isEnd && delivered >= EVENTS) void sub.stop().then(resolve, reject);
      });
      sub.done.catch(reject);
    });
    const catchUpSeconds = (performance.now() - t) / 1000;
    await store.close();

    const bare = await bareOrderedSelect(db.url, PAGE);
    const readAll = read / readAllSeconds;
    const catchUp = delivered / catchUpSeconds;
    const server = await benchServer();
    writeResults(
      'event-store-read-all',
      benchContext({ postgres: server.description, events: EVENTS, page: PAGE }),
      [
        { measure: 'bare ordered SELECT into Node', value: bare.rowsPerSecond, unit: 'rows/s' },
        {
          measure: 'readAll from START',
          value: readAll,
          unit: 'events/s',
          reference: 'bare ordered SELECT',
          referenceValue: bare.rowsPerSecond,
          ratio: ratioOf(readAll, bare.rowsPerSecond),
        },
        {
          measure: 'subscribeToAll catch-up from START',
          value: catchUp,
          unit: 'events/s',
          reference: 'bare ordered SELECT',
          referenceValue: bare.rowsPerSecond,
          ratio: ratioOf(catchUp, bare.rowsPerSecond),
        },
      ],
    );
  } finally {
    await db.drop();
    await stopBenchServer();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
