/**
 * Live delivery of the PostgreSQL event store: append throughput (8 writers, one event per
 * append, exact expected revision) and append → subscriber delivery lag, for both modes
 * ('poll' and 'notify'), in one run. The default mode (DEFAULT_LIVE_DELIVERY) is the faster one
 * that meets p99 lag ≤ 50 ms.
 *
 *   npm run build && node dist/bench/event-store/live-delivery.js   # BENCH_SECONDS=5, DATABASE_URL=...
 *
 * Lag "after ack": from the moment the writer's append resolved to the moment the subscriber's
 * handler got the event (0 when delivered before the ack reached the writer); "after send":
 * from the moment the append was called.
 */
import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type LiveDelivery } from '@remedy/event-store';
import { benchServer, createBenchDatabase, stopBenchServer } from '../lib/database';
import { benchContext, percentile, runFor, writeResults, type BenchRow } from '../lib/results';
import { benchEvent } from './support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WRITERS = 8;
const STREAMS_PER_WRITER = 50;
const LAG_GOAL_MS = 50;
/** Idle poll interval of 'poll' mode (default: the store's). */
const POLL_MS = process.env.BENCH_POLL_MS ? Number(process.env.BENCH_POLL_MS) : undefined;

interface ModeResult {
  mode: LiveDelivery;
  appendsPerSec: number;
  delivered: number;
  lagAfterAckMs: { p50: number; p99: number; max: number };
  lagAfterSendMs: { p50: number; p99: number; max: number };
  meetsGoal: boolean;
}

const round = (n: number) => Math.round(n * 10) / 10;

async function measure(url: string, mode: LiveDelivery): Promise<ModeResult> {
  const writer = new PostgresEventStore({
    connectionString: url,
    poolSize: WRITERS,
    liveDelivery: mode,
  });
  const reader = new PostgresEventStore({
    connectionString: url,
    poolSize: 2,
    liveDelivery: mode,
    pollIntervalMs: POLL_MS,
  });
  const sentAt = new Map<string, number>();
  const ackAt = new Map<string, number>();
  const deliveredAt = new Map<string, number>();
  const from = await reader.headPosition();
  const sub = reader.subscribeToAll({ from, batchSize: 500 }, async (batch) => {
    const now = performance.now();
    for (const e of batch.events) deliveredAt.set(e.id, now);
  });
  await new Promise((r) => setTimeout(r, 300)); // subscribed and caught up (and listening)
  const revisions = new Map<string, bigint | 'no_stream'>();
  const run = randomUUID();
  const streams = Array.from({ length: WRITERS }, (_, w) =>
    Array.from({ length: STREAMS_PER_WRITER }, (_, i) => `live-${run}-${w}-${i}`),
  );
  const timing = await runFor(SECONDS * 1000, WRITERS, async (w) => {
    const s = streams[w][Math.floor(Math.random() * STREAMS_PER_WRITER)];
    const e = benchEvent();
    sentAt.set(e.id, performance.now());
    const r = await writer.append(s, [e], revisions.get(s) ?? 'no_stream');
    ackAt.set(e.id, performance.now());
    revisions.set(s, r.nextRevision);
    return 1;
  });
  const deadline = performance.now() + 10_000;
  while (deliveredAt.size < ackAt.size && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
  await sub.stop();
  await reader.close();
  await writer.close();
  const afterAck: number[] = [];
  const afterSend: number[] = [];
  for (const [id, ack] of ackAt) {
    const at = deliveredAt.get(id) ?? Infinity;
    afterAck.push(Math.max(0, at - ack));
    afterSend.push(at - sentAt.get(id)!);
  }
  afterAck.sort((a, b) => a - b);
  afterSend.sort((a, b) => a - b);
  const stats = (xs: number[]) => ({
    p50: round(percentile(xs, 50)),
    p99: round(percentile(xs, 99)),
    max: round(xs[xs.length - 1]),
  });
  const lagAfterAckMs = stats(afterAck);
  return {
    mode,
    appendsPerSec: Math.round(timing.units / timing.seconds),
    delivered: deliveredAt.size,
    lagAfterAckMs,
    lagAfterSendMs: stats(afterSend),
    meetsGoal: lagAfterAckMs.p99 <= LAG_GOAL_MS && deliveredAt.size >= ackAt.size,
  };
}

async function main(): Promise<void> {
  const db = await createBenchDatabase('remedy_bench_live');
  const results: ModeResult[] = [];
  try {
    const order: LiveDelivery[] = (process.env.BENCH_MODES ?? 'poll,notify,poll,notify').split(
      ',',
    ) as LiveDelivery[];
    for (const mode of order) {
      const r = await measure(db.url, mode);
      results.push(r);
      console.log(
        `${mode.padEnd(6)} appends/s ${String(r.appendsPerSec).padStart(6)}  lag after ack p50 ${r.lagAfterAckMs.p50} p99 ${r.lagAfterAckMs.p99} max ${r.lagAfterAckMs.max} ms  (after send p50 ${r.lagAfterSendMs.p50} p99 ${r.lagAfterSendMs.p99} max ${r.lagAfterSendMs.max})`,
      );
    }
  } finally {
    await db.drop();
  }
  const rows: BenchRow[] = results.flatMap((r): BenchRow[] => [
    {
      measure: `${r.mode}: appends/s, ${WRITERS} writers, 1 event each`,
      value: r.appendsPerSec,
      unit: 'appends/s',
    },
    { measure: `${r.mode}: append ack → subscriber, p50`, value: r.lagAfterAckMs.p50, unit: 'ms' },
    {
      measure: `${r.mode}: append ack → subscriber, p99`,
      value: r.lagAfterAckMs.p99,
      unit: 'ms',
      goal: `≤ ${LAG_GOAL_MS} ms, all delivered`,
      met: r.meetsGoal,
    },
    { measure: `${r.mode}: append ack → subscriber, max`, value: r.lagAfterAckMs.max, unit: 'ms' },
    {
      measure: `${r.mode}: append sent → subscriber, p99`,
      value: r.lagAfterSendMs.p99,
      unit: 'ms',
    },
  ]);
  const best = results
    .filter((r) => r.meetsGoal)
    .sort((a, b) => b.appendsPerSec - a.appendsPerSec)[0];
  const server = await benchServer();
  writeResults(
    'event-store-live-delivery',
    benchContext({ postgres: server.description, seconds: SECONDS, writers: WRITERS }),
    rows,
    {
      notes: best
        ? `Fastest mode meeting the lag goal: ${best.mode}.`
        : 'No mode met the lag goal.',
    },
  );
  await stopBenchServer();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
