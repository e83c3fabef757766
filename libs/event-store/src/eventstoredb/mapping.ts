/**
 * Pure mapping between the event store port and `@eventstore/db-client` 6.x.
 * No I/O here: only values in, values out, so that every rule is unit-tested without a server.
 */
import {
  ANY,
  NO_STREAM,
  START as ES_START,
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError as EsWrongExpectedVersionError,
  convertToCommandError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
} from '@eventstore/db-client';
import type {
  AllStreamResolvedEvent,
  AppendResult as EsAppendResult,
  ExpectedRevision,
  Filter,
  JSONEventData,
  JSONType,
  Position,
  ReadPosition,
  ResolvedEvent,
} from '@eventstore/db-client';
import { z } from 'zod';
import {
  comparePositions,
  EventStoreUnavailableError,
  WrongExpectedVersionError,
  type AppendResult,
  type EventMetadata,
  type ExpectedVersion,
  type GlobalPosition,
  type NewEvent,
  type ReadAllBatch,
  type RecordedEvent,
} from '../port';

// ---------------------------------------------------------------------------------------------
// Expected versions and positions
// ---------------------------------------------------------------------------------------------

/** 'no_stream' → NO_STREAM, 'any' → ANY, a bigint → that exact revision (0-based, as in EventStoreDB). */
export function toExpectedRevision(expected: ExpectedVersion): ExpectedRevision {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  if (typeof expected !== 'bigint' || expected < 0n) {
    throw new RangeError(
      `Expected version must be 'no_stream', 'any' or a revision >= 0, got ${String(expected)}`,
    );
  }
  return expected;
}

export function fromEsPosition(position: Position): GlobalPosition {
  return { commit: BigInt(position.commit), prepare: BigInt(position.prepare) };
}

/** Our START (-1, -1) is the client's START; any other position is passed through. */
export function toReadPosition(position: GlobalPosition): ReadPosition {
  if (position.commit < 0n || position.prepare < 0n) return ES_START;
  return { commit: position.commit, prepare: position.prepare };
}

export function maxPosition(a: GlobalPosition, b: GlobalPosition | undefined): GlobalPosition {
  if (b === undefined) return a;
  return comparePositions(a, b) >= 0 ? a : b;
}

/** AppendResult from the client's result; undefined when the server did not report a position. */
export function toAppendResult(result: EsAppendResult): AppendResult | undefined {
  if (!result.position) return undefined;
  return { nextRevision: result.nextExpectedRevision, position: fromEsPosition(result.position) };
}

/**
 * Revision of the last event of a successful append. For 'no_stream' and an exact revision it
 * follows from the request (so an idempotent re-send gives the original answer whatever the
 * server reports); for 'any' it is what the server reports.
 */
export function lastAppendedRevision(
  expected: ExpectedVersion,
  count: number,
  reported: bigint,
): bigint {
  if (expected === 'no_stream') return BigInt(count - 1);
  if (expected === 'any') return reported;
  return expected + BigInt(count);
}

/**
 * EventStoreDB only recognises a re-send at the same place (same ids right after the same
 * expected revision). Given the stream's latest events, true when one of the new ids is already
 * in the stream somewhere else: appending would record the same event twice.
 */
export function isResendElsewhere(
  existing: readonly { id: string; revision: bigint }[],
  newIds: readonly string[],
  expected: bigint,
): boolean {
  const at = new Map(existing.map((e) => [e.id.toLowerCase(), e.revision]));
  return newIds.some((id, i) => {
    const revision = at.get(id.toLowerCase());
    return revision !== undefined && revision !== expected + 1n + BigInt(i);
  });
}

// ---------------------------------------------------------------------------------------------
// Event metadata: our schemaVersion / occurredAt / who, in the EventStoreDB event metadata.
// $correlationId and $causationId follow EventStoreDB's own convention (used by $by_correlation_id).
// Opaque ids only: the schema rejects anything else we do not know, so nothing personal slips in.
// ---------------------------------------------------------------------------------------------

const opaqueId = z.string().min(1).max(200);

export const storedMetadataSchema = z
  .object({
    $correlationId: opaqueId,
    $causationId: opaqueId.optional(),
    userId: opaqueId,
    organisationId: opaqueId,
    schemaVersion: z.number().int().positive(),
    occurredAt: z.iso.datetime({ offset: true }),
  })
  .strict();

export type StoredMetadata = z.infer<typeof storedMetadataSchema>;

export interface DecodedMetadata {
  readonly schemaVersion: number;
  readonly occurredAt: Date;
  readonly metadata: EventMetadata;
}

export class MalformedEventError extends Error {
  constructor(
    readonly eventId: string,
    reason: string,
  ) {
    super(`Event ${eventId} cannot be read as a Remedy event: ${reason}`);
    this.name = 'MalformedEventError';
  }
}

