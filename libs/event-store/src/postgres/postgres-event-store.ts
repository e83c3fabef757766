import { Client, Pool, type PoolConfig, type QueryConfig, type QueryResultRow } from 'pg';
import {
  AlongsideWrite,
  AppendOptions,
  AppendResult,
  BatchHandler,
  comparePositions,
  EventStore,
  EventStoreUnavailableError,
  ExpectedVersion,
  GlobalPosition,
  NewEvent,
  ReadAllBatch,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SnapshotKind,
  SnapshotRead,
  SnapshotReadOptions,
  START,
  StreamSnapshot,
  StreamSnapshotStore,
  SubscribeOptions,
  Subscription,
  WrongExpectedVersionError,
} from '../port';
import { retryWithBackoff } from '../retry';
import { mapPgError, pgConstraint, pgErrorCode } from './errors';
import {
  AppendMode,
  appendManySql,
  appendOneSql,
  CONFLICT_SQL,
  DEFAULT_NOTIFY_CHANNEL,
  DELETE_SNAPSHOTS_SQL,
  READ_SNAPSHOT_SQL,
  READ_SNAPSHOTS_MANY_SQL,
  WRITE_SNAPSHOT_SQL,
  EVENT_ID_CONSTRAINT,
  HEAD_POSITION_SQL,
  READ_STREAM_SQL,
  readAllSql,
  REVISION_CONSTRAINT,
  STREAM_HEAD_SQL,
} from './sql';

/**
 * How subscriptions learn about new events once caught up:
 * - 'poll': while idle, one query per store every `pollIntervalMs` watches the readable head and
 *   wakes the store's subscriptions when it moves; a subscription re-reads immediately while its
 *   batches are full;
 * - 'notify': every append sends NOTIFY (which takes a database-wide lock at commit), and one
 *   LISTEN connection per store wakes the subscriptions; a slow fallback poll covers events that
 *   were not yet readable when the notification came (an older transaction still running).
 * Every process writing to one database should use the same mode (a 'poll' writer does not notify).
 */
export type LiveDelivery = 'poll' | 'notify';

/**
 * Measured by bench/event-store/live-delivery.ts (8 writers, 2-core machine under heavy shared
 * load, Nov 2026): 'poll' appended 95-297 events/s with lag p50 7-12 ms, p99 21-88 ms (most runs
 * ≤ 52 ms); 'notify' appended only 28-67 events/s (NOTIFY serialises commits: no group commit)
 * with p50 ≈ 1 ms, p99 10-46 ms. Polling is 3-5× faster to append and meets the 50 ms p99 goal
 * on an unloaded machine, so it is the default.
 */
export const DEFAULT_LIVE_DELIVERY: LiveDelivery = 'poll';

export interface PostgresEventStoreOptions {
  /** Either a connection string (the store owns and closes its pool)... */
  readonly connectionString?: string;
  /**
   * ...or an existing pool (not closed by `close()`). Its connections should have
   * `idle_in_transaction_session_timeout` set: see `eventStorePoolConfig`.
   */
  readonly pool?: Pool;
  /** Pool size when the store creates the pool. Default 10. */
  readonly poolSize?: number;
  readonly liveDelivery?: LiveDelivery;
  /**
   * Re-read interval of waiting subscriptions in 'poll' mode while the head moves. Default 10 ms.
   */
  readonly pollIntervalMs?: number;
  /**
   * 'poll' mode: while the head stays put, the interval doubles from `pollIntervalMs` up to this
   * (default 250 ms, the 'notify' fallback's), and drops back once the head moves.
   */
  readonly maxPollIntervalMs?: number;
  /** Safety re-read interval of idle subscriptions in 'notify' mode. Default 250 ms. */
  readonly notifyFallbackPollMs?: number;
  /**
   * A transaction left open longer than this is ended by the server, so that it cannot hold
   * back every catch-up reader. Default 10 s.
   */
  readonly idleInTransactionTimeoutMs?: number;
  /**
   * Give up getting a connection after this long (EventStoreUnavailableError, 503): the wait for a
   * free pooled connection counts too (pg-pool does not separate the two), so it also bounds how
   * long a burst of commands queues for the pool. Default {@link DEFAULT_CONNECTION_TIMEOUT_MS}.
   */
  readonly connectionTimeoutMs?: number;
  /** Batch size of subscriptions that do not give one. Default 500. */
  readonly subscriptionBatchSize?: number;
  /** How long a subscription keeps retrying while PostgreSQL is unreachable. Default 60 s. */
  readonly subscriptionRetryMs?: number;
  /** NOTIFY channel ('notify' mode). */
  readonly notifyChannel?: string;
}

