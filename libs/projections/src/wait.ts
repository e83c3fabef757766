import type { ClientBase, Notification, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { comparePositions, formatPosition, GlobalPosition } from '@remedy/event-store';
import {
  CHECKPOINT_CHANNEL,
  CHECKPOINT_TABLE,
  CONTROL_CHANNEL,
  parseCheckpointNotification,
  positionFromRow,
} from './checkpoint';

/** Upper bound of a read-your-writes wait: longer waits are cut to this. */
export const MAX_WAIT_MS = 2000;

/** Where checkpoints are read: the read-model database, as a TypeORM DataSource or a pg Pool. */
export type CheckpointSource = DataSource | Pool;

async function query(source: CheckpointSource, sql: string, params: unknown[]): Promise<any[]> {
  if (source instanceof DataSource) return source.query(sql, params);
  return (await source.query(sql, params)).rows;
}

/** Current checkpoints of these projections (absent: never run). */
export async function readCheckpoints(
  source: CheckpointSource,
  projections: readonly string[],
): Promise<Map<string, GlobalPosition>> {
  const rows = await query(
    source,
    `SELECT projection, position_commit, position_prepare FROM ${CHECKPOINT_TABLE} WHERE projection = ANY($1::text[])`,
    [projections],
  );
  return new Map(
    rows.map((r) => [
      r.projection as string,
      positionFromRow(r.position_commit, r.position_prepare),
    ]),
  );
}

function allReached(
  known: ReadonlyMap<string, GlobalPosition>,
  projections: Iterable<string>,
  position: GlobalPosition,
): boolean {
  for (const name of projections) {
    const at = known.get(name);
    if (!at || comparePositions(at, position) < 0) return false;
  }
  return true;
}

interface Pending {
  readonly projections: ReadonlySet<string>;
  readonly position: GlobalPosition;
  readonly latest: Map<string, GlobalPosition>;
  resolve(reached: boolean): void;
}

interface Listener {
  readonly client: ClientBase;
  release(err?: Error): Promise<void>;
}

/**
 * Read your writes, without sleeping: every checkpoint transaction NOTIFYs
 * `remedy_projection_checkpoint` with the new position (delivered on commit, in commit order),
 * and one LISTENing connection per process wakes the requests waiting for it. A wait first reads
 * the checkpoints (one indexed query: the usual case, already reached, costs nothing more);
 * otherwise it registers, re-reads (so a commit between the two reads is not missed) and waits
 * for a notification or the deadline, where it reads once more (so a lost listener connection
 * costs latency, never a wrong answer). Polling would need a sleep interval trading latency
 * against load; LISTEN answers within a commit and costs one connection.
 *
 * Structurally implements `ProjectionWaiter` of @remedy/http: bind it to `PROJECTION_WAITER`.
 */
export class CheckpointWaiter {
  private listener?: Promise<Listener>;
  private readonly pending = new Set<Pending>();
  private closed = false;

  constructor(private readonly source: CheckpointSource) {}

  /**
   * True once every named projection's checkpoint is at or past `position`; false after
   * `timeoutMs` (cut to MAX_WAIT_MS) otherwise, or when a projection has never run.
   */
  async waitFor(
    projections: readonly string[],
    position: GlobalPosition,
    timeoutMs: number,
  ): Promise<boolean> {
    const budget = Math.max(
      0,
      Math.min(MAX_WAIT_MS, Number.isFinite(timeoutMs) ? timeoutMs : MAX_WAIT_MS),
    );
    const deadline = performance.now() + budget;
    if (allReached(await readCheckpoints(this.source, projections), projections, position))
      return true;
    if (budget === 0 || this.closed) return false;

    let resolve!: (reached: boolean) => void;
    const notified = new Promise<boolean>((r) => (resolve = r));
    const pending: Pending = {
      projections: new Set(projections),
      position,
      latest: new Map(),
      resolve,
    };
    this.pending.add(pending);
    let timer: NodeJS.Timeout | undefined;
    try {
      // Bounded by the deadline (a busy pool may be slow to give a connection). Without a
      // listener, the final read at the deadline still answers correctly.
      let listenTimer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.listen().catch(() => undefined),
        new Promise<void>(
          (r) => (listenTimer = setTimeout(r, Math.max(0, deadline - performance.now()))),
        ),
      ]);
      clearTimeout(listenTimer);
      const now = await readCheckpoints(this.source, projections);
      for (const [name, at] of now) {
        const seen = pending.latest.get(name);
        if (!seen || comparePositions(at, seen) > 0) pending.latest.set(name, at);
      }
      if (allReached(pending.latest, projections, position)) return true;
      // Runners move their checkpoints past events of other types promptly when asked.
      const behind = projections.filter((name) => {
        const at = pending.latest.get(name);
        return !at || comparePositions(at, position) < 0;
      });
      await query(
        this.source,
        `SELECT pg_notify($1, 'advance ' || name || ' ' || $3) FROM unnest($2::text[]) AS name`,
        [CONTROL_CHANNEL, behind, formatPosition(position)],
      );
      const remaining = deadline - performance.now();
      const timedOut = new Promise<false>(
        (r) => (timer = setTimeout(() => r(false), Math.max(0, remaining))),
      );
      if (await Promise.race([notified, timedOut])) return true;
      return allReached(await readCheckpoints(this.source, projections), projections, position);
    } finally {
      clearTimeout(timer);
      this.pending.delete(pending);
    }
  }

  /** Releases the listening connection; waits in flight answer at their deadline. */
  async close(): Promise<void> {
    this.closed = true;
    const listener = this.listener;
    this.listener = undefined;
    if (listener) await (await listener.catch(() => undefined))?.release();
  }

  private listen(): Promise<Listener> {
    if (!this.listener) {
      const attempt = this.connect();
      this.listener = attempt;
      attempt.catch(() => {
        if (this.listener === attempt) this.listener = undefined;
      });
    }
    return this.listener;
  }

  private async connect(): Promise<Listener> {
    let client: ClientBase;
    let releaseClient: (err?: Error) => Promise<void>;
    if (this.source instanceof DataSource) {
      const qr = this.source.createQueryRunner();
      client = await qr.connect();
      releaseClient = async () => {
        await qr.release();
      };
    } else {
      const pooled = await this.source.connect();
      client = pooled;
      releaseClient = async (err) => pooled.release(err ?? false);
    }
    const onNotification = (msg: Notification) => this.onNotification(msg);
    // The connection is gone: forget it; the next wait connects again.
    const onError = () => void this.dropListener(listener);
    const listener: Listener = {
      client,
      release: async (err) => {
        client.off('notification', onNotification);
        client.off('error', onError);
        if (!err) await client.query(`UNLISTEN ${CHECKPOINT_CHANNEL}`).catch(() => undefined);
        await releaseClient(err).catch(() => undefined);
      },
    };
    client.on('notification', onNotification);
    client.on('error', onError);
    try {
      await client.query(`LISTEN ${CHECKPOINT_CHANNEL}`);
    } catch (err) {
      await listener.release(err as Error);
      throw err;
    }
    if (this.closed) {
      await listener.release();
      throw new Error('CheckpointWaiter closed');
    }
    return listener;
  }

  private async dropListener(listener: Listener): Promise<void> {
    const current = await this.listener?.catch(() => undefined);
    if (current === listener) this.listener = undefined;
    await listener.release(new Error('listener connection lost'));
  }

  private onNotification(msg: Notification): void {
    if (msg.channel !== CHECKPOINT_CHANNEL) return;
    const note = parseCheckpointNotification(msg.payload);
    if (!note) return;
    for (const p of this.pending) {
      if (!p.projections.has(note.projection)) continue;
      // Notifications arrive in commit order: the newest one is the checkpoint (a rebuild may
      // have moved it back to the start).
      p.latest.set(note.projection, note.position);
      if (allReached(p.latest, p.projections, p.position)) p.resolve(true);
    }
  }
}

/**
 * One-off read-your-writes wait on `source` (opens a listening connection only when the
 * position is not reached yet). A long-lived process should keep one `CheckpointWaiter`.
 */
export async function waitForProjection(
  source: CheckpointSource,
  projections: string | readonly string[],
  position: GlobalPosition,
  timeoutMs: number,
): Promise<boolean> {
  const waiter = new CheckpointWaiter(source);
  try {
    return await waiter.waitFor(
      typeof projections === 'string' ? [projections] : projections,
      position,
      timeoutMs,
    );
  } finally {
    await waiter.close();
  }
}
