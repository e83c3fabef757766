import type { DataSource, QueryRunner } from 'typeorm';
import {
  comparePositions,
  EventStore,
  formatPosition,
  GlobalPosition,
  ReadAllBatch,
  START,
} from '@remedy/event-store';
import {
  applyBatchAtomically,
  clearAtomically,
  CONTROL_CHANNEL,
  lockProjection,
  unlockProjection,
} from './checkpoint';
import { TableCompactor, tablesOf } from './compaction';
import type { ProjectionDefinition } from './projection';

export interface RebuildProgress {
  readonly projection: string;
  /** Events applied so far (of its types). */
  readonly events: number;
  readonly batches: number;
  readonly position: GlobalPosition;
  readonly elapsedMs: number;
  /** Average since the start of the replay. */
  readonly eventsPerSecond: number;
  /**
   * Time spent in its own batch transactions (apply and checkpoint), excluding the time it waited
   * for the shared reader: with several projections rebuilt at once, `events / busyMs` is the
   * projection's own rate, what it alone would cost.
   */
  readonly busyMs: number;
  readonly done: boolean;
}

export type RebuildReport = RebuildProgress;

export interface RebuildOptions {
  readonly dataSource: DataSource;
  readonly eventStore: EventStore;
  readonly projection: ProjectionDefinition;
  /**
   * Events per read (a page of the store, of every rebuilt projection's types) and per transaction;
   * default 10,000 (a rebuild has no reader waiting on each batch: larger transactions rewrite a
   * case's rows fewer times and pay the per-transaction statements and commit less often).
   */
  readonly batchSize?: number;
  /**
   * How long to wait for the projection's lock; default 60 s. A running runner is asked to step
   * aside (it takes the lock back when the rebuild is over), so this only waits for the batch
   * it has in flight, or for another rebuild.
   */
  readonly lockTimeoutMs?: number;
  /** Called at most every `progressIntervalMs` (default 1000) and once at the end, per projection. */
  readonly onProgress?: (progress: RebuildProgress) => void;
  readonly progressIntervalMs?: number;
}

export interface RebuildManyOptions extends Omit<RebuildOptions, 'projection'> {
  readonly projections: readonly ProjectionDefinition[];
  /**
   * Pages the reader may run ahead of the slowest projection (read while the others are applied);
   * default 2. Memory is about `(readAhead + 1) × batchSize` events.
   */
  readonly readAhead?: number;
}

const DEFAULT_BATCH_SIZE = 10_000;

/** One line for an operator's terminal, e.g. `cases: 120000 events, 15234 events/s, at 812.4051`. */
export function formatRebuildProgress(p: RebuildProgress): string {
  return `${p.projection}: ${p.events} events in ${p.batches} batches, ${Math.round(p.eventsPerSecond)} events/s, at ${formatPosition(p.position)}${
    p.done ? ` (done in ${(p.elapsedMs / 1000).toFixed(1)} s)` : ''
  }`;
}

export interface Held {
  readonly projection: ProjectionDefinition;
  readonly qr: QueryRunner;
  locked: boolean;
}

/**
 * Takes the lock of every projection, each on its own connection (asking a running runner, in
 * any process, to finish its batch and step aside; PostgreSQL hands the lock over as soon as it
 * is released), runs `work`, then releases every lock and connection.
 */
export async function withProjectionLocks<T>(
  dataSource: DataSource,
  projections: readonly ProjectionDefinition[],
  lockTimeoutMs: number,
  work: (held: readonly Held[]) => Promise<T>,
): Promise<T> {
  const held: Held[] = [];
  try {
    for (const projection of projections) {
      const qr = dataSource.createQueryRunner();
      const h: Held = { projection, qr, locked: false };
      held.push(h);
      await qr.connect();
    }
    await Promise.all(
      held.map(async (h) => {
        await h.qr.query('SELECT pg_notify($1, $2)', [
          CONTROL_CHANNEL,
          `yield ${h.projection.name}`,
        ]);
        await lockProjection(h.qr, h.projection.name, lockTimeoutMs);
        h.locked = true;
      }),
    );
    return await work(held);
  } finally {
    for (const h of held) {
      if (h.locked) await unlockProjection(h.qr, h.projection.name).catch(() => undefined);
      await h.qr.release().catch(() => undefined);
    }
  }
}

/**
 * Deletes the projection's rows and resets its checkpoint to the start, under its lock, without
 * replaying. Readers waiting for a position (read your writes) see the reset and wait.
 */
export async function clearProjection(options: {
  readonly dataSource: DataSource;
  readonly projection: ProjectionDefinition;
  readonly lockTimeoutMs?: number;
}): Promise<void> {
  const { dataSource, projection } = options;
  await withProjectionLocks(dataSource, [projection], options.lockTimeoutMs ?? 60_000, ([h]) =>
    clearAtomically(h.qr, projection),
  );
}