export function encodeMetadata(
  event: Pick<NewEvent, 'id' | 'schemaVersion' | 'occurredAt' | 'metadata'>,
): StoredMetadata {
  if (!(event.occurredAt instanceof Date) || Number.isNaN(event.occurredAt.getTime())) {
    throw new MalformedEventError(event.id, 'occurredAt is not a valid date');
  }
  const stored: StoredMetadata = {
    $correlationId: event.metadata.correlationId,
    ...(event.metadata.causationId !== undefined
      ? { $causationId: event.metadata.causationId }
      : {}),
    userId: event.metadata.userId,
    organisationId: event.metadata.organisationId,
    schemaVersion: event.schemaVersion,
    occurredAt: event.occurredAt.toISOString(),
  };
  const parsed = storedMetadataSchema.safeParse(stored);
  if (!parsed.success) throw new MalformedEventError(event.id, describeIssues(parsed.error));
  return parsed.data;
}

export function decodeMetadata(eventId: string, raw: unknown): DecodedMetadata {
  if (raw instanceof Uint8Array) throw new MalformedEventError(eventId, 'metadata is not JSON');
  const parsed = storedMetadataSchema.safeParse(raw);
  if (!parsed.success) throw new MalformedEventError(eventId, describeIssues(parsed.error));
  const m = parsed.data;
  return {
    schemaVersion: m.schemaVersion,
    occurredAt: new Date(m.occurredAt),
    metadata: {
      correlationId: m.$correlationId,
      ...(m.$causationId !== undefined ? { causationId: m.$causationId } : {}),
      userId: m.userId,
      organisationId: m.organisationId,
    },
  };
}

/** Names the offending fields only: never echoes a value. */
function describeIssues(error: z.ZodError): string {
  const fields = [...new Set(error.issues.map((i) => (i.path.length ? i.path.join('.') : i.code)))];
  return `invalid metadata (${fields.join(', ')})`;
}

// ---------------------------------------------------------------------------------------------
// Events in and out
// ---------------------------------------------------------------------------------------------

export function toEventData(event: NewEvent): JSONEventData {
  if (typeof event.type !== 'string' || event.type.length === 0 || isSystemEventType(event.type)) {
    throw new MalformedEventError(
      event.id,
      'event type must be a non-empty string not starting with $',
    );
  }
  return jsonEvent({
    id: event.id,
    type: event.type,
    data: event.data as JSONType,
    metadata: encodeMetadata(event),
  });
}

/** EventStoreDB's own events ($metadata, $>, $statistics-collected, ...) all have types starting with '$'. */
export function isSystemEventType(type: string): boolean {
  return type.startsWith('$');
}

/** Whether a recorded event of this type goes to a reader asking for `types` (all of ours when omitted). */
export function isWanted(type: string, types?: readonly string[]): boolean {
  if (isSystemEventType(type)) return false;
  return types === undefined || types.includes(type);
}

type AnyResolved = ResolvedEvent | AllStreamResolvedEvent;

/** Position of the record itself (links are never resolved by this adapter, so `event` is the record). */
export function resolvedPosition(resolved: AnyResolved): GlobalPosition | undefined {
  const position = resolved.event?.position;
  return position ? fromEsPosition(position) : undefined;
}

/** Position of a $all record, which always has one (MalformedEventError otherwise). */
function allRecordPosition(resolved: AllStreamResolvedEvent): GlobalPosition {
  const position = resolvedPosition(resolved);
  if (!position)
    throw new MalformedEventError(
      resolved.event?.id ?? '(unknown)',
      'a $all record without a position',
    );
  return position;
}

export function toRecordedEvent(resolved: AnyResolved): RecordedEvent {
  const e = resolved.event;
  if (!e)
    throw new MalformedEventError('(unknown)', 'the server returned a record without an event');
  if (!e.isJson) throw new MalformedEventError(e.id, 'not a JSON event');
  if (!e.position) {
    throw new MalformedEventError(
      e.id,
      'the server did not return its position (EventStoreDB 22.6 or later is required)',
    );
  }
  const decoded = decodeMetadata(e.id, e.metadata);
  return {
    id: e.id,
    type: e.type,
    schemaVersion: decoded.schemaVersion,
    data: e.data,
    metadata: decoded.metadata,
    occurredAt: decoded.occurredAt,
    streamId: e.streamId,
    revision: e.revision,
    position: fromEsPosition(e.position),
    recordedAt: e.created,
  };
}

/** "The case as the system knew it then": recorded at or before `until` (EventStoreDB's `created`, ms precision). */
export function recordedBy(
  event: Pick<RecordedEvent, 'recordedAt'>,
  until: Date | undefined,
): boolean {
  return until === undefined || event.recordedAt.getTime() <= until.getTime();
}

// ---------------------------------------------------------------------------------------------
// Reading $all
// ---------------------------------------------------------------------------------------------

/**
 * How many records to ask the server for: reading `$all` forwards from a position includes the
 * record at that position, which our exclusive lower bound drops, so one more is asked for.
 */
export function readAllRequestCount(from: GlobalPosition, batchSize: number): number {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  return toReadPosition(from) === ES_START ? batchSize : batchSize + 1;
}