/**
 * 10 s: 200 concurrent commands on one case (test/faults/concurrent-commands.spec.ts) queue for the
 * pool's 10 connections for more than 5 s on 2 busy cores; a server that is down is still refused
 * at once (connection refused), so the outage answer stays quick.
 */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;

/** Pool settings of the event store: pool size, connect timeout, idle-in-transaction timeout. */
export function eventStorePoolConfig(
  connectionString: string,
  options: Pick<
    PostgresEventStoreOptions,
    'poolSize' | 'idleInTransactionTimeoutMs' | 'connectionTimeoutMs'
  > = {},
): PoolConfig {
  const idle = Math.max(0, Math.floor(options.idleInTransactionTimeoutMs ?? 10_000));
  return {
    connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    options: `-c idle_in_transaction_session_timeout=${idle}`,
    application_name: 'remedy-event-store',
  };
}

/** PostgreSQL adapter of the EventStore port (libs/event-store/src/port.ts). */
export class PostgresEventStore implements EventStore {
  /** `AppendOptions.alongside` commits with the append (data-modifying CTEs of its statement). */
  readonly writesAlongside = true;
  /** The pool used by the store (exposed for health checks and tests). */
  readonly pool: Pool;
  readonly liveDelivery: LiveDelivery;
  private readonly ownsPool: boolean;
  private readonly notifyChannel: string;
  private readonly writeChannel: string | undefined;
  private readonly subscriptions = new Set<PgSubscription>();
  private waker: Waker | undefined;
  private closed = false;

  constructor(private readonly options: PostgresEventStoreOptions) {
    if (options.pool) {
      this.pool = options.pool;
      this.ownsPool = false;
    } else if (options.connectionString) {
      this.pool = new Pool(eventStorePoolConfig(options.connectionString, options));
      this.ownsPool = true;
      // An idle client losing its connection must not crash the process; the next query reports it.
      this.pool.on('error', () => undefined);
    } else {
      throw new Error('PostgresEventStore needs a connectionString or a pool');
    }
    this.liveDelivery = options.liveDelivery ?? DEFAULT_LIVE_DELIVERY;
    this.notifyChannel = options.notifyChannel ?? DEFAULT_NOTIFY_CHANNEL;
    if (!/^[a-z_][a-z0-9_]*$/.test(this.notifyChannel))
      throw new Error('notifyChannel must be a plain identifier');
    this.writeChannel = this.liveDelivery === 'notify' ? this.notifyChannel : undefined;
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) return this.appendNothing(streamId, expected);
    const mode: AppendMode =
      expected === 'no_stream' ? 'no_stream' : expected === 'any' ? 'any' : 'exact';
    if (mode === 'exact' && (expected as bigint) < 0n) {
      throw new RangeError(
        'An exact expected revision is 0 or more (use no_stream for a new stream)',
      );
    }
    const alongside = options.alongside ?? [];
    const query = withAlongside(this.appendQuery(streamId, events, mode, expected), alongside);
    for (let attempt = 1; ; attempt++) {
      let rows: AppendRow[];
      try {
        rows = (await this.pool.query<AppendRow>(query)).rows;
      } catch (err) {
        if (pgErrorCode(err) !== '23505') throw mapPgError(err);
        // A concurrent writer took the revision: 'any' simply tries again on the new head.
        if (mode === 'any' && pgConstraint(err) === REVISION_CONSTRAINT && attempt < 100) continue;
        if (pgConstraint(err) !== REVISION_CONSTRAINT && pgConstraint(err) !== EVENT_ID_CONSTRAINT)
          throw err;
        return this.resolveConflict(streamId, events, expected);
      }
      if (rows.length === 0) return this.resolveConflict(streamId, events, expected);
      let last = rows[0];
      for (const r of rows) if (BigInt(r.stream_revision) > BigInt(last.stream_revision)) last = r;
      return {
        nextRevision: BigInt(last.stream_revision),
        position: { commit: BigInt(last.transaction_id), prepare: BigInt(last.global_position) },
        ...(alongside.length > 0 ? { alongsideWritten: true } : {}),
      };
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const rows = await this.query<EventRow>({
      name: 'remedy_es_read_stream',
      text: READ_STREAM_SQL,
      values: [
        streamId,
        options.toRevision === undefined ? null : options.toRevision.toString(),
        options.recordedUntil ?? null,
      ],
    });
    return rows.map(toRecordedEvent);
  }

