import {
  ANY,
  NO_STREAM,
  START as ES_START,
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError as EsWrongExpectedVersionError,
} from '@eventstore/db-client';
import type { AllStreamResolvedEvent, AppendResult as EsAppendResult } from '@eventstore/db-client';
import * as fc from 'fast-check';
import {
  EventStoreUnavailableError,
  START,
  WrongExpectedVersionError,
  type NewEvent,
} from '../port';
import {
  assembleReadAllBatch,
  assembleSubscriptionBatch,
  decodeMetadata,
  encodeMetadata,
  fromEsPosition,
  isResendElsewhere,
  isStreamNotFound,
  isWanted,
  lastAppendedRevision,
  MalformedEventError,
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

const CORRELATION = '0b6f9c52-5d0e-4b8e-9d7e-1f1c2b3a4d5e';
const USER = 'u-7f3a';
const ORG = 'org-42';

function newEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    id: '5f1c7b0e-2a3d-4c5b-8e9f-0a1b2c3d4e5f',
    type: 'CaseOpened',
    schemaVersion: 1,
    data: { referralSource: 'NGO', ageUncertain: true },
    metadata: { correlationId: CORRELATION, userId: USER, organisationId: ORG },
    occurredAt: new Date('2026-03-01T09:30:00.000Z'),
    ...overrides,
  };
}

/** A record as the client hands it over (the shape `convertGrpcRecord` builds). */
function resolved(
  commit: bigint,
  options: {
    type?: string;
    stream?: string;
    revision?: bigint;
    metadata?: unknown;
    isJson?: boolean;
    created?: Date;
  } = {},
): AllStreamResolvedEvent {
  const type = options.type ?? 'CaseOpened';
  return {
    event: {
      streamId: options.stream ?? 'case-1',
      id: `00000000-0000-4000-8000-${commit.toString().padStart(12, '0')}`,
      isJson: (options.isJson ?? true) as true,
      revision: options.revision ?? 0n,
      type,
      created: options.created ?? new Date('2026-03-01T10:00:00.000Z'),
      data: { n: Number(commit) },
      metadata: (options.metadata ?? encodeMetadata(newEvent())) as never,
      position: { commit, prepare: commit },
    },
    commitPosition: commit,
  } as AllStreamResolvedEvent;
}

const pos = (n: bigint) => ({ commit: n, prepare: n });

describe('expected version mapping', () => {
  it('given no_stream, any or a revision, when mapped, then gives NO_STREAM, ANY or the same revision', () => {
    expect(toExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toExpectedRevision('any')).toBe(ANY);
    expect(toExpectedRevision(0n)).toBe(0n);
    expect(toExpectedRevision(41n)).toBe(41n);
  });

  it('given a negative revision, when mapped, then it is refused', () => {
    expect(() => toExpectedRevision(-1n)).toThrow(RangeError);
  });
});

describe('position mapping', () => {
  it('given our START, when turned into a read position, then it is the client START', () => {
    expect(toReadPosition(START)).toBe(ES_START);
  });

  it('given any other position, when mapped there and back, then it is unchanged', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 63n }),
        fc.bigInt({ min: 0n, max: 2n ** 63n }),
        (commit, prepare) => {
          const read = toReadPosition({ commit, prepare });
          expect(read).toEqual({ commit, prepare });
          expect(fromEsPosition(read as { commit: bigint; prepare: bigint })).toEqual({
            commit,
            prepare,
          });
        },
      ),
    );
  });

  it('given an append result, when mapped, then nextRevision and the $all position are carried over', () => {
    const result: EsAppendResult = {
      success: true,
      nextExpectedRevision: 4n,
      position: { commit: 1200n, prepare: 1100n },
    };
    expect(toAppendResult(result)).toEqual({
      nextRevision: 4n,
      position: { commit: 1200n, prepare: 1100n },
    });
  });

  it('given an append result without a position, when mapped, then it is undefined (the adapter looks it up)', () => {
    expect(toAppendResult({ success: true, nextExpectedRevision: 4n })).toBeUndefined();
  });
});

