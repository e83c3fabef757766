/**
 * The EventStore port over EventStoreDB (gRPC, `@eventstore/db-client` 6.x).
 * All value mapping lives in ./mapping (pure, unit-tested); this file only talks to the client.
 *
 * Unverified against a live server until the contract suite runs with EVENTSTORE_CONNECTION_STRING
 * (see eventstoredb.contract.spec.ts).
 */
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START as ES_START,
} from '@eventstore/db-client';
import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  ReadPosition,
  ReadRevision,
} from '@eventstore/db-client';
import {
  comparePositions,
  EventStoreUnavailableError,
  START,
  WrongExpectedVersionError,
  type AppendResult,
  type BatchHandler,
  type EventStore,
  type ExpectedVersion,
  type GlobalPosition,
  type NewEvent,
  type ReadAllBatch,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../port';
import { retryWithBackoff } from '../retry';
import {
  assembleReadAllBatch,
  assembleSubscriptionBatch,
  fromEsPosition,
  isResendElsewhere,
  isStreamNotFound,
  isSystemEventType,
  lastAppendedRevision,
  maxPosition,
  readAllRequestCount,
  recordedBy,
  subscriptionFilter,
  toAppendResult,
  toEventData,
  toExpectedRevision,
  toReadPosition,
  toRecordedEvent,
  translateError,
} from './mapping';

export interface EventStoreDbOptions {
  /** e.g. `esdb://localhost:2113?tls=false` (EVENTSTORE_CONNECTION_STRING). */
  readonly connectionString: string;
  /** Batch size of subscriptions that do not give one. Default 500. */
  readonly subscriptionBatchSize?: number;
  /** How long a subscription keeps re-subscribing while EventStoreDB is unreachable. Default 60 s. */
  readonly subscriptionRetryMs?: number;
}

const HEAD_SCAN_PAGE = 64;
/** How many of a stream's latest events an exact-revision append checks for re-sent ids. */
const RESEND_WINDOW = 64;

/** EventStoreDB adapter of the EventStore port (libs/event-store/src/port.ts). */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<EsdbSubscription>();
  private closed = false;

  constructor(private readonly options: EventStoreDbOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString);
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    this.assertOpen();
    const expectedRevision = toExpectedRevision(expected);
    if (events.length === 0) return this.appendNothing(streamId, expected);
    const data = events.map(toEventData);
    const newIds = events.map((e) => e.id);
    try {
      if (typeof expected === 'bigint') {
        const latest = await this.readEvents(streamId, BACKWARDS, END, RESEND_WINDOW);
        if (isResendElsewhere(latest, newIds, expected)) {
          throw new WrongExpectedVersionError(
            streamId,
            expected,
            latest.length ? latest[0].revision : 'no_stream',
          );
        }
      }
      const result = await this.client.appendToStream(streamId, data, { expectedRevision });
      // The position is read back from the last event itself, so that it is exactly the `$all`
      // position subscribers and readAll report for it (and idempotent re-sends, which the server
      // acknowledges without a position, get the original one).
      const revision = lastAppendedRevision(expected, events.length, result.nextExpectedRevision);
      const [last] = await this.readEvents(streamId, FORWARDS, revision, 1);
      if (last && last.id.toLowerCase() === newIds[newIds.length - 1].toLowerCase()) {
        return { nextRevision: last.revision, position: last.position };
      }
      const reported = toAppendResult(result);
      if (reported) return reported;
      throw new Error(
        `Append to stream ${streamId} acknowledged but its last event is not where expected`,
      );
    } catch (error) {
      throw translateError(error, { streamId, expected });
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    if (options.toRevision !== undefined && options.toRevision < 0n) return [];
    const maxCount = options.toRevision !== undefined ? options.toRevision + 1n : undefined;
    const events = await this.readEvents(streamId, FORWARDS, ES_START, maxCount);
    return events.filter((e) => recordedBy(e, options.recordedUntil));
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllBatch> {
    this.assertOpen();
    const requested = readAllRequestCount(options.from, options.batchSize);
    const raw: AllStreamResolvedEvent[] = [];
    try {
      const read = this.client.readAll({
        direction: FORWARDS,
        fromPosition: toReadPosition(options.from),
        maxCount: requested,
      });
      for await (const resolved of read) raw.push(resolved);
    } catch (error) {
      throw translateError(error);
    }
    return assembleReadAllBatch(raw, {
      from: options.from,
      batchSize: options.batchSize,
      requested,
      types: options.types,
    });
  }

  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): Subscription {
    this.assertOpen();
    const batchSize = options.batchSize ?? this.options.subscriptionBatchSize ?? 500;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    const sub = new EsdbSubscription(
      this.client,
      () => this.headPosition(),
      {
        from: options.from,
        batchSize,
        types: options.types,
        retryMs: this.options.subscriptionRetryMs ?? 60_000,
      },
      handler,
      () => this.subscriptions.delete(sub),
    );
    this.subscriptions.add(sub);
    sub.start();
    return sub;
  }

  /**
   * The position of the last non-system event in `$all` (START when there is none): a reader
   * that has handled it is caught up, whatever EventStoreDB wrote for itself after it.
   */
  async headPosition(): Promise<GlobalPosition> {
    this.assertOpen();
    let from: ReadPosition = END;
    let bound: GlobalPosition | undefined;
    try {
      for (;;) {
        const page: { type: string; position: GlobalPosition }[] = [];
        const read = this.client.readAll({
          direction: BACKWARDS,
          fromPosition: from,
          maxCount: HEAD_SCAN_PAGE,
        });
        for await (const resolved of read) {
          if (resolved.event)
            page.push({
              type: resolved.event.type,
              position: fromEsPosition(resolved.event.position),
            });
        }
        // Whether a backwards read includes the record at `from` or not, each record is looked at once.
        const below = bound;
        const fresh =
          below === undefined ? page : page.filter((r) => comparePositions(r.position, below) < 0);
        const found = fresh.find((r) => !isSystemEventType(r.type));
        if (found) return found.position;
        if (page.length < HEAD_SCAN_PAGE || fresh.length === 0) return START;
        bound = fresh[fresh.length - 1].position;
        from = { commit: bound.commit, prepare: bound.prepare };
      }
    } catch (error) {
      throw translateError(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed');
  }

  /** An empty append writes nothing; it still checks the expected version, like the other adapters. */
  private async appendNothing(streamId: string, expected: ExpectedVersion): Promise<AppendResult> {
    const [last] = await this.readEvents(streamId, BACKWARDS, END, 1);
    const actual = last?.revision;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream'
        ? actual === undefined
        : actual !== undefined && actual === expected);
    if (!ok) throw new WrongExpectedVersionError(streamId, expected, actual ?? 'no_stream');
    return last
      ? { nextRevision: last.revision, position: last.position }
      : { nextRevision: -1n, position: START };
  }

  private async readEvents(
    streamId: string,
    direction: typeof FORWARDS | typeof BACKWARDS,
    fromRevision: ReadRevision,
    maxCount?: bigint | number,
  ): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        direction,
        fromRevision,
        ...(maxCount !== undefined ? { maxCount } : {}),
      });
      for await (const resolved of read) events.push(toRecordedEvent(resolved));
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw translateError(error, { streamId });
    }
    return events;
  }
}