  /**
   * Snapshots of stream prefixes in `stream_snapshots` (migration CreateStreamSnapshots), each read
   * in one statement with the events after it (issue 18 item 1).
   */
  readonly snapshots: StreamSnapshotStore = {
    read: (streamId, options) => this.readSnapshot(streamId, options),
    readMany: (streamIds, kind) => this.readSnapshots(streamIds, kind),
    write: async (streamId, kind, snapshot) => {
      this.assertOpen();
      await this.query({
        name: 'remedy_es_snapshot_write',
        text: WRITE_SNAPSHOT_SQL,
        values: [
          streamId,
          kind.kind,
          kind.version,
          snapshot.revision.toString(),
          snapshot.lastRecordedAt,
          JSON.stringify(snapshot.state),
        ],
      });
    },
    deleteAll: async (streamId) => {
      this.assertOpen();
      await this.query({
        name: 'remedy_es_snapshot_delete',
        text: DELETE_SNAPSHOTS_SQL,
        values: [streamId],
      });
    },
  };

  private async readSnapshot(
    streamId: string,
    options: SnapshotReadOptions,
  ): Promise<SnapshotRead> {
    this.assertOpen();
    const rows = await this.query<EventRow & { part: 's' | 'e' | 'f' }>({
      name: 'remedy_es_snapshot_read',
      text: READ_SNAPSHOT_SQL,
      values: [
        streamId,
        options.kind,
        options.version,
        options.toRevision === undefined ? null : options.toRevision.toString(),
        options.recordedUntil ?? null,
        options.findAppendOf ?? null,
      ],
    });
    let snapshot: StreamSnapshot | undefined;
    let found: RecordedEvent | undefined;
    const events: RecordedEvent[] = [];
    for (const r of rows) {
      if (r.part === 's') snapshot = snapshotOf(r);
      else if (r.part === 'f') found = toRecordedEvent(r);
      else events.push(toRecordedEvent(r));
    }
    return { snapshot, events: inRevisionOrder(events), found };
  }