describe('append bookkeeping', () => {
  it('given no_stream or an exact revision, when locating the last appended event, then it follows from the request', () => {
    expect(lastAppendedRevision('no_stream', 3, 99n)).toBe(2n);
    expect(lastAppendedRevision(4n, 2, 99n)).toBe(6n);
  });

  it('given any, when locating the last appended event, then it is the revision the server reports', () => {
    expect(lastAppendedRevision('any', 2, 7n)).toBe(7n);
  });

  it('given the new ids already in the stream right after the expected revision, when checked, then it is a plain re-send', () => {
    const existing = [
      { id: 'B', revision: 3n },
      { id: 'a', revision: 2n },
      { id: 'x', revision: 1n },
    ];
    expect(isResendElsewhere(existing, ['A', 'b'], 1n)).toBe(false);
  });

  it('given a new id already in the stream at another revision, when checked, then it is refused', () => {
    const existing = [
      { id: 'b', revision: 1n },
      { id: 'a', revision: 0n },
    ];
    expect(isResendElsewhere(existing, ['a', 'b'], 1n)).toBe(true);
    expect(isResendElsewhere(existing, ['new', 'b'], 5n)).toBe(true);
  });

  it('given ids not in the stream, when checked, then nothing is refused', () => {
    expect(isResendElsewhere([{ id: 'a', revision: 0n }], ['c', 'd'], 0n)).toBe(false);
    expect(isResendElsewhere([], ['c'], 0n)).toBe(false);
  });
});