/** Wakes everyone awaiting `next()` on each `fire()`. */
class Signal {
  private wake!: () => void;
  private promise = this.renew();
  private renew(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }
  next(): Promise<void> {
    return this.promise;
  }
  fire(): void {
    const wake = this.wake;
    this.promise = this.renew();
    wake();
  }
}

/**
 * The shared reader of a rebuild: reads the store once, page after page (`readAll` of the union
 * of the projections' types), for every projection being rebuilt. Each consumer asks for pages in
 * order; the reader reads the next pages while the current ones are applied, at most `readAhead`
 * pages ahead of the slowest consumer, and forgets a page once every consumer is past it.
 */
class SharedReader {
  private readonly pages = new Map<number, ReadAllBatch>();
  /** The next page each consumer wants (Infinity once it needs no more). */
  private readonly wants: number[];
  private failure: { error: unknown } | undefined;
  private readonly read = new Signal();
  private readonly consumed = new Signal();
  readonly done: Promise<void>;

  constructor(
    private readonly eventStore: EventStore,
    private readonly types: readonly string[],
    private readonly batchSize: number,
    private readonly readAhead: number,
    consumers: number,
    private readonly from: GlobalPosition = START,
  ) {
    this.wants = new Array<number>(consumers).fill(0);
    this.done = this.run().catch((error: unknown) => {
      this.failure = { error };
      this.read.fire();
    });
  }

  private slowest(): number {
    return Math.min(...this.wants);
  }

  private async run(): Promise<void> {
    let from = this.from;
    for (let index = 0; ; index++) {
      while (index > this.slowest() + this.readAhead) await this.consumed.next();
      if (this.slowest() === Number.POSITIVE_INFINITY) return; // every consumer stopped
      const batch = await this.eventStore.readAll({
        from,
        batchSize: this.batchSize,
        types: this.types,
      });
      if (!batch.isEnd && batch.events.length === 0 && comparePositions(batch.next, from) <= 0) {
        throw new Error(`Rebuild: the event store made no progress after ${formatPosition(from)}`);
      }
      this.pages.set(index, batch);
      this.read.fire();
      if (batch.isEnd) return;
      from = batch.next;
    }
  }

  /** Page `index` for `consumer` (each consumer asks for 0, 1, 2, … in order). */
  async page(consumer: number, index: number): Promise<ReadAllBatch> {
    this.want(consumer, index);
    for (;;) {
      const page = this.pages.get(index);
      if (page) return page;
      if (this.failure) throw this.failure.error;
      await this.read.next();
    }
  }

  /** The consumer needs no more pages (finished or failed). */
  stop(consumer: number): void {
    this.want(consumer, Number.POSITIVE_INFINITY);
  }

  private want(consumer: number, index: number): void {
    this.wants[consumer] = index;
    const slowest = this.slowest();
    for (const i of this.pages.keys()) if (i < slowest) this.pages.delete(i);
    this.consumed.fire();
  }
}

/**
 * Operator command: rebuilds these projections from the first event, reading the store ONCE for
 * all of them. Takes each projection's lock (asking its runner to step aside), clears its rows and
 * resets its checkpoint in one transaction, then replays: one reader reads the store page after
 * page (the next pages while the current one is applied), and each projection applies its events
 * of every page with its checkpoint in one transaction, on its own connection, alongside the
 * others (an interrupted rebuild resumes where it stopped when the runners take over). Its tables
 * are kept compact meanwhile (VACUUM when dead rows outgrow live ones; VACUUM ANALYZE at the end).
 * During the rebuild a read model is partial and its checkpoint low, so read-your-writes waits
 * answer "not yet" rather than serving a half-built model. The first failure stops every
 * projection (each keeps the batches it committed) and is thrown.
 */
export async function rebuildProjections(options: RebuildManyOptions): Promise<RebuildReport[]> {
  const { dataSource, eventStore, projections, onProgress } = options;
  if (projections.length === 0) return [];
  const names = new Set(projections.map((p) => p.name));
  if (names.size !== projections.length) throw new Error('Rebuild: a projection is named twice');
  assertPoolFits(dataSource, rebuildConnections(projections.length));
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const progressIntervalMs = options.progressIntervalMs ?? 1000;
  const types = [...new Set(projections.flatMap((p) => p.eventTypes))];
  return withProjectionLocks(
    dataSource,
    projections,
    options.lockTimeoutMs ?? 60_000,
    async (held) => {
      const compactors = held.map(
        (h) => new TableCompactor(dataSource, tablesOf(dataSource, h.projection)),
      );
      await Promise.all(
        held.map(async (h, i) => {
          await clearAtomically(h.qr, h.projection);
          await compactors[i].compact(); // the cleared rows: gone before the replay writes
        }),
      );
      const checkpoints = held.map(() => START);
      return replayShared({
        freshLoad: true,
        eventStore,
        held,
        checkpoints,
        compactors,
        types,
        batchSize,
        readAhead: options.readAhead,
        onProgress,
        progressIntervalMs,
      });
    },
  );
}