  private async readSnapshots(
    streamIds: readonly string[],
    kind: SnapshotKind,
  ): Promise<Map<string, SnapshotRead>> {
    this.assertOpen();
    const reads = new Map<string, { snapshot?: StreamSnapshot; events: RecordedEvent[] }>();
    for (const id of streamIds) reads.set(id, { events: [] });
    if (streamIds.length === 0) return reads;
    const rows = await this.query<EventRow & { part: 's' | 'e' }>({
      name: 'remedy_es_snapshot_read_many',
      text: READ_SNAPSHOTS_MANY_SQL,
      values: [streamIds, kind.kind, kind.version],
    });
    for (const r of rows) {
      const read = reads.get(r.stream_id);
      if (!read) continue;
      if (r.part === 's') read.snapshot = snapshotOf(r);
      else read.events.push(toRecordedEvent(r));
    }
    for (const read of reads.values()) read.events = inRevisionOrder(read.events);
    return reads;
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllBatch> {
    this.assertOpen();
    const batchSize = Math.floor(options.batchSize);
    if (!(batchSize > 0)) throw new RangeError('batchSize must be a positive integer');
    const from = options.from;
    const filtered = options.types !== undefined;
    const afterCommit = from.commit < 0n ? 0n : from.commit;
    const afterPrepare = from.commit < 0n ? -1n : from.prepare;
    const values: unknown[] = [afterCommit.toString(), afterPrepare.toString(), batchSize];
    if (filtered) values.push(options.types);
    const rows = await this.query<EventRow & { xmin: string }>({
      name: filtered ? 'remedy_es_read_all_types' : 'remedy_es_read_all',
      text: readAllSql(filtered),
      values,
    });
    const events = inPositionOrder(
      rows.filter((r) => r.global_position !== null).map(toRecordedEvent),
    );
    if (events.length === batchSize) {
      return { events, next: events[events.length - 1].position, isEnd: false };
    }
    // Everything readable was read: no event can appear below the oldest running transaction.
    const horizon: GlobalPosition = { commit: BigInt(rows[0].xmin), prepare: -1n };
    return { events, next: comparePositions(horizon, from) > 0 ? horizon : from, isEnd: true };
  }

  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): Subscription {
    this.assertOpen();
    const sub = new PgSubscription(this, options, handler, () => this.subscriptions.delete(sub));
    this.subscriptions.add(sub);
    sub.start();
    return sub;
  }