/** Marks an error thrown by the batch handler, so that it is never taken for the store being unavailable. */
class HandlerFailure {
  constructor(readonly error: unknown) {}
}

interface EsdbSubscriptionOptions {
  readonly from: GlobalPosition;
  readonly batchSize: number;
  readonly types?: readonly string[];
  readonly retryMs: number;
}

/**
 * Catch-up then live over `subscribeToAll({ fromPosition, filter })`.
 * Records are pulled from the client's readable buffer, whose high-water mark is the batch size,
 * so gRPC flow control holds the server back while a handler runs; a batch is handed over only
 * after the previous handler call settled. While EventStoreDB is unreachable the subscription
 * re-subscribes from the last delivered position for up to `retryMs`, then fails.
 */
class EsdbSubscription implements Subscription {
  readonly done: Promise<void>;
  private stopped = false;
  /** Aborted by stop(): cuts a retry delay short. */
  private readonly stopping = new AbortController();
  private wake: (() => void) | undefined;
  private resolveDone!: () => void;
  private rejectDone!: (error: unknown) => void;
  /** Position of the last record handed over (or passed by a filter checkpoint). */
  private last: GlobalPosition;
  private deliveredEnd = false;
  private headAtStart: GlobalPosition | undefined;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly headPosition: () => Promise<GlobalPosition>,
    private readonly options: EsdbSubscriptionOptions,
    private readonly handler: BatchHandler,
    private readonly onFinished: () => void,
  ) {
    this.last = options.from;
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // `done` may legitimately never be awaited by a caller that only uses stop().
    this.done.catch(() => undefined);
  }

  start(): void {
    // Servers before 23.10 send no caught-up message: reaching the head seen at start counts too.
    this.headPosition().then(
      (head) => {
        this.headAtStart = head;
        this.signal();
      },
      () => undefined,
    );
    this.run().then(
      () => {
        this.onFinished();
        this.resolveDone();
      },
      (error: unknown) => {
        this.onFinished();
        this.rejectDone(error);
      },
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    this.signal();
    await this.done.catch(() => undefined);
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    try {
      await retryWithBackoff(({ progressed }) => this.consume(progressed), {
        initialDelayMs: 100,
        maxDelayMs: 2_000,
        giveUpAfterMs: this.options.retryMs,
        retryOn: (error) =>
          !(error instanceof HandlerFailure) &&
          translateError(error) instanceof EventStoreUnavailableError,
        signal: this.stopping.signal,
      });
    } catch (error) {
      if (error instanceof HandlerFailure) throw error.error; // the handler's own failure stops it
      if (this.stopped) return;
      throw translateError(error);
    }
  }

  /** One server subscription from `this.last`, until stopped (returns) or failed (throws). */
  private async consume(onRecord: () => void): Promise<void> {
    let failure: unknown;
    let ended = false;
    let caughtUp = false;
    let checkpoint: GlobalPosition | undefined;
    const stream: AllStreamSubscription = this.client.subscribeToAll(
      {
        fromPosition: toReadPosition(this.last),
        filter: subscriptionFilter(this.options.types, (_sub, position) => {
          checkpoint = maxPosition(fromEsPosition(position), checkpoint);
          this.signal();
        }),
      },
      { highWaterMark: this.options.batchSize },
    );
    const signal = () => this.signal();
    stream.on('readable', signal);
    stream.on('end', () => {
      ended = true;
      this.signal();
    });
    stream.on('error', (error: Error) => {
      failure ??= error;
      this.signal();
    });
    stream.on('caughtUp', () => {
      caughtUp = true;
      this.signal();
    });
    stream.on('fellBehind', () => {
      caughtUp = false;
    });
    try {
      while (!this.stopped) {
        const raw: AllStreamResolvedEvent[] = [];
        let item: AllStreamResolvedEvent | null;
        while (
          raw.length < this.options.batchSize &&
          (item = stream.read() as AllStreamResolvedEvent | null) !== null
        ) {
          raw.push(item);
        }
        if (raw.length) onRecord();
        if (raw.length === 0 && failure !== undefined) throw failure;
        const drained = stream.readableLength === 0;
        const assembled = assembleSubscriptionBatch(raw, {
          last: this.last,
          checkpoint: drained ? checkpoint : undefined,
          types: this.options.types,
          isEnd: false,
        });
        const next = assembled?.next ?? this.last;
        const head = this.headAtStart;
        const isEnd =
          drained && (caughtUp || (head !== undefined && comparePositions(next, head) >= 0));
        const batch: ReadAllBatch | undefined = assembled
          ? { ...assembled, isEnd }
          : isEnd && !this.deliveredEnd
            ? { events: [], next, isEnd: true }
            : undefined;
        if (batch) {
          try {
            await this.handler(batch);
          } catch (error) {
            throw new HandlerFailure(error);
          }
          this.last = batch.next;
          this.deliveredEnd ||= batch.isEnd;
          continue;
        }
        if (ended)
          throw new EventStoreUnavailableError('The EventStoreDB subscription ended unexpectedly');
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      stream.off('readable', signal);
      await stream.unsubscribe().catch(() => undefined);
      stream.destroy();
    }
  }
}

/** Creates an EventStoreDB event store (see EventStoreDbOptions). */
export function createEventStoreDbEventStore(options: EventStoreDbOptions): EventStoreDbEventStore {
  return new EventStoreDbEventStore(options);
}
