import type { PoolClient } from 'pg';
import type { QueryRunner } from 'typeorm';
import { PROJECTOR_ROLE } from '@remedy/database';
import {
  comparePositions,
  formatPosition,
  GlobalPosition,
  parsePosition,
  ReadAllBatch,
  RecordedEvent,
  START,
} from '@remedy/event-store';
import { withFreshLoad } from './copy';
import type { ProjectionDefinition } from './projection';

/** Table created by the CreateProjectionCheckpoints migration. */
export const CHECKPOINT_TABLE = 'projection_checkpoints';
/** NOTIFY channel: payload `<projection> <commit>.<prepare>`, sent by every checkpoint transaction. */
export const CHECKPOINT_CHANNEL = 'remedy_projection_checkpoint';
/**
 * NOTIFY channel to runners: `yield <projection>` (a rebuild asks the runner to step aside) and
 * `advance <projection> <commit>.<prepare>` (a waiter asks it to move its checkpoint past events
 * of other types up to that position promptly).
 */
export const CONTROL_CHANNEL = 'remedy_projection_control';

const LOCK_PREFIX = 'remedy.projection:';

/** Thrown when the stored checkpoint is not the one the runner expected (someone else wrote it). */
export class CheckpointMovedError extends Error {
  constructor(
    readonly projection: string,
    readonly expected: GlobalPosition,
    readonly actual: GlobalPosition | undefined,
  ) {
    super(
      `Checkpoint of projection ${projection} moved under the runner: expected ${formatPosition(expected)}, found ${
        actual ? formatPosition(actual) : 'none'
      }`,
    );
    this.name = 'CheckpointMovedError';
  }
}

/** A projection's `apply` or `clear` failed; the batch and its checkpoint were rolled back. */
export class ProjectionHandlerError extends Error {
  constructor(
    readonly projection: string,
    readonly from: GlobalPosition,
    cause: unknown,
  ) {
    super(
      `Projection ${projection} failed on the batch after ${formatPosition(from)}: ${
        cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)
      }`,
      { cause },
    );
    this.name = 'ProjectionHandlerError';
  }
}

export function positionFromRow(commit: string | number, prepare: string | number): GlobalPosition {
  return { commit: BigInt(commit), prepare: BigInt(prepare) };
}

export function parseCheckpointNotification(
  payload: string | undefined,
): { projection: string; position: GlobalPosition } | undefined {
  if (!payload) return undefined;
  const space = payload.indexOf(' ');
  if (space < 0) return undefined;
  const position = parsePosition(payload.slice(space + 1));
  return position ? { projection: payload.slice(0, space), position } : undefined;
}

export function parseAdvanceRequest(
  payload: string,
): { projection: string; position: GlobalPosition } | undefined {
  if (!payload.startsWith('advance ')) return undefined;
  return parseCheckpointNotification(payload.slice('advance '.length));
}

/** Session-level advisory lock for one projection (one runner or rebuild at a time). */
export async function tryLockProjection(qr: QueryRunner, name: string): Promise<boolean> {
  const rows = await qr.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [
    LOCK_PREFIX + name,
  ]);
  return rows[0].ok === true;
}