  async headPosition(): Promise<GlobalPosition> {
    this.assertOpen();
    const rows = await this.query<{ transaction_id: string; global_position: string }>({
      name: 'remedy_es_head',
      text: HEAD_POSITION_SQL,
    });
    if (rows.length === 0) return START;
    return { commit: BigInt(rows[0].transaction_id), prepare: BigInt(rows[0].global_position) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.waker?.close();
    if (this.ownsPool) await this.pool.end();
  }

  // ---- internals shared with subscriptions ----

  /** Reads of woken subscriptions gathered in this turn of the event loop (see readTail). */
  private tailReads: TailRequest[] | undefined;

  /**
   * @internal The read of a subscription woken at the tail (issue 18: a worker runs a subscription
   * per projection, and each woke to its own read of the same few new events, a round trip each).
   * The reads asked in one turn of the event loop are answered by ONE unfiltered read from the
   * lowest of their positions: each gets the events of its types after its own position, as its
   * own read at that moment would have (up to its batch size; to the readable horizon when the
   * shared read reached the end). A read the shared one does not cover is made on its own.
   */
  readTail(options: ReadAllOptions): Promise<ReadAllBatch> {
    return new Promise<ReadAllBatch>((resolve, reject) => {
      if (!this.tailReads) {
        this.tailReads = [];
        setImmediate(() => void this.flushTailReads());
      }
      this.tailReads.push({ options, resolve, reject });
    });
  }

  private async flushTailReads(): Promise<void> {
    const requests = this.tailReads ?? [];
    this.tailReads = undefined;
    if (requests.length === 1) {
      const [r] = requests;
      return this.readAll(r!.options).then(r!.resolve, r!.reject);
    }
    let from = requests[0]!.options.from;
    for (const r of requests) if (comparePositions(r.options.from, from) < 0) from = r.options.from;
    let shared: ReadAllBatch;
    try {
      shared = await this.readAll({ from, batchSize: TAIL_READ_EVENTS });
    } catch (err) {
      for (const r of requests) r.reject(err);
      return;
    }
    for (const r of requests) {
      const answer = tailAnswer(shared, r.options);
      if (answer) r.resolve(answer);
      else this.readAll(r.options).then(r.resolve, r.reject);
    }
  }

  /** @internal */
  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal */
  get subscriptionSettings() {
    return {
      batchSize: this.options.subscriptionBatchSize ?? 500,
      // Safety re-read of an idle subscription, in case a wake-up was missed. ('poll': 5 s here
      // failed the SIGTERM fault test, a registration's read-your-writes wait answering 503:
      // a wake-up is missed somewhere and this re-read is what catches it; kept at 1 s.)
      idleRereadMs:
        this.liveDelivery === 'notify' ? (this.options.notifyFallbackPollMs ?? 250) : 1_000,
      retryMs: this.options.subscriptionRetryMs ?? 60_000,
    };
  }

  /**
   * @internal What wakes idle subscriptions, created on first use: the LISTEN connection
   * ('notify') or the shared head poller ('poll').
   */
  getWaker(): Waker {
    if (!this.waker) {
      this.waker =
        this.liveDelivery === 'notify'
          ? new Notifier(
              this.options.connectionString ?? undefined,
              this.pool,
              this.notifyChannel,
              this.options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
            )
          : new HeadPoller(
              () => this.headPosition(),
              this.options.pollIntervalMs ?? 10,
              this.options.maxPollIntervalMs ?? 250,
            );
    }
    return this.waker;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed');
  }

  private async query<R extends QueryResultRow>(config: QueryConfig): Promise<R[]> {
    try {
      return (await this.pool.query<R>(config)).rows;
    } catch (err) {
      throw mapPgError(err);
    }
  }

  private appendQuery(
    streamId: string,
    events: readonly NewEvent[],
    mode: AppendMode,
    expected: ExpectedVersion,
  ): QueryConfig {
    const notify = this.writeChannel ? '_n' : '';
    let values: unknown[];
    let text: string;
    let name: string;
    if (events.length === 1) {
      const e = events[0];
      values = [
        streamId,
        e.id,
        e.type,
        e.schemaVersion,
        JSON.stringify(e.data),
        JSON.stringify(e.metadata),
        e.occurredAt,
      ];
      text = appendOneSql(mode, this.writeChannel);
      name = `remedy_es_append1_${mode}${notify}`;
    } else {
      values = [
        streamId,
        events.map((e) => e.id),
        events.map((e) => e.type),
        events.map((e) => e.schemaVersion),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
        events.map((e) => e.occurredAt),
      ];
      text = appendManySql(mode, this.writeChannel);
      name = `remedy_es_appendn_${mode}${notify}`;
    }
    if (mode === 'exact') values.push((expected as bigint).toString());
    return { name, text, values };
  }

  /**
   * The append did not happen: either it already happened (same ids at the same place: return
   * the original result) or the stream is not where the writer expected.
   */
  private async resolveConflict(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    const rows = await this.query<ConflictRow>({
      name: 'remedy_es_conflict',
      text: CONFLICT_SQL,
      values: [streamId, events.map((e) => e.id)],
    });
    const head = rows.find((r) => r.event_id === null);
    const actual: bigint | 'no_stream' =
      head?.actual === null || head?.actual === undefined ? 'no_stream' : BigInt(head.actual);
    const byId = new Map(
      rows.filter((r) => r.event_id !== null).map((r) => [r.event_id!.toLowerCase(), r]),
    );
    const found = events.map((e) => byId.get(e.id.toLowerCase()));
    if (found.every((r) => r !== undefined && r.stream_id === streamId)) {
      const first = BigInt(found[0]!.stream_revision!);
      const expectedFirst =
        expected === 'no_stream' ? 0n : expected === 'any' ? first : expected + 1n;
      const inPlace = found.every(
        (r, i) => BigInt(r!.stream_revision!) === expectedFirst + BigInt(i),
      );
      if (inPlace) {
        const last = found[found.length - 1]!;
        return {
          nextRevision: BigInt(last.stream_revision!),
          position: {
            commit: BigInt(last.transaction_id!),
            prepare: BigInt(last.global_position!),
          },
        };
      }
    }
    throw new WrongExpectedVersionError(streamId, expected, actual);
  }

  private async appendNothing(streamId: string, expected: ExpectedVersion): Promise<AppendResult> {
    const rows = await this.query<AppendRow>({
      name: 'remedy_es_stream_head',
      text: STREAM_HEAD_SQL,
      values: [streamId],
    });
    const actual = rows.length ? BigInt(rows[0].stream_revision) : undefined;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream'
        ? actual === undefined
        : actual !== undefined && actual === expected);
    if (!ok) throw new WrongExpectedVersionError(streamId, expected, actual ?? 'no_stream');
    if (actual === undefined) return { nextRevision: -1n, position: START };
    return {
      nextRevision: actual,
      position: {
        commit: BigInt(rows[0].transaction_id),
        prepare: BigInt(rows[0].global_position),
      },
    };
  }
}