describe('metadata encoding and decoding', () => {
  it('given an event, when encoded, then only opaque ids, schemaVersion and occurredAt are stored', () => {
    const stored = encodeMetadata(
      newEvent({
        metadata: {
          correlationId: CORRELATION,
          causationId: 'c-1',
          userId: USER,
          organisationId: ORG,
        },
      }),
    );
    expect(stored).toEqual({
      $correlationId: CORRELATION,
      $causationId: 'c-1',
      userId: USER,
      organisationId: ORG,
      schemaVersion: 1,
      occurredAt: '2026-03-01T09:30:00.000Z',
    });
  });

  it('given encoded metadata, when decoded, then the original values come back (property)', () => {
    const id = fc.string({ minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(
        id,
        fc.option(id, { nil: undefined }),
        id,
        id,
        fc.integer({ min: 1, max: 1000 }),
        fc.date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2200-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        (correlationId, causationId, userId, organisationId, schemaVersion, occurredAt) => {
          const metadata = {
            correlationId,
            ...(causationId !== undefined ? { causationId } : {}),
            userId,
            organisationId,
          };
          const stored = encodeMetadata({ id: 'e-1', schemaVersion, occurredAt, metadata });
          const decoded = decodeMetadata('e-1', JSON.parse(JSON.stringify(stored)));
          expect(decoded).toEqual({ schemaVersion, occurredAt, metadata });
        },
      ),
    );
  });

  it('given metadata with an unknown field, when decoded, then it is refused naming the field, not its value', () => {
    const stored = { ...encodeMetadata(newEvent()), name: 'A Person' };
    expect(() => decodeMetadata('e-1', stored)).toThrow(MalformedEventError);
    try {
      decodeMetadata('e-1', stored);
    } catch (error) {
      expect((error as Error).message).not.toContain('A Person');
    }
  });

  it('given metadata without schemaVersion, binary metadata, or none, when decoded, then it is refused', () => {
    const { schemaVersion: _dropped, ...withoutVersion } = encodeMetadata(newEvent());
    expect(() => decodeMetadata('e-1', withoutVersion)).toThrow(/schemaVersion/);
    expect(() => decodeMetadata('e-1', new Uint8Array([1, 2]))).toThrow(MalformedEventError);
    expect(() => decodeMetadata('e-1', undefined)).toThrow(MalformedEventError);
  });

  it('given an invalid occurredAt or schemaVersion, when encoded, then it is refused', () => {
    expect(() => encodeMetadata(newEvent({ occurredAt: new Date('nope') }))).toThrow(
      MalformedEventError,
    );
    expect(() => encodeMetadata(newEvent({ schemaVersion: 0 }))).toThrow(/schemaVersion/);
    expect(() =>
      encodeMetadata(
        newEvent({ metadata: { correlationId: '', userId: USER, organisationId: ORG } }),
      ),
    ).toThrow(/\$correlationId/);
  });
});

describe('events in and out', () => {
  it('given a new event, when turned into event data, then it is a JSON event with our id, type, data and metadata', () => {
    const data = toEventData(newEvent());
    expect(data).toEqual({
      id: '5f1c7b0e-2a3d-4c5b-8e9f-0a1b2c3d4e5f',
      contentType: 'application/json',
      type: 'CaseOpened',
      data: { referralSource: 'NGO', ageUncertain: true },
      metadata: encodeMetadata(newEvent()),
    });
  });

  it('given a system or empty event type, when turned into event data, then it is refused', () => {
    expect(() => toEventData(newEvent({ type: '$metadata' }))).toThrow(MalformedEventError);
    expect(() => toEventData(newEvent({ type: '' }))).toThrow(MalformedEventError);
  });

  it('given a resolved event, when mapped, then it is a RecordedEvent with revision, position and recordedAt', () => {
    const created = new Date('2026-03-02T08:00:00.123Z');
    const recorded = toRecordedEvent(resolved(500n, { stream: 'case-9', revision: 3n, created }));
    expect(recorded).toEqual({
      id: '00000000-0000-4000-8000-000000000500',
      type: 'CaseOpened',
      schemaVersion: 1,
      data: { n: 500 },
      metadata: { correlationId: CORRELATION, userId: USER, organisationId: ORG },
      occurredAt: new Date('2026-03-01T09:30:00.000Z'),
      streamId: 'case-9',
      revision: 3n,
      position: { commit: 500n, prepare: 500n },
      recordedAt: created,
    });
  });

  it('given a binary event, or a record without a position (server before 22.6), when mapped, then it is refused', () => {
    expect(() => toRecordedEvent(resolved(1n, { isJson: false }))).toThrow(/not a JSON event/);
    const noPosition = resolved(1n);
    delete (noPosition.event as { position?: unknown }).position;
    expect(() => toRecordedEvent(noPosition)).toThrow(/22\.6/);
    expect(() => toRecordedEvent({})).toThrow(MalformedEventError);
  });

  it('given recordedUntil, when filtering, then events recorded at or before it pass and later ones do not', () => {
    const at = new Date('2026-03-01T10:00:00.000Z');
    expect(recordedBy({ recordedAt: at }, undefined)).toBe(true);
    expect(recordedBy({ recordedAt: at }, new Date(at.getTime()))).toBe(true);
    expect(recordedBy({ recordedAt: at }, new Date(at.getTime() - 1))).toBe(false);
  });

  it('given event types, when deciding what a reader wants, then system events never pass and types restrict', () => {
    expect(isWanted('CaseOpened')).toBe(true);
    expect(isWanted('$metadata')).toBe(false);
    expect(isWanted('$>')).toBe(false);
    expect(isWanted('CaseOpened', ['CaseClosed'])).toBe(false);
    expect(isWanted('CaseClosed', ['CaseClosed'])).toBe(true);
    expect(isWanted('$metadata', ['$metadata'])).toBe(false);
  });
});

describe('reading $all in batches', () => {
  it('given START, when sizing a request, then it asks for batchSize; otherwise one more (the read includes `from`)', () => {
    expect(readAllRequestCount(START, 10)).toBe(10);
    expect(readAllRequestCount(pos(7n), 10)).toBe(11);
    expect(() => readAllRequestCount(START, 0)).toThrow(RangeError);
  });

  it('given records including the one at `from`, when assembled, then that one is dropped and the batch is capped', () => {
    const raw = [resolved(10n), resolved(20n), resolved(30n), resolved(40n)];
    const batch = assembleReadAllBatch(raw, { from: pos(10n), batchSize: 2, requested: 3 });
    expect(batch.events.map((e) => e.position.commit)).toEqual([20n, 30n]);
    expect(batch.next).toEqual(pos(30n));
    expect(batch.isEnd).toBe(false);
  });

  it('given fewer records than asked for, when assembled, then the batch is the end', () => {
    const batch = assembleReadAllBatch([resolved(10n), resolved(20n)], {
      from: pos(10n),
      batchSize: 5,
      requested: 6,
    });
    expect(batch.events.map((e) => e.position.commit)).toEqual([20n]);
    expect(batch).toMatchObject({ next: pos(20n), isEnd: true });
  });

  it('given only filtered-out records, when assembled, then no event is returned but next moves past them', () => {
    const raw = [
      resolved(10n, { type: '$metadata', metadata: { $maxAge: 1 } }),
      resolved(20n, { type: 'CaseClosed' }),
    ];
    const batch = assembleReadAllBatch(raw, {
      from: START,
      batchSize: 2,
      requested: 2,
      types: ['CaseOpened'],
    });
    expect(batch).toEqual({ events: [], next: pos(20n), isEnd: false });
  });

  it('given nothing after `from`, when assembled, then next stays at `from` and it is the end', () => {
    expect(assembleReadAllBatch([], { from: START, batchSize: 5, requested: 5 })).toEqual({
      events: [],
      next: START,
      isEnd: true,
    });
  });
});

describe('subscription batches', () => {
  it('given records, when assembled, then wanted events are delivered in order and next is the last record', () => {
    const raw = [resolved(10n), resolved(20n, { type: 'Other' }), resolved(30n)];
    const batch = assembleSubscriptionBatch(raw, {
      last: START,
      types: ['CaseOpened'],
      isEnd: false,
    });
    expect(batch?.events.map((e) => e.position.commit)).toEqual([10n, 30n]);
    expect(batch?.next).toEqual(pos(30n));
  });

  it('given records at or before the last delivered position, when assembled, then they are not delivered again', () => {
    const batch = assembleSubscriptionBatch([resolved(10n), resolved(20n)], {
      last: pos(10n),
      isEnd: true,
    });
    expect(batch?.events.map((e) => e.position.commit)).toEqual([20n]);
    expect(batch?.isEnd).toBe(true);
  });

  it('given no record but a checkpoint past the last position, when assembled, then an empty batch advances next', () => {
    expect(
      assembleSubscriptionBatch([], { last: pos(10n), checkpoint: pos(90n), isEnd: false }),
    ).toEqual({
      events: [],
      next: pos(90n),
      isEnd: false,
    });
  });

  it('given nothing new, when assembled, then there is nothing to deliver', () => {
    expect(assembleSubscriptionBatch([], { last: pos(10n), isEnd: false })).toBeUndefined();
    expect(
      assembleSubscriptionBatch([], { last: pos(10n), checkpoint: pos(5n), isEnd: false }),
    ).toBeUndefined();
  });

  it('given types, when building the server filter, then it matches exactly those types by event type', () => {
    const filter = subscriptionFilter(['Case.Opened', 'Case(Closed)']);
    expect(filter.filterOn).toBe('eventType');
    const regex = (filter as { regex: string }).regex;
    expect(regex).toBe('^(?:Case\\.Opened|Case\\(Closed\\))$');
    const js = new RegExp(regex);
    expect(js.test('Case.Opened')).toBe(true);
    expect(js.test('CaseXOpened')).toBe(false);
    expect(js.test('Case.OpenedV2')).toBe(false);
  });

  it('given no types, when building the server filter, then it excludes system events; given [], it matches nothing', () => {
    const all = new RegExp((subscriptionFilter(undefined) as { regex: string }).regex);
    expect(all.test('CaseOpened')).toBe(true);
    expect(all.test('$metadata')).toBe(false);
    const none = new RegExp((subscriptionFilter([]) as { regex: string }).regex);
    expect(none.test('CaseOpened')).toBe(false);
  });

  it('given a checkpoint callback, when building the server filter, then the client gets it', () => {
    const onCheckpoint = jest.fn();
    expect(subscriptionFilter(['A'], onCheckpoint).checkpointReached).toBe(onCheckpoint);
  });
});

describe('error translation', () => {
  it("given the client's wrong expected version error, when translated, then it is ours with the actual revision", () => {
    const esError = new EsWrongExpectedVersionError(undefined, {
      streamName: 'case-1',
      expected: 2n,
      current: 5n,
    });
    const translated = translateError(esError, { streamId: 'case-1', expected: 2n });
    expect(translated).toBeInstanceOf(WrongExpectedVersionError);
    expect(translated).toMatchObject({ streamId: 'case-1', expected: 2n, actual: 5n });
  });

  it("given the client's wrong expected version error on a missing stream, when translated, then actual is no_stream", () => {
    const esError = new EsWrongExpectedVersionError(undefined, {
      streamName: 'case-2',
      expected: 0n,
      current: NO_STREAM,
    });
    expect(translateError(esError)).toMatchObject({
      streamId: 'case-2',
      expected: 0n,
      actual: 'no_stream',
    });
    const expectedNone = new EsWrongExpectedVersionError(undefined, {
      streamName: 'case-2',
      expected: NO_STREAM,
      current: 3n,
    });
    expect(translateError(expectedNone)).toMatchObject({ expected: 'no_stream', actual: 3n });
  });

  it.each([
    ['UnavailableError', new UnavailableError()],
    ['DeadlineExceededError', new DeadlineExceededError()],
    ['TimeoutError', new TimeoutError()],
    ['CancelledError (server side)', new CancelledError()],
  ])(
    'given the client %s, when translated, then it is EventStoreUnavailableError keeping the cause',
    (_name, error) => {
      const translated = translateError(error);
      expect(translated).toBeInstanceOf(EventStoreUnavailableError);
      expect((translated as EventStoreUnavailableError).cause).toBe(error);
    },
  );

  it('given a not-leader error, when translated, then it is EventStoreUnavailableError', () => {
    const serviceError = Object.assign(new Error('not leader'), {
      code: 5,
      details: 'not leader',
      metadata: {
        getMap: () => ({ 'leader-endpoint-host': '10.0.0.2', 'leader-endpoint-port': '2113' }),
      },
    });
    expect(translateError(new NotLeaderError(serviceError as never))).toBeInstanceOf(
      EventStoreUnavailableError,
    );
  });

  it('given a raw gRPC UNAVAILABLE or DEADLINE_EXCEEDED error (as append rejects with), when translated, then it is unavailable', () => {
    const unavailable = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
      code: 14,
      details: 'No connection',
    });
    const deadline = Object.assign(new Error('4 DEADLINE_EXCEEDED'), {
      code: 4,
      details: 'Deadline exceeded',
    });
    expect(translateError(unavailable)).toBeInstanceOf(EventStoreUnavailableError);
    expect(translateError(deadline)).toBeInstanceOf(EventStoreUnavailableError);
  });

  it('given StreamNotFoundError, when checked, then it is recognised (reads map it to an empty array)', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 'case-1'))).toBe(true);
    expect(isStreamNotFound(new UnavailableError())).toBe(false);
  });

  it('given other errors, when translated, then they pass through unchanged', () => {
    const denied = new AccessDeniedError();
    const plain = new RangeError('bad');
    expect(translateError(denied)).toBe(denied);
    expect(translateError(plain)).toBe(plain);
    const ours = new WrongExpectedVersionError('s', 'no_stream', 0n);
    expect(translateError(ours)).toBe(ours);
  });
});