/**
 * The connections a rebuild of `projections` projections holds at once: one each (its lock and its
 * batches, for the whole rebuild) and one for compaction. The data source's pool must have them.
 */
export const rebuildConnections = (projections: number): number => projections + 1;

/** A pool too small would leave the rebuild waiting for a connection forever: refuse at once. */
function assertPoolFits(dataSource: DataSource, needed: number): void {
  const options = dataSource.options as { poolSize?: number; extra?: { max?: number } };
  const size = options.extra?.max ?? options.poolSize ?? 10; // pg's default pool size
  if (size < needed)
    throw new Error(
      `Rebuild: ${needed} connections are held at once (one per projection and one for compaction), but the data source's pool has ${size}; give it at least ${needed} (extra.max)`,
    );
}

/** `rebuildProjections` of one projection. */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildReport> {
  const { projection, ...rest } = options;
  const [report] = await rebuildProjections({ ...rest, projections: [projection] });
  return report;
}

/**
 * Rebuilds every given projection at once with one read of the store (`rebuildProjections`), e.g.
 * every projection of the system after a change of code or to check that the read models follow
 * from the events alone.
 */
export const rebuildAllProjections = rebuildProjections;

/**
 * The replay of a rebuild or a catch-up: one reader reads the store from the lowest of
 * `checkpoints` (the union of the projections' types), and each projection applies the events of
 * each page after its own checkpoint with its checkpoint, in one transaction on its own connection
 * (`held[i].qr`, holding its lock), without waiting for the WAL flush; its tables are compacted
 * meanwhile. `stopped(i)`, asked before each page, lets a projection stop early (it keeps what it
 * committed). The first failure stops every projection and is thrown.
 */
export async function replayShared(args: {
  readonly eventStore: EventStore;
  readonly held: readonly Held[];
  readonly checkpoints: readonly GlobalPosition[];
  readonly compactors: readonly TableCompactor[];
  readonly types: readonly string[];
  readonly batchSize: number;
  readonly readAhead?: number;
  readonly onProgress?: (progress: RebuildProgress) => void;
  readonly progressIntervalMs: number;
  readonly stopped?: (consumer: number) => boolean;
  /**
   * Every projection's tables were cleared by this replay's caller, which replays from the start
   * (a rebuild): its batches are a fresh load (`withFreshLoad`).
   */
  readonly freshLoad?: boolean;
  /** Called once a projection is done (finished, stopped or failed), before the others end. */
  readonly onFinished?: (consumer: number) => Promise<void> | void;
}): Promise<RebuildReport[]> {
  const { eventStore, held, compactors, onProgress, progressIntervalMs } = args;
  const from = args.checkpoints.reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b));
  const reader = new SharedReader(
    eventStore,
    args.types,
    args.batchSize,
    Math.max(1, args.readAhead ?? 2),
    held.length,
    from,
  );
  const started = performance.now();
  let failed = false;
  const replay = async ({ projection, qr }: Held, consumer: number) => {
    let lastReport = started;
    let checkpoint = args.checkpoints[consumer]!;
    let events = 0;
    let batches = 0;
    let busyMs = 0;
    const progress = (done: boolean): RebuildProgress => {
      const elapsedMs = performance.now() - started;
      return {
        projection: projection.name,
        events,
        batches,
        position: checkpoint,
        elapsedMs,
        eventsPerSecond: elapsedMs > 0 ? (events * 1000) / elapsedMs : 0,
        busyMs,
        done,
      };
    };
    try {
      try {
        for (let index = 0; !failed && !args.stopped?.(consumer); index++) {
          const page = await reader.page(consumer, index);
          const t = performance.now();
          // Without waiting for the WAL flush at each commit (see applyBatchAtomically): a rebuild
          // or catch-up is re-derived from the events if the server crashes.
          const result = await applyBatchAtomically(qr, projection, checkpoint, page, {
            asyncCommit: true,
            freshLoad: args.freshLoad,
          });
          busyMs += performance.now() - t;
          checkpoint = result.checkpoint;
          events += result.applied;
          if (result.applied > 0) batches += 1;
          compactors[consumer]!.whenDue();
          if (page.isEnd) break;
          if (onProgress && performance.now() - lastReport >= progressIntervalMs) {
            lastReport = performance.now();
            onProgress(progress(false));
          }
        }
      } catch (err) {
        failed = true;
        throw err;
      } finally {
        reader.stop(consumer);
      }
      const t = performance.now();
      await compactors[consumer]!.finish();
      busyMs += performance.now() - t;
    } finally {
      await args.onFinished?.(consumer);
    }
    const report = progress(true);
    onProgress?.(report);
    return report;
  };
  const outcomes = await Promise.allSettled(held.map((h, i) => replay(h, i)));
  await reader.done;
  await Promise.all(compactors.map((c) => c.idle()));
  const failure = outcomes.find((o) => o.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  return outcomes.map((o) => (o as PromiseFulfilledResult<RebuildReport>).value);
}