/**
 * The append and the `alongside` writes as one statement: `WITH appended AS (<the append>),
 * w1 AS (<write 1>), ... SELECT ... FROM appended`. PostgreSQL runs every data-modifying CTE once,
 * in the statement's one transaction: all of it commits, or none (a revision taken by another
 * writer fails the whole statement). Each write's parameters are renumbered after the append's.
 * Prepared under a name per distinct text (a handful: the audit row, the idempotency record, ...).
 */
function withAlongside(append: QueryConfig, alongside: readonly AlongsideWrite[]): QueryConfig {
  if (alongside.length === 0) return append;
  const values = [...(append.values ?? [])];
  const ctes = alongside.map((w, i) => {
    const offset = values.length;
    values.push(...w.values);
    const text = w.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    return `w${i + 1} AS (${text})`;
  });
  const text = `WITH appended AS (${append.text}),
${ctes.join(',\n')}
SELECT stream_revision, transaction_id, global_position FROM appended`;
  return { name: preparedNameOf(text), text, values };
}

const preparedNames = new Map<string, string>();
/** A stable statement name per text (at most 64 kept; others go unnamed, parsed each time). */
function preparedNameOf(text: string): string | undefined {
  let name = preparedNames.get(text);
  if (name === undefined && preparedNames.size < 64) {
    name = `remedy_es_append_w${preparedNames.size}`;
    preparedNames.set(text, name);
  }
  return name;
}

interface AppendRow {
  stream_revision: string;
  transaction_id: string;
  global_position: string;
}

interface ConflictRow {
  event_id: string | null;
  stream_id: string | null;
  stream_revision: string | null;
  transaction_id: string | null;
  global_position: string | null;
  actual: string | null;
}

interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  occurred_ms: number;
  recorded_ms: number;
}

function snapshotOf(r: EventRow): StreamSnapshot {
  return {
    revision: BigInt(r.stream_revision),
    state: r.data,
    lastRecordedAt: new Date(r.recorded_ms),
  };
}

/** Events of one stream sorted by revision (a no-op when the statement returned them in order). */
function inRevisionOrder(events: RecordedEvent[]): RecordedEvent[] {
  for (let i = 1; i < events.length; i++) {
    if (events[i - 1]!.revision > events[i]!.revision)
      return events.sort((a, b) =>
        a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0,
      );
  }
  return events;
}

/**
 * `events` in global order: readAllSql's rows come in its lateral read's order without a sort of
 * the outer query (see there); should a plan ever return them otherwise, they are sorted here.
 */
function inPositionOrder(events: RecordedEvent[]): RecordedEvent[] {
  for (let i = 1; i < events.length; i++) {
    if (comparePositions(events[i - 1]!.position, events[i]!.position) > 0) {
      return events.sort((a, b) => comparePositions(a.position, b.position));
    }
  }
  return events;
}

function toRecordedEvent(r: EventRow): RecordedEvent {
  return {
    id: r.event_id,
    type: r.event_type,
    schemaVersion: r.schema_version,
    data: r.data,
    metadata: r.metadata,
    occurredAt: new Date(r.occurred_ms),
    streamId: r.stream_id,
    revision: BigInt(r.stream_revision),
    position: { commit: BigInt(r.transaction_id), prepare: BigInt(r.global_position) },
    recordedAt: new Date(r.recorded_ms),
  };
}

/** Wakes idle subscriptions when new events may be readable. */
interface Waker {
  /** Bumped on every wake-up, so a reader can tell it missed one while reading. */
  readonly generation: number;
  /** Resolves on the next wake-up, or after `timeoutMs`; `signal.cancel` resolves it early. */
  wait(timeoutMs: number, signal: { cancel?: () => void }): Promise<void>;
  close(): Promise<void>;
}

