/**
 * The EventStore port over EventStoreDB (gRPC, `@eventstore/db-client` 6.x).
 * All value mapping lives in ./mapping (pure, unit-tested); this file only talks to the client.
 *
 * Unverified against a live server until the contract suite runs with EVENTSTORE_CONNECTION_STRING.
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
} from '@eventstore/db-client';
import {
  comparePositions,
  EventStoreUnavailableError,
  START,
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
import {
  assembleReadAllBatch,
  assembleSubscriptionBatch,
  fromEsPosition,
  isStreamNotFound,
  isSystemEventType,
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
  /** Subscription batch size when the subscriber gives none. */
  readonly defaultBatchSize?: number;
}

const HEAD_SCAN_PAGE = 64;

export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly defaultBatchSize: number;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(options: EventStoreDbOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString);
    this.defaultBatchSize = options.defaultBatchSize ?? 256;
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new RangeError('append needs at least one event');
    const data = events.map(toEventData);
    try {
      const result = await this.client.appendToStream(streamId, data, {
        expectedRevision: toExpectedRevision(expected),
      });
      const mapped = toAppendResult(result);
      if (mapped) return mapped;
      // The server acknowledged without a position (an idempotent re-send): take the last event's.
      const [last] = await this.readEvents(streamId, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      });
      if (!last)
        throw new Error(`Append to stream ${streamId} acknowledged but the stream is empty`);
      return { nextRevision: result.nextExpectedRevision, position: last.position };
    } catch (error) {
      throw translateError(error, { streamId, expected });
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    if (options.toRevision !== undefined && options.toRevision < 0n) return [];
    const events = await this.readEvents(streamId, {
      direction: FORWARDS,
      fromRevision: ES_START,
      ...(options.toRevision !== undefined ? { maxCount: options.toRevision + 1n } : {}),
    });
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
    const subscription = runSubscription(
      this.client,
      this.headPosition.bind(this),
      {
        from: options.from,
        batchSize: options.batchSize ?? this.defaultBatchSize,
        types: options.types,
      },
      handler,
    );
    this.subscriptions.add(subscription);
    void subscription.done.then(
      () => this.subscriptions.delete(subscription),
      () => this.subscriptions.delete(subscription),
    );
    return subscription;
  }

  /** The position of the last non-system event in `$all` (START when there is none). */
  async headPosition(): Promise<GlobalPosition> {
    this.assertOpen();
    let from: ReadPosition = END;
    let bound: GlobalPosition | undefined;
    try {
      for (;;) {
        const page: { type: string; position: GlobalPosition }[] = [];
        for await (const resolved of this.client.readAll({
          direction: BACKWARDS,
          fromPosition: from,
          maxCount: HEAD_SCAN_PAGE,
        })) {
          if (resolved.event)
            page.push({
              type: resolved.event.type,
              position: fromEsPosition(resolved.event.position),
            });
        }
        // Whether a backwards read includes the record at `from` or not, each record is looked at once.
        const fresh =
          bound === undefined
            ? page
            : page.filter((r) => comparePositions(r.position, bound as GlobalPosition) < 0);
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
    if (this.closed) throw new Error('The EventStoreDB event store is closed');
  }

  private async readEvents(
    streamId: string,
    options: {
      direction: typeof FORWARDS | typeof BACKWARDS;
      fromRevision: typeof ES_START | typeof END;
      maxCount?: bigint | number;
    },
  ): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, options))
        events.push(toRecordedEvent(resolved));
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw translateError(error, { streamId });
    }
    return events;
  }
}

/**
 * Catch-up then live over `subscribeToAll`. Records are pulled from the client's readable buffer
 * (its high-water mark is the batch size, so gRPC flow control holds the server back while a
 * handler runs); each batch is handed over only after the previous handler call settled.
 */
function runSubscription(
  client: EventStoreDBClient,
  headPosition: () => Promise<GlobalPosition>,
  options: { from: GlobalPosition; batchSize: number; types?: readonly string[] },
  handler: BatchHandler,
): Subscription {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${options.batchSize}`);
  }
  let stopping = false;
  let failure: unknown;
  let ended = false;
  let caughtUp = false;
  let headAtStart: GlobalPosition | undefined;
  let checkpoint: GlobalPosition | undefined;
  let wake: (() => void) | undefined;
  const signal = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const stream: AllStreamSubscription = client.subscribeToAll(
    {
      fromPosition: toReadPosition(options.from),
      filter: subscriptionFilter(options.types, (_sub, position) => {
        checkpoint = maxPosition(fromEsPosition(position), checkpoint);
        signal();
      }),
    },
    { highWaterMark: options.batchSize },
  );
  stream.on('readable', signal);
  stream.on('end', () => {
    ended = true;
    signal();
  });
  stream.on('error', (error: Error) => {
    failure ??= error;
    signal();
  });
  stream.on('caughtUp', () => {
    caughtUp = true;
    signal();
  });
  stream.on('fellBehind', () => {
    caughtUp = false;
  });
  // Servers before 23.10 send no caught-up message: reaching the head seen at start counts too.
  headPosition().then(
    (head) => {
      headAtStart = head;
      signal();
    },
    () => undefined,
  );

  const done = (async () => {
    let last = options.from;
    try {
      while (!stopping) {
        if (failure !== undefined) throw translateError(failure);
        const raw: AllStreamResolvedEvent[] = [];
        let item: AllStreamResolvedEvent | null;
        while (
          raw.length < options.batchSize &&
          (item = stream.read() as AllStreamResolvedEvent | null) !== null
        )
          raw.push(item);
        const drained = stream.readableLength === 0;
        const batch = assembleSubscriptionBatch(raw, {
          last,
          checkpoint: drained ? checkpoint : undefined,
          types: options.types,
          isEnd: false,
        });
        if (batch) {
          const reachedHead =
            headAtStart !== undefined && comparePositions(batch.next, headAtStart) >= 0;
          last = batch.next;
          await handler({ ...batch, isEnd: drained && (caughtUp || reachedHead) });
          continue;
        }
        if (ended)
          throw new EventStoreUnavailableError('The EventStoreDB subscription ended unexpectedly');
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      await stream.unsubscribe().catch(() => undefined);
      stream.destroy();
    }
  })();
  done.catch(() => undefined); // the caller observes `done`; never an unhandled rejection

  return {
    done,
    async stop(): Promise<void> {
      stopping = true;
      signal();
      await done.catch(() => undefined);
    },
  };
}

export function createEventStoreDbEventStore(connectionString: string): EventStoreDbEventStore {
  return new EventStoreDbEventStore({ connectionString });
}