/** Waits for the lock (bounded by lock_timeout; throws on timeout). */
export async function lockProjection(
  qr: QueryRunner,
  name: string,
  timeoutMs: number,
): Promise<void> {
  await qr.query(`SET lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
  try {
    await qr.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [LOCK_PREFIX + name]);
  } catch (err) {
    if ((err as { code?: string }).code === '55P03') {
      throw new Error(
        `Projection ${name} is locked by another process (timed out after ${timeoutMs} ms)`,
        { cause: err },
      );
    }
    throw err;
  } finally {
    await qr.query('SET lock_timeout = 0').catch(() => undefined);
  }
}

export async function unlockProjection(qr: QueryRunner, name: string): Promise<void> {
  await qr.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [LOCK_PREFIX + name]);
}

/** Reads the checkpoint, creating it at START the first time. */
export async function ensureCheckpoint(qr: QueryRunner, name: string): Promise<GlobalPosition> {
  await qr.query(
    `INSERT INTO ${CHECKPOINT_TABLE} (projection, position_commit, position_prepare) VALUES ($1, -1, -1)
     ON CONFLICT (projection) DO NOTHING`,
    [name],
  );
  const rows = await qr.query(
    `SELECT position_commit, position_prepare FROM ${CHECKPOINT_TABLE} WHERE projection = $1`,
    [name],
  );
  return positionFromRow(rows[0].position_commit, rows[0].position_prepare);
}

const STORE_CHECKPOINT_SQL = `INSERT INTO ${CHECKPOINT_TABLE} (projection, position_commit, position_prepare, updated_at)
     VALUES ($1, $2, $3, now())
     ON CONFLICT (projection) DO UPDATE
       SET position_commit = EXCLUDED.position_commit, position_prepare = EXCLUDED.position_prepare,
           updated_at = EXCLUDED.updated_at`;

/**
 * Stores the checkpoint and sends its NOTIFY, in one statement (one round trip: a batch's fixed
 * statements are paid per batch by every projection).
 */
async function storeCheckpoint(
  qr: QueryRunner,
  name: string,
  position: GlobalPosition,
): Promise<void> {
  // The NOTIFY is delivered on commit only, in commit order: waiters never see a checkpoint that
  // rolled back.
  await qr.query(
    `WITH stored AS (${STORE_CHECKPOINT_SQL} RETURNING 1) SELECT pg_notify($4, $5) FROM stored`,
    [
      name,
      position.commit.toString(),
      position.prepare.toString(),
      CHECKPOINT_CHANNEL,
      `${name} ${formatPosition(position)}`,
    ],
  );
}

/** A string literal of SQL (standard_conforming_strings, PostgreSQL's default since 9.1). */
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Events of the batch this projection must apply: its types, strictly after the checkpoint. */
export function eventsFor(
  projection: ProjectionDefinition,
  batch: ReadAllBatch,
  checkpoint: GlobalPosition,
): RecordedEvent[] {
  const types = new Set(projection.eventTypes);
  return batch.events.filter(
    (e) => types.has(e.type) && comparePositions(e.position, checkpoint) > 0,
  );
}

/**
 * Applies one batch and stores `batch.next` as the checkpoint in ONE transaction on `qr` (the
 * connection that holds the projection's advisory lock, so no one can write without it).
 * The stored checkpoint must still be `checkpoint` (compare-and-set). Returns the new
 * checkpoint; on failure rolls everything back and throws.
 *
 * `asyncCommit` (rebuilds; the live runner sets it once for its session): the commit does not
 * wait for the server's WAL flush (`synchronous_commit = off`). Atomicity is unchanged (the batch and its checkpoint are one
 * transaction, both kept or both lost); a crash of the PostgreSQL server itself may lose the last
 * committed batches, with their checkpoint, and they are replayed from the events (which are
 * committed synchronously, and read by the projections only once durable).
 */
export async function applyBatchAtomically(
  qr: QueryRunner,
  projection: ProjectionDefinition,
  checkpoint: GlobalPosition,
  batch: ReadAllBatch,
  options: {
    readonly asyncCommit?: boolean;
    /** The batch is one of a fresh load (a rebuild from cleared tables): see `withFreshLoad`. */
    readonly freshLoad?: boolean;
  } = {},
): Promise<{ checkpoint: GlobalPosition; applied: number }> {
  const events = eventsFor(projection, batch, checkpoint);
  const next = comparePositions(batch.next, checkpoint) > 0 ? batch.next : checkpoint;
  if (events.length === 0 && next === checkpoint) return { checkpoint, applied: 0 };
  beginTracked(qr);
  try {
    // One round trip: the transaction, its isolation level, the role (row-level security: the
    // read models are written as the projector role, which sees every row) and the checkpoint
    // row, locked.
    const results = (await connectionOf(qr).query(
      `START TRANSACTION ISOLATION LEVEL READ COMMITTED;
       SET LOCAL ROLE ${PROJECTOR_ROLE};
       ${options.asyncCommit ? 'SET LOCAL synchronous_commit = off;' : ''}
       SELECT position_commit, position_prepare FROM ${CHECKPOINT_TABLE}
        WHERE projection = ${literal(projection.name)} FOR UPDATE`,
    )) as unknown as { rows: { position_commit: string; position_prepare: string }[] }[];
    const rows = results[results.length - 1]!.rows;
    const stored = rows.length
      ? positionFromRow(rows[0]!.position_commit, rows[0]!.position_prepare)
      : undefined;
    if (!stored || comparePositions(stored, checkpoint) !== 0) {
      throw new CheckpointMovedError(projection.name, checkpoint, stored);
    }
    if (events.length > 0) {
      try {
        const em = qr.manager;
        await (options.freshLoad
          ? withFreshLoad(em, () => projection.apply(events, em))
          : projection.apply(events, em));
      } catch (err) {
        throw new ProjectionHandlerError(projection.name, checkpoint, err);
      }
    }
    // One round trip: the checkpoint, its NOTIFY and the COMMIT.
    await connectionOf(qr).query(`${storeCheckpointSql(projection.name, next)}; COMMIT`);
    endTracked(qr);
    return { checkpoint: next, applied: events.length };
  } catch (err) {
    if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
    throw err;
  }
}

/**
 * `storeCheckpoint` as one statement of literals (the simple-query protocol, so that it can share
 * a round trip with the COMMIT): the name is the code's (checked by defineProjection), the
 * positions are numbers.
 */
function storeCheckpointSql(name: string, position: GlobalPosition): string {
  const commit = position.commit.toString();
  const prepare = position.prepare.toString();
  return `WITH stored AS (INSERT INTO ${CHECKPOINT_TABLE} (projection, position_commit, position_prepare, updated_at)
     VALUES (${literal(name)}, ${commit}, ${prepare}, now())
     ON CONFLICT (projection) DO UPDATE
       SET position_commit = EXCLUDED.position_commit, position_prepare = EXCLUDED.position_prepare,
           updated_at = EXCLUDED.updated_at
     RETURNING 1)
    SELECT pg_notify(${literal(CHECKPOINT_CHANNEL)}, ${literal(`${name} ${formatPosition(position)}`)}) FROM stored`;
}

/**
 * A live batch pays its fixed statements once per projection (issue 18: the worker's CPU per
 * event is mostly round trips), so the batch transaction is begun and committed by statements of
 * its own first and last round trips (START TRANSACTION with the checkpoint's lock; the checkpoint
 * with COMMIT) rather than by TypeORM's startTransaction/commitTransaction (a round trip each, two
 * for the start). TypeORM's transaction state is kept in step by hand: `em` of the batch sees an
 * active transaction (COPY checks it) and `rollbackTransaction` sends the ROLLBACK of a failure.
 */
function beginTracked(qr: QueryRunner): void {
  if (qr.isTransactionActive) throw new Error('The projection query runner is in a transaction');
  const tracked = qr as unknown as { isTransactionActive: boolean; transactionDepth: number };
  tracked.isTransactionActive = true;
  tracked.transactionDepth = 1;
}

function endTracked(qr: QueryRunner): void {
  const tracked = qr as unknown as { isTransactionActive: boolean; transactionDepth: number };
  tracked.isTransactionActive = false;
  tracked.transactionDepth = 0;
}

/**
 * The pg connection of a connected query runner (a multi-statement query answers every result;
 * the catch-up listens on it for NOTIFY).
 */
export function connectionOf(qr: QueryRunner): PoolClient {
  const connection = (qr as { databaseConnection?: PoolClient }).databaseConnection;
  if (!connection) throw new Error('The projection query runner is not connected');
  return connection;
}

/** Clears the projection's rows and resets its checkpoint to START, in one transaction. */
export async function clearAtomically(
  qr: QueryRunner,
  projection: ProjectionDefinition,
): Promise<void> {
  await qr.startTransaction('READ COMMITTED');
  try {
    await qr.query(`SET LOCAL ROLE ${PROJECTOR_ROLE}`);
    try {
      await projection.clear(qr.manager);
    } catch (err) {
      throw new ProjectionHandlerError(projection.name, START, err);
    }
    await storeCheckpoint(qr, projection.name, START);
    await qr.commitTransaction();
  } catch (err) {
    if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
    throw err;
  }
}