/** Registers a waiter that resolves on `wake`, after `timeoutMs`, or on `signal.cancel`. */
function addWaiter(
  waiters: Set<() => void>,
  timeoutMs: number,
  signal: { cancel?: () => void },
): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      waiters.delete(done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    waiters.add(done);
    signal.cancel = done;
  });
}

/**
 * 'poll' mode: one loop per store, running only while some subscription waits, reads the
 * readable head and wakes every waiting subscription when it moved. The pause is `intervalMs`
 * after a move and doubles on each read that finds the head where it was, up to
 * `maxIntervalMs`: an idle process reads the head ~4 times a second (at 10 ms, ~40 times), and
 * the first event after a quiet spell waits at most `maxIntervalMs` to be seen. (A doubling
 * written here: a retry library's backoff is for failures, this is the steady state.)
 */
class HeadPoller implements Waker {
  generation = 0;
  private readonly waiters = new Set<() => void>();
  private last: string | undefined;
  private loop: Promise<void> | undefined;
  private running = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private resolveSleep: (() => void) | undefined;

  constructor(
    private readonly readHead: () => Promise<GlobalPosition>,
    private readonly intervalMs: number,
    private readonly maxIntervalMs: number = intervalMs,
  ) {}

  wait(timeoutMs: number, signal: { cancel?: () => void }): Promise<void> {
    const waiting = addWaiter(this.waiters, timeoutMs, signal);
    if (!this.running) {
      this.running = true;
      this.loop = this.run();
    }
    return waiting;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.resolveSleep?.();
    this.wakeAll();
    await this.loop;
  }

  private wakeAll(): void {
    this.generation++;
    for (const w of [...this.waiters]) w();
  }

  private async run(): Promise<void> {
    let idlePause = this.intervalMs;
    try {
      while (!this.closed && this.waiters.size > 0) {
        let pause = idlePause;
        try {
          const head = await this.readHead();
          const key = `${head.commit}.${head.prepare}`;
          if (key !== this.last) {
            this.last = key;
            this.wakeAll();
            pause = this.intervalMs;
          }
          idlePause = Math.min(pause * 2, Math.max(this.intervalMs, this.maxIntervalMs));
        } catch {
          // Let the subscriptions meet the error themselves (they retry with back-off).
          this.wakeAll();
          pause = Math.max(pause, 500);
        }
        await new Promise<void>((resolve) => {
          this.resolveSleep = resolve;
          this.timer = setTimeout(resolve, pause);
        });
      }
    } finally {
      this.running = false;
    }
  }
}

/** 'notify' mode: a LISTEN connection that wakes waiting subscriptions; reconnects after failures. */
class Notifier implements Waker {
  /** Bumped on every notification (and reconnection), so a reader can tell it missed one. */
  generation = 0;
  private waiters = new Set<() => void>();
  private client: Client | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connectionString: string | undefined,
    private readonly pool: Pool,
    private readonly channel: string,
    private readonly connectionTimeoutMs: number,
  ) {
    this.ensureConnected();
  }

  wait(timeoutMs: number, signal: { cancel?: () => void }): Promise<void> {
    this.ensureConnected();
    return addWaiter(this.waiters, timeoutMs, signal);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    for (const w of [...this.waiters]) w();
    await this.connecting?.catch(() => undefined);
    await this.client?.end().catch(() => undefined);
  }

  private wakeAll(): void {
    this.generation++;
    for (const w of [...this.waiters]) w();
  }

  private ensureConnected(): void {
    if (this.closed || this.client || this.connecting || this.retryTimer) return;
    const config = this.connectionString
      ? { connectionString: this.connectionString }
      : { ...(this.pool as unknown as { options: PoolConfig }).options };
    const client = new Client({ ...config, connectionTimeoutMillis: this.connectionTimeoutMs });
    const fail = () => {
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.ensureConnected();
      }, 1_000);
    };
    client.on('error', fail);
    client.on('notification', () => this.wakeAll());
    this.connecting = (async () => {
      try {
        await client.connect();
        await client.query(`LISTEN ${this.channel}`);
        if (this.closed) {
          await client.end();
          return;
        }
        this.client = client;
        client.on('end', () => {
          if (this.client === client) fail();
        });
        this.wakeAll(); // events may have been appended while not listening
      } catch {
        fail();
      } finally {
        this.connecting = undefined;
      }
    })();
  }
}

