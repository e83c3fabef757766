import type { DataSource, QueryRunner } from 'typeorm';
import { EventStore, formatPosition, GlobalPosition } from '@remedy/event-store';
import {
  connectionOf,
  CONTROL_CHANNEL,
  ensureCheckpoint,
  tryLockProjection,
  unlockProjection,
} from './checkpoint';
import { TableCompactor, tablesOf } from './compaction';
import type { ProjectionDefinition } from './projection';
import { Held, replayShared, RebuildReport } from './rebuild';
import type { ProjectionLogger } from './runner';

/** Below this many events of its types after its checkpoint, a projection is left to its runner. */
export const DEFAULT_CATCH_UP_MIN_LAG = 5_000;

export interface CatchUpOptions {
  readonly dataSource: DataSource;
  readonly eventStore: EventStore;
  readonly projections: readonly ProjectionDefinition[];
  /**
   * A projection is caught up here only when at least this many events of its types lie after its
   * checkpoint (default {@link DEFAULT_CATCH_UP_MIN_LAG}); the others are left to their runners.
   */
  readonly minLag?: number;
  /** Events per page and per transaction (as a rebuild's); default 10,000. */
  readonly batchSize?: number;
  readonly readAhead?: number;
  readonly logger?: ProjectionLogger;
  /** Called as soon as the catch-up releases a projection's lock (its runner may take over). */
  readonly onReleased?: (projection: string) => void;
}

export interface CatchUp {
  /** The projections being caught up here (their locks held), once decided. */
  readonly started: Promise<ReadonlySet<string>>;
  /** Resolves when every projection is released; rejects with the first failure. */
  readonly done: Promise<RebuildReport[]>;
  /** Stops after the batches in flight (each keeps what it committed), releasing every lock. */
  stop(): void;
}

interface Candidate extends Held {
  checkpoint: GlobalPosition;
}

/**
 * The worker's catch-up (issue 18): when a projection is far behind the store (a new read model, a
 * checkpoint reset by a deployment, a worker that was down), replaying it through its runner's
 * live path (its own subscription, batches of a few hundred events, each commit waiting for the
 * WAL flush) costs several times a rebuild. So before the runners start, each projection whose
 * lock is free and that has at least `minLag` events of its types after its checkpoint is caught
 * up here as a rebuild replays (`replayShared`: ONE read of the store for all of them, pages of
 * 10,000 events, each page applied with the checkpoint in one transaction per projection, commits
 * without waiting for the WAL flush), from its own checkpoint and without clearing anything;
 * when the reader reaches the head, each lock is released and `onReleased` lets its runner take
 * over from the checkpoint it finds. A crash at any point keeps, per projection, the batches that
 * committed with their checkpoint: the next start catches up from there. A rebuild asking the
 * projection to step aside (`yield`) is obeyed after the batch in flight, as a runner does.
 */
export function startCatchUp(options: CatchUpOptions): CatchUp {
  const { dataSource, eventStore, logger } = options;
  const minLag = Math.max(1, options.minLag ?? DEFAULT_CATCH_UP_MIN_LAG);
  let stopping = false;
  let resolveStarted!: (names: ReadonlySet<string>) => void;
  const started = new Promise<ReadonlySet<string>>((r) => (resolveStarted = r));

  const release = async (c: Candidate, listening: boolean) => {
    if (listening) await c.qr.query(`UNLISTEN ${CONTROL_CHANNEL}`).catch(() => undefined);
    if (c.locked) {
      await unlockProjection(c.qr, c.projection.name).catch(() => undefined);
      c.locked = false;
    }
    await c.qr.release().catch(() => undefined);
  };

  /** Takes the lock when free; keeps it only when the projection is at least minLag behind. */
  const claim = async (projection: ProjectionDefinition): Promise<Candidate | undefined> => {
    const qr: QueryRunner = dataSource.createQueryRunner();
    const c: Candidate = { projection, qr, locked: false, checkpoint: { commit: 0n, prepare: 0n } };
    try {
      await qr.connect();
      if (!(c.locked = await tryLockProjection(qr, projection.name))) {
        await release(c, false);
        return undefined; // another process runs it
      }
      c.checkpoint = await ensureCheckpoint(qr, projection.name);
      const probe = await eventStore.readAll({
        from: c.checkpoint,
        batchSize: minLag,
        types: projection.eventTypes,
      });
      if (stopping || probe.isEnd || probe.events.length < minLag) {
        await release(c, false);
        return undefined;
      }
      return c;
    } catch (err) {
      await release(c, false);
      throw err;
    }
  };

  const run = async (): Promise<RebuildReport[]> => {
    // A projection whose claim failed is left to its runner (which backs off on errors).
    const claims = await Promise.allSettled(options.projections.map(claim));
    const held = claims.flatMap((o) => (o.status === 'fulfilled' && o.value ? [o.value] : []));
    for (const [i, o] of claims.entries()) {
      if (o.status === 'rejected')
        logger?.error('projection catch-up: could not look at the projection', {
          projection: options.projections[i]!.name,
          error:
            o.reason instanceof Error ? `${o.reason.name}: ${o.reason.message}` : String(o.reason),
        });
    }
    resolveStarted(new Set(held.map((c) => c.projection.name)));
    if (held.length === 0) return [];
    const yielded = new Set<string>();
    const listeners = new Map<Candidate, (msg: { channel: string; payload?: string }) => void>();
    const finished = new Set<number>();
    try {
      for (const c of held) {
        const onNotification = (msg: { channel: string; payload?: string }) => {
          if (msg.channel === CONTROL_CHANNEL && msg.payload === `yield ${c.projection.name}`)
            yielded.add(c.projection.name);
        };
        connectionOf(c.qr).on('notification', onNotification);
        listeners.set(c, onNotification);
        await c.qr.query(`LISTEN ${CONTROL_CHANNEL}`);
      }
      logger?.info('projections catching up in bulk', {
        projections: held.map((c) => c.projection.name),
        from: held.map((c) => formatPosition(c.checkpoint)),
      });
      return await replayShared({
        eventStore,
        held,
        checkpoints: held.map((c) => c.checkpoint),
        compactors: held.map(
          (c) => new TableCompactor(dataSource, tablesOf(dataSource, c.projection)),
        ),
        types: [...new Set(held.flatMap((c) => c.projection.eventTypes))],
        batchSize: options.batchSize ?? 10_000,
        readAhead: options.readAhead,
        progressIntervalMs: 10_000,
        stopped: (i) => stopping || yielded.has(held[i]!.projection.name),
        onFinished: async (i) => {
          finished.add(i);
          const c = held[i]!;
          connectionOf(c.qr).off('notification', listeners.get(c)!);
          await release(c, true);
          if (!stopping) options.onReleased?.(c.projection.name);
        },
      });
    } finally {
      // Any not released by the replay (a failure before it started).
      for (const [i, c] of held.entries()) {
        if (finished.has(i)) continue;
        const listener = listeners.get(c);
        if (listener) connectionOf(c.qr).off('notification', listener);
        await release(c, listener !== undefined);
        if (!stopping) options.onReleased?.(c.projection.name);
      }
    }
  };

  const done = run();
  return {
    started,
    done,
    stop: () => {
      stopping = true;
    },
  };
}
