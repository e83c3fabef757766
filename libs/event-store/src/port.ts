/**
 * The event store port. Pure types and small pure helpers: no Nest, no I/O.
 *
 * Revisions are 0-based (the first event of a stream has revision 0), as in EventStoreDB.
 * A global position is a lexicographically ordered pair (commit, prepare):
 *  - PostgreSQL adapter: commit = the appending transaction id (xid8), prepare = the row's sequence number;
 *  - EventStoreDB adapter: the `$all` commit and prepare positions.
 * Catch-up readers keep the last position they handled as their checkpoint.
 */

export const EVENT_STORE = Symbol('EVENT_STORE');

export type ExpectedVersion = 'no_stream' | 'any' | bigint;

export interface GlobalPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const START: GlobalPosition = Object.freeze({ commit: -1n, prepare: -1n });

/** Opaque ids only: never a name or another personal identifier. */
export interface EventMetadata {
  readonly correlationId: string;
  readonly causationId?: string;
  readonly userId: string;
  readonly organisationId: string;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  /** uuid; re-sending the same ids with the same exact expected version is idempotent. */
  readonly id: string;
  readonly type: Type;
  readonly schemaVersion: number;
  readonly data: Data;
  readonly metadata: EventMetadata;
  /** When it happened in the world (may be in the past). */
  readonly occurredAt: Date;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<
  Type,
  Data
> {
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: GlobalPosition;
  /** When the store recorded it. */
  readonly recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  readonly nextRevision: bigint;
  /** Global position of the last appended event. */
  readonly position: GlobalPosition;
  /**
   * True when this call appended the events together with `AppendOptions.alongside` (committed in
   * the same transaction). Absent or false: the statements were not run (an EventStoreDB store,
   * or the events were already in place from an earlier call): the caller writes them itself.
   */
  readonly alongsideWritten?: boolean;
}

/**
 * A write to another table of the same PostgreSQL database, committed with an append (one
 * statement: the append and these writes are data-modifying CTEs of it, so one round trip and
 * one transaction). `text` is an INSERT, UPDATE or DELETE with its parameters numbered from $1;
 * it may read `appended` (stream_revision, transaction_id, global_position of each row the
 * append wrote) and must change nothing when `appended` is empty (e.g.
 * `... WHERE EXISTS (SELECT 1 FROM appended)`), since an append that finds the stream elsewhere
 * writes no row. Only the PostgreSQL store runs them; see `AppendResult.alongsideWritten`.
 */
export interface AlongsideWrite {
  readonly text: string;
  readonly values: readonly unknown[];
}

export interface AppendOptions {
  readonly alongside?: readonly AlongsideWrite[];
}

export interface ReadStreamOptions {
  /** Inclusive upper bound on the revision. */
  readonly toRevision?: bigint;
  /** Only events recorded at or before this instant ("the case as the system knew it then"). */
  readonly recordedUntil?: Date;
}

export interface ReadAllOptions {
  /** Exclusive lower bound: events strictly after this position. */
  readonly from: GlobalPosition;
  readonly batchSize: number;
  /** Only these event types (all when omitted). */
  readonly types?: readonly string[];
}

export interface ReadAllBatch {
  readonly events: readonly RecordedEvent[];
  /**
   * Position to continue from. May be past the last event returned when the store knows that
   * nothing can appear before it (used to advance checkpoints over filtered-out events).
   */
  readonly next: GlobalPosition;
  /** True when the batch reached what is currently readable (caught up). */
  readonly isEnd: boolean;
}

export interface SubscribeOptions {
  readonly from: GlobalPosition;
  readonly batchSize?: number;
  readonly types?: readonly string[];
}

/** Called with each batch in order; the next batch is not delivered before the promise settles. */
export type BatchHandler = (batch: ReadAllBatch) => Promise<void>;

export interface Subscription {
  /** Stops delivery; resolves once no handler call is running. */
  stop(): Promise<void>;
  /** Resolves when the subscription stops; rejects with the error that stopped it. */
  readonly done: Promise<void>;
}

/** A stored fold of a stream's prefix (its first `revision + 1` events): valid for good. */
export interface StreamSnapshot {
  readonly revision: bigint;
  /** The fold's result as written (JSON: opaque to the store). */
  readonly state: unknown;
  /** The latest recording instant of the prefix (millisecond precision), when read back. */
  readonly lastRecordedAt?: Date;
}

/** Which snapshots a read may use: those of this fold (`kind`) at this version, none other. */
export interface SnapshotKind {
  readonly kind: string;
  readonly version: number;
}

export interface SnapshotReadOptions extends ReadStreamOptions, SnapshotKind {
  /**
   * The id of the first event of an append: its command's last event (same stream, same appending
   * transaction, same causation id) is returned as `found`, looked up by id, not by scanning.
   */
  readonly findAppendOf?: string;
}

export interface SnapshotRead {
  /** The latest usable snapshot at or below the read's cut (undefined: none, fold from the start). */
  readonly snapshot?: StreamSnapshot;
  /** The events after the snapshot (all of them without one), within the read's cut. */
  readonly events: RecordedEvent[];
  /** See `SnapshotReadOptions.findAppendOf`. */
  readonly found?: RecordedEvent;
}

/**
 * Snapshots of stream prefixes, kept beside the log (issue 18): read in one statement together
 * with the events after them. Optional: a store without it (EventStoreDB) is read in full.
 */
export interface StreamSnapshotStore {
  read(streamId: string, options: SnapshotReadOptions): Promise<SnapshotRead>;
  /** Several streams in one statement (latest snapshot and the events after it, per stream). */
  readMany(streamIds: readonly string[], kind: SnapshotKind): Promise<Map<string, SnapshotRead>>;
  /** Keeps a snapshot (a second write of the same one is a no-op). */
  write(
    streamId: string,
    kind: SnapshotKind,
    snapshot: StreamSnapshot & { readonly lastRecordedAt: Date },
  ): Promise<void>;
  /** Deletes every snapshot of the stream (e.g. on erasure). */
  deleteAll(streamId: string): Promise<void>;
}

export interface EventStore {
  append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /** Events of one stream in revision order; an empty array for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** One batch of all events after `from`, in global order. */
  readAll(options: ReadAllOptions): Promise<ReadAllBatch>;
  /** Catch-up from a checkpoint, then live. */
  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): Subscription;
  /** The position a reader would reach now (for lag). START when empty. */
  headPosition(): Promise<GlobalPosition>;
  close(): Promise<void>;
  /** Snapshots of stream prefixes, when the store keeps them (PostgreSQL); see StreamSnapshotStore. */
  readonly snapshots?: StreamSnapshotStore;
  /**
   * True when `append` runs `AppendOptions.alongside` in the append's own transaction (PostgreSQL):
   * a caller may then rely on a write committing with the events, or not at all (e.g. a new case's
   * data key). Absent: the store ignores them (EventStoreDB); the caller writes them itself.
   */
  readonly writesAlongside?: boolean;
}

export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: bigint | 'no_stream',
  ) {
    super(
      `Wrong expected version on stream ${streamId}: expected ${String(expected)}, actual ${String(actual)}`,
    );
    this.name = 'WrongExpectedVersionError';
  }
}

export class EventStoreUnavailableError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'EventStoreUnavailableError';
  }
}

export function comparePositions(a: GlobalPosition, b: GlobalPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** Positions travel over HTTP (X-Min-Position) as "commit.prepare". */
export function formatPosition(p: GlobalPosition): string {
  return `${p.commit}.${p.prepare}`;
}

export function parsePosition(text: string): GlobalPosition | undefined {
  const m = /^(-1|\d{1,20})\.(-1|\d{1,20})$/.exec(text.trim());
  if (!m) return undefined;
  return { commit: BigInt(m[1]), prepare: BigInt(m[2]) };
}