/** Events of the shared read of woken subscriptions (PostgresEventStore.readTail). */
const TAIL_READ_EVENTS = 1000;

interface TailRequest {
  readonly options: ReadAllOptions;
  resolve(batch: ReadAllBatch): void;
  reject(err: unknown): void;
}

/**
 * What `readAll(options)` answers, taken from `shared` (an unfiltered read from a position at or
 * before `options.from`); undefined when `shared` does not reach past `options.from`.
 */
export function tailAnswer(
  shared: ReadAllBatch,
  options: ReadAllOptions,
): ReadAllBatch | undefined {
  const { from } = options;
  if (!shared.isEnd && comparePositions(shared.next, from) <= 0) return undefined;
  const types = options.types ? new Set(options.types) : undefined;
  const batchSize = Math.floor(options.batchSize);
  const events: RecordedEvent[] = [];
  for (const e of shared.events) {
    if (comparePositions(e.position, from) <= 0 || (types && !types.has(e.type))) continue;
    events.push(e);
    if (events.length === batchSize) return { events, next: e.position, isEnd: false };
  }
  if (!shared.isEnd) return { events, next: shared.next, isEnd: false };
  return {
    events,
    next: comparePositions(shared.next, from) > 0 ? shared.next : from,
    isEnd: true,
  };
}

class PgSubscription implements Subscription {
  readonly done: Promise<void>;
  private stopped = false;
  /** Aborted by stop(): cuts a retry delay short. */
  private readonly stopping = new AbortController();
  private wakeUp: (() => void) | undefined;
  private resolveDone!: () => void;
  private rejectDone!: (err: unknown) => void;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly options: SubscribeOptions,
    private readonly handler: BatchHandler,
    private readonly onFinished: () => void,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // `done` may legitimately never be awaited by a caller that only uses stop().
    this.done.catch(() => undefined);
  }

  start(): void {
    this.run().then(
      () => {
        this.onFinished();
        this.resolveDone();
      },
      (err: unknown) => {
        this.onFinished();
        this.rejectDone(err);
      },
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    this.wakeUp?.();
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const settings = this.store.subscriptionSettings;
    const batchSize = this.options.batchSize ?? settings.batchSize;
    let from = this.options.from;
    let deliveredEnd = false;
    // Woken at the tail: the next read is shared with the other subscriptions woken with it.
    let woken = false;
    while (!this.stopped) {
      const waker = this.store.getWaker();
      const generation = waker.generation;
      let batch: ReadAllBatch | undefined;
      const options = { from, batchSize, types: this.options.types };
      try {
        batch = await retryWithBackoff(
          () => (woken ? this.store.readTail(options) : this.store.readAll(options)),
          {
            initialDelayMs: 50,
            maxDelayMs: 2_000,
            giveUpAfterMs: settings.retryMs,
            retryOn: (err) => err instanceof EventStoreUnavailableError && !this.store.isClosed,
            signal: this.stopping.signal,
          },
        );
      } catch (err) {
        if (this.stopped || this.store.isClosed) return;
        throw err;
      }
      if (this.stopped || batch === undefined) return;
      woken = false;
      if (batch.events.length > 0 || (batch.isEnd && !deliveredEnd)) {
        await this.handler(batch);
        deliveredEnd = batch.isEnd;
      }
      from = batch.next;
      if (!batch.isEnd || this.stopped) continue;
      if (waker.generation !== generation) continue; // something arrived while reading
      const signal: { cancel?: () => void } = {};
      this.wakeUp = () => signal.cancel?.();
      await waker.wait(settings.idleRereadMs, signal);
      this.wakeUp = undefined;
      woken = true;
    }
  }
}

/** Creates a PostgreSQL event store (see PostgresEventStoreOptions). */
export function createPostgresEventStore(options: PostgresEventStoreOptions): PostgresEventStore {
  return new PostgresEventStore(options);
}
