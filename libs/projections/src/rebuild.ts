import type { DataSource, QueryRunner } from 'typeorm';
import {
  comparePositions,
  EventStore,
  formatPosition,
  GlobalPosition,
  START,
} from '@remedy/event-store';
import {
  applyBatchAtomically,
  clearAtomically,
  CONTROL_CHANNEL,
  lockProjection,
  unlockProjection,
} from './checkpoint';
import type { ProjectionDefinition } from './projection';

export interface RebuildProgress {
  readonly projection: string;
  /** Events applied so far. */
  readonly events: number;
  readonly batches: number;
  readonly position: GlobalPosition;
  readonly elapsedMs: number;
  /** Average since the start of the replay. */
  readonly eventsPerSecond: number;
  readonly done: boolean;
}

export type RebuildReport = RebuildProgress;

export interface RebuildOptions {
  readonly dataSource: DataSource;
  readonly eventStore: EventStore;
  readonly projection: ProjectionDefinition;
  /** Events per read and per transaction; default 1000. */
  readonly batchSize?: number;
  /**
   * How long to wait for the projection's lock; default 60 s. A running runner is asked to step
   * aside (it takes the lock back when the rebuild is over), so this only waits for the batch
   * it has in flight, or for another rebuild.
   */
  readonly lockTimeoutMs?: number;
  /** Called at most every `progressIntervalMs` (default 1000) and once at the end. */
  readonly onProgress?: (progress: RebuildProgress) => void;
  readonly progressIntervalMs?: number;
}

/** One line for an operator's terminal, e.g. `cases: 120000 events, 15234 events/s, at 812.4051`. */
export function formatRebuildProgress(p: RebuildProgress): string {
  return `${p.projection}: ${p.events} events in ${p.batches} batches, ${Math.round(p.eventsPerSecond)} events/s, at ${formatPosition(p.position)}${
    p.done ? ` (done in ${(p.elapsedMs / 1000).toFixed(1)} s)` : ''
  }`;
}

async function withProjectionLock<T>(
  dataSource: DataSource,
  name: string,
  lockTimeoutMs: number,
  work: (qr: QueryRunner) => Promise<T>,
): Promise<T> {
  const qr = dataSource.createQueryRunner();
  await qr.connect();
  let locked = false;
  try {
    // Ask a running runner (any process) to finish its batch and release the lock; then wait in
    // the lock queue, where PostgreSQL hands the lock over to us as soon as it is released.
    await qr.query('SELECT pg_notify($1, $2)', [CONTROL_CHANNEL, `yield ${name}`]);
    await lockProjection(qr, name, lockTimeoutMs);
    locked = true;
    return await work(qr);
  } finally {
    if (locked) await unlockProjection(qr, name).catch(() => undefined);
    await qr.release().catch(() => undefined);
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
  await withProjectionLock(dataSource, projection.name, options.lockTimeoutMs ?? 60_000, (qr) =>
    clearAtomically(qr, projection),
  );
}

/**
 * Operator command: rebuilds a projection from the first event. Takes the projection's lock
 * (asking its runner to step aside), clears its rows and resets its checkpoint in one
 * transaction, then replays every event of its types in batches, each applied with its
 * checkpoint in one transaction (an interrupted rebuild resumes where it stopped when the
 * runner takes over), reporting progress, until it reaches the head; then releases the lock and
 * the runner carries on live. During the rebuild the read model is partial and its checkpoint
 * low, so read-your-writes waits answer "not yet" rather than serving a half-built model.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildReport> {
  const { dataSource, eventStore, projection, onProgress } = options;
  const batchSize = options.batchSize ?? 1000;
  const progressIntervalMs = options.progressIntervalMs ?? 1000;
  return withProjectionLock(
    dataSource,
    projection.name,
    options.lockTimeoutMs ?? 60_000,
    async (qr) => {
      await clearAtomically(qr, projection);
      const started = performance.now();
      let lastReport = started;
      let checkpoint = START;
      let events = 0;
      let batches = 0;
      const progress = (done: boolean): RebuildProgress => {
        const elapsedMs = performance.now() - started;
        return {
          projection: projection.name,
          events,
          batches,
          position: checkpoint,
          elapsedMs,
          eventsPerSecond: elapsedMs > 0 ? (events * 1000) / elapsedMs : 0,
          done,
        };
      };
      for (;;) {
        const batch = await eventStore.readAll({
          from: checkpoint,
          batchSize,
          types: projection.eventTypes,
        });
        if (
          !batch.isEnd &&
          batch.events.length === 0 &&
          comparePositions(batch.next, checkpoint) <= 0
        ) {
          throw new Error(
            `Rebuild of ${projection.name}: the event store made no progress after ${formatPosition(checkpoint)}`,
          );
        }
        const result = await applyBatchAtomically(qr, projection, checkpoint, batch);
        checkpoint = result.checkpoint;
        events += result.applied;
        if (result.applied > 0) batches += 1;
        if (batch.isEnd) break;
        if (onProgress && performance.now() - lastReport >= progressIntervalMs) {
          lastReport = performance.now();
          onProgress(progress(false));
        }
      }
      const report = progress(true);
      onProgress?.(report);
      return report;
    },
  );
}

/**
 * Rebuilds every given projection, one after the other (each as `rebuildProjection`: its own
 * lock, clear and replay), e.g. every projection of the system after a change of code or to
 * check that the read models follow from the events alone. Stops at the first failure.
 */
export async function rebuildAllProjections(
  options: Omit<RebuildOptions, 'projection'> & {
    readonly projections: readonly ProjectionDefinition[];
  },
): Promise<RebuildReport[]> {
  const { projections, ...rest } = options;
  const reports: RebuildReport[] = [];
  for (const projection of projections)
    reports.push(await rebuildProjection({ ...rest, projection }));
  return reports;
}