/**
 * One port batch from the raw records a forward `$all` read returned.
 * - records at or before `from` are dropped (exclusive lower bound);
 * - at most `batchSize` records are consumed; `next` is the position of the last consumed record,
 *   including system events and events of other types, so checkpoints move past them;
 * - `isEnd` when the server returned fewer records than asked for and none is left over.
 */
export function assembleReadAllBatch(
  raw: readonly AllStreamResolvedEvent[],
  options: {
    from: GlobalPosition;
    batchSize: number;
    requested: number;
    types?: readonly string[];
  },
): ReadAllBatch {
  const after: { resolved: AllStreamResolvedEvent; position: GlobalPosition }[] = [];
  for (const resolved of raw) {
    const position = allRecordPosition(resolved);
    if (comparePositions(position, options.from) > 0) after.push({ resolved, position });
  }
  const consumed = after.slice(0, options.batchSize);
  const leftOver = after.length > consumed.length;
  const next = consumed.length ? consumed[consumed.length - 1].position : options.from;
  const events = consumed
    .filter(
      ({ resolved }) =>
        resolved.event !== undefined && isWanted(resolved.event.type, options.types),
    )
    .map(({ resolved }) => toRecordedEvent(resolved));
  return { events, next, isEnd: raw.length < options.requested && !leftOver };
}

/**
 * One subscription batch: the records taken from the client's buffer, plus the last filter
 * checkpoint when the buffer is drained (every record before that checkpoint has then been taken).
 * Undefined when there is nothing to deliver (no record, and no checkpoint past `last`).
 */
export function assembleSubscriptionBatch(
  raw: readonly AllStreamResolvedEvent[],
  options: {
    last: GlobalPosition;
    checkpoint?: GlobalPosition;
    types?: readonly string[];
    isEnd: boolean;
  },
): ReadAllBatch | undefined {
  let next = options.last;
  const events: RecordedEvent[] = [];
  for (const resolved of raw) {
    const position = allRecordPosition(resolved);
    if (comparePositions(position, next) <= 0) continue; // never deliver a record twice
    next = position;
    if (resolved.event && isWanted(resolved.event.type, options.types))
      events.push(toRecordedEvent(resolved));
  }
  next = maxPosition(next, options.checkpoint);
  if (events.length === 0 && comparePositions(next, options.last) === 0) return undefined;
  return { events, next, isEnd: options.isEnd };
}

const REGEX_SPECIALS = /[.*+?^${}()|[\]\\]/g;

/** Server-side filter for subscriptions: exactly `types`, or every non-system event. */
export function subscriptionFilter(
  types: readonly string[] | undefined,
  checkpointReached?: Filter['checkpointReached'],
): Filter {
  if (types === undefined) return excludeSystemEvents({ checkpointReached });
  const wanted = types.filter((t) => !isSystemEventType(t));
  // An empty list wants nothing: a regex that matches no event type keeps checkpoints flowing.
  const regex = wanted.length
    ? `^(?:${wanted.map((t) => t.replace(REGEX_SPECIALS, '\\$&')).join('|')})$`
    : '^(?!)$';
  return eventTypeFilter({ regex, checkpointReached });
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** The client's error, or a raw gRPC error converted to the client's error classes. */
function normalise(error: unknown): unknown {
  return error instanceof Error ? convertToCommandError(error) : error;
}

export function isStreamNotFound(error: unknown): boolean {
  return normalise(error) instanceof StreamNotFoundError;
}

export function isUnavailable(error: unknown): boolean {
  const e = normalise(error);
  return (
    e instanceof UnavailableError ||
    e instanceof DeadlineExceededError ||
    e instanceof TimeoutError ||
    e instanceof NotLeaderError ||
    e instanceof CancelledError
  );
}

/**
 * The port's errors from the client's: wrong expected version → WrongExpectedVersionError (with
 * the actual revision or 'no_stream'); unavailable, deadline exceeded, timeout, not leader,
 * server-side cancellation → EventStoreUnavailableError; anything else unchanged.
 */
export function translateError(
  error: unknown,
  context: { streamId?: string; expected?: ExpectedVersion } = {},
): unknown {
  if (error instanceof WrongExpectedVersionError || error instanceof EventStoreUnavailableError)
    return error;
  const e = normalise(error);
  if (e instanceof EsWrongExpectedVersionError) {
    const actual = e.actualVersion === 'no_stream' ? 'no_stream' : BigInt(e.actualVersion);
    return new WrongExpectedVersionError(
      context.streamId ?? e.streamName,
      context.expected ?? fromEsExpected(e.expectedVersion),
      actual,
    );
  }
  if (isUnavailable(e)) {
    const kind = (e as { type?: string }).type ?? 'unavailable';
    return new EventStoreUnavailableError(`EventStoreDB is unavailable (${kind})`, e);
  }
  return e;
}

function fromEsExpected(expected: EsWrongExpectedVersionError['expectedVersion']): ExpectedVersion {
  if (typeof expected === 'bigint') return expected;
  return expected === NO_STREAM ? 'no_stream' : 'any';
}
