/**
 * The adapter-independent contract of the EventStore port (libs/event-store/src/port.ts).
 * Each adapter's spec calls `describeEventStoreContract` with a setup giving a shared store and a
 * way to open more independent instances (own connections) on the same storage.
 *
 * Tests use fresh uuid stream ids, so one store shared by all tests (and other data in the
 * storage) is fine; global reads only look at the test's own streams.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  comparePositions,
  EventStore,
  ExpectedVersion,
  GlobalPosition,
  NewEvent,
  ReadAllBatch,
  RecordedEvent,
  START,
  Subscription,
  WrongExpectedVersionError,
} from '../port';

export interface EventStoreContractFixture {
  /** A store shared by the suite's tests. */
  readonly store: EventStore;
  /** Opens another independent instance (its own connections) on the same storage. The suite closes it. */
  readonly makeStore: () => Promise<EventStore>;
  /** Closes `store` and releases the storage (called once, after all tests). */
  readonly teardown: () => Promise<void>;
  /**
   * Optional, for adapters whose writers can commit out of order (PostgreSQL): writes `events`
   * as a new stream in a transaction left open, resolving once written but not committed; the
   * returned function commits it. The property-based test then mixes such late commits with
   * concurrent appends, to prove that a catch-up reader never skips them.
   */
  readonly appendCommittingLate?: (
    streamId: string,
    events: readonly NewEvent[],
  ) => Promise<() => Promise<void>>;
}

/**
 * Returns the fixture, or null when the adapter cannot run here (then pass `skipReason`).
 * Called while Jest collects the tests; the returned promise is awaited in `beforeAll`.
 */
export type EventStoreContractSetup = () => Promise<EventStoreContractFixture> | null;

export interface EventStoreContractOptions {
  /** Time allowed for an appended event to become readable / delivered. Default 10 s. */
  readonly settleTimeoutMs?: number;
  /** Runs of the property-based concurrency test. Default 12. */
  readonly propertyRuns?: number;
}

/**
 * Registers the contract suite. When `setup` is null or returns null, the suite is registered as
 * skipped with `skipReason` in its title, so Jest's output says why.
 */
export function describeEventStoreContract(
  name: string,
  setup: EventStoreContractSetup | null,
  skipReason?: string,
  options: EventStoreContractOptions = {},
): void {
  let pending: Promise<EventStoreContractFixture> | null = null;
  if (setup) {
    pending = setup();
    // Reported by beforeAll; not an unhandled rejection while Jest is still collecting.
    pending?.catch(() => undefined);
  }
  if (!pending) {
    const title = `EventStore contract: ${name} — SKIPPED: ${skipReason ?? 'no setup given'}`;
    // Jest prints no titles of a file whose tests are all skipped: say why on stderr as well.
    process.stderr.write(`\n[contract] ${title}\n`);
    describe.skip(title, () => {
      contractTests(() => {
        throw new Error('skipped');
      }, options);
    });
    return;
  }
  const ready = pending;
  describe(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreContractFixture | undefined;
    beforeAll(async () => {
      fixture = await ready;
    });
    afterAll(async () => {
      await fixture?.teardown();
    });
    contractTests(() => {
      if (!fixture) throw new Error('contract fixture not ready');
      return fixture;
    }, options);
  });
}

// ---------------------------------------------------------------------------------------------

const ORG = '0f9c3c52-7a4e-4f55-9d3e-5b4b0f7d1a01';
const USER = '6b1d2f0e-3c8a-4f0b-8a47-2e7c7d9b5c02';

export function newEvent(
  type = 'TestEvent',
  data: unknown = { n: 1 },
  occurredAt = new Date('2024-03-01T10:00:00.000Z'),
): NewEvent {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: { correlationId: randomUUID(), userId: USER, organisationId: ORG },
    occurredAt,
  };
}

export function newEvents(count: number, type = 'TestEvent'): NewEvent[] {
  return Array.from({ length: count }, (_, i) => newEvent(type, { i }));
}

export function streamId(prefix = 'contract'): string {
  return `${prefix}-${randomUUID()}`;
}

async function expectWrongVersion(
  promise: Promise<unknown>,
  stream: string,
  expected: ExpectedVersion,
  actual: bigint | 'no_stream',
): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WrongExpectedVersionError);
  const w = err as WrongExpectedVersionError;
  expect(w.streamId).toBe(stream);
  expect(w.expected).toBe(expected);
  expect(w.actual).toBe(actual);
}

async function eventually<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Reads every readable event after `from` in batches; returns those of the given streams. */
async function readAllOf(
  store: EventStore,
  from: GlobalPosition,
  streams: ReadonlySet<string>,
  batchSize: number,
  types?: readonly string[],
): Promise<{ events: RecordedEvent[]; batches: ReadAllBatch[] }> {
  const events: RecordedEvent[] = [];
  const batches: ReadAllBatch[] = [];
  let position = from;
  for (let i = 0; i < 100_000; i++) {
    const batch = await store.readAll({ from: position, batchSize, types });
    batches.push(batch);
    expect(batch.events.length).toBeLessThanOrEqual(batchSize);
    for (const e of batch.events) {
      expect(comparePositions(e.position, position)).toBeGreaterThan(0);
      if (streams.has(e.streamId)) events.push(e);
    }
    if (batch.events.length > 0) {
      expect(
        comparePositions(batch.next, batch.events[batch.events.length - 1].position),
      ).toBeGreaterThanOrEqual(0);
    }
    expect(comparePositions(batch.next, position)).toBeGreaterThanOrEqual(0);
    position = batch.next;
    if (batch.isEnd) return { events, batches };
  }
  throw new Error('readAll never reached the end');
}

function ids(events: readonly { id: string }[]): string[] {
  return events.map((e) => e.id);
}

/** Collects the events of some streams delivered to a subscription; checks batch discipline. */
class Collector {
  readonly events: RecordedEvent[] = [];
  batches = 0;
  private running = false;
  overlapped = false;
  constructor(
    private readonly streams: ReadonlySet<string>,
    private readonly delayMs = 0,
  ) {}

  readonly handler = async (batch: ReadAllBatch): Promise<void> => {
    if (this.running) this.overlapped = true;
    this.running = true;
    this.batches++;
    try {
      for (const e of batch.events) if (this.streams.has(e.streamId)) this.events.push(e);
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    } finally {
      this.running = false;
    }
  };

  has(idsWanted: readonly string[]): boolean {
    const seen = new Set(ids(this.events));
    return idsWanted.every((id) => seen.has(id));
  }
}

function contractTests(
  get: () => EventStoreContractFixture,
  options: EventStoreContractOptions,
): void {
  const settle = options.settleTimeoutMs ?? 10_000;
  const store = () => get().store;

  describe('append and readStream', () => {
    it('creates a stream with no_stream: revisions from 0, every field round-trips', async () => {
      const s = streamId();
      const events = [
        newEvent(
          'CaseOpened',
          { caseId: randomUUID(), nested: { list: [1, 2, 3], flag: true, none: null } },
          new Date('2023-12-31T23:59:59.123Z'),
        ),
        newEvent('NoteAdded', { text: 'é ü 漢字 "quoted" \\ backslash \n newline' }),
        newEvent('BirthDateRecorded', { precision: 'day' }, new Date('1965-06-15T08:30:00.250Z')),
      ];
      events[1] = {
        ...events[1],
        schemaVersion: 3,
        metadata: { ...events[1].metadata, causationId: events[0].id },
      };
      const result = await store().append(s, events, 'no_stream');
      expect(result.nextRevision).toBe(2n);

      const read = await store().readStream(s);
      expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      read.forEach((r, i) => {
        expect(r.id).toBe(events[i].id);
        expect(r.streamId).toBe(s);
        expect(r.type).toBe(events[i].type);
        expect(r.schemaVersion).toBe(events[i].schemaVersion);
        expect(r.data).toEqual(events[i].data);
        expect(r.metadata).toEqual(events[i].metadata);
        expect(r.occurredAt.toISOString()).toBe(events[i].occurredAt.toISOString());
        expect(r.recordedAt).toBeInstanceOf(Date);
        expect(Math.abs(r.recordedAt.getTime() - Date.now())).toBeLessThan(60_000);
      });
      expect(comparePositions(read[0].position, read[1].position)).toBeLessThan(0);
      expect(comparePositions(read[1].position, read[2].position)).toBeLessThan(0);
      expect(read[2].position).toEqual(result.position);
    });

    it('returns an empty array for a stream that does not exist', async () => {
      expect(await store().readStream(streamId())).toEqual([]);
    });

    it('appends with an exact expected revision and with any', async () => {
      const s = streamId();
      await store().append(s, newEvents(2), 'no_stream');
      const r1 = await store().append(s, newEvents(1), 1n);
      expect(r1.nextRevision).toBe(2n);
      const r2 = await store().append(s, newEvents(3), 'any');
      expect(r2.nextRevision).toBe(5n);
      expect(comparePositions(r2.position, r1.position)).toBeGreaterThan(0);
      const fresh = streamId();
      expect((await store().append(fresh, newEvents(2), 'any')).nextRevision).toBe(1n);
      expect((await store().readStream(s)).map((e) => e.revision)).toEqual([
        0n,
        1n,
        2n,
        3n,
        4n,
        5n,
      ]);
    });

    it('keeps each stream in append order across many appends', async () => {
      const s = streamId();
      const appended: NewEvent[] = [];
      let expected: ExpectedVersion = 'no_stream';
      for (let i = 0; i < 12; i++) {
        const batch = newEvents((i % 3) + 1);
        const r = await store().append(s, batch, expected);
        appended.push(...batch);
        expected = r.nextRevision;
        expect(r.nextRevision).toBe(BigInt(appended.length - 1));
      }
      const read = await store().readStream(s);
      expect(ids(read)).toEqual(ids(appended));
      expect(read.map((e) => e.revision)).toEqual(appended.map((_, i) => BigInt(i)));
    });
  });

  describe('optimistic concurrency', () => {
    it('no_stream fails on an existing stream with the actual revision', async () => {
      const s = streamId();
      await store().append(s, newEvents(3), 'no_stream');
      await expectWrongVersion(store().append(s, newEvents(1), 'no_stream'), s, 'no_stream', 2n);
      expect(await store().readStream(s)).toHaveLength(3);
    });

    it('an exact revision lower than the actual one fails', async () => {
      const s = streamId();
      await store().append(s, newEvents(3), 'no_stream');
      await expectWrongVersion(store().append(s, newEvents(1), 0n), s, 0n, 2n);
      await expectWrongVersion(store().append(s, newEvents(1), 1n), s, 1n, 2n);
      expect(await store().readStream(s)).toHaveLength(3);
    });

    it('an exact revision higher than the actual one fails (no gaps)', async () => {
      const s = streamId();
      await store().append(s, newEvents(2), 'no_stream');
      await expectWrongVersion(store().append(s, newEvents(1), 2n), s, 2n, 1n);
      await expectWrongVersion(store().append(s, newEvents(2), 7n), s, 7n, 1n);
      expect((await store().readStream(s)).map((e) => e.revision)).toEqual([0n, 1n]);
    });

    it('an exact revision on a stream that does not exist fails with no_stream', async () => {
      const s = streamId();
      await expectWrongVersion(store().append(s, newEvents(1), 0n), s, 0n, 'no_stream');
      expect(await store().readStream(s)).toEqual([]);
    });

    it('of writers racing to create the same stream from separate instances, exactly one wins', async () => {
      const stores = await Promise.all(Array.from({ length: 4 }, () => get().makeStore()));
      try {
        for (let round = 0; round < 5; round++) {
          const s = streamId('race');
          const attempts = stores.flatMap((st) =>
            [newEvents(2), newEvents(1)].map((evs) => ({ st, evs })),
          );
          const results = await Promise.allSettled(
            attempts.map(({ st, evs }) => st.append(s, evs, 'no_stream')),
          );
          const winners = results.flatMap((r, i) =>
            r.status === 'fulfilled' ? [attempts[i].evs] : [],
          );
          expect(winners).toHaveLength(1);
          const actual = BigInt(winners[0].length - 1);
          for (const r of results) {
            if (r.status === 'rejected') {
              expect(r.reason).toBeInstanceOf(WrongExpectedVersionError);
              expect((r.reason as WrongExpectedVersionError).actual).toBe(actual);
            }
          }
          expect(ids(await store().readStream(s))).toEqual(ids(winners[0]));
        }
      } finally {
        await Promise.all(stores.map((st) => st.close()));
      }
    });

    it('of writers racing with the same exact revision, exactly one wins', async () => {
      const stores = await Promise.all(Array.from({ length: 4 }, () => get().makeStore()));
      try {
        const s = streamId('race');
        await store().append(s, newEvents(1), 'no_stream');
        let revision = 0n;
        for (let round = 0; round < 5; round++) {
          const attempts = stores.map((st) => ({ st, evs: newEvents(2) }));
          const results = await Promise.allSettled(
            attempts.map(({ st, evs }) => st.append(s, evs, revision)),
          );
          const winners = results.filter((r) => r.status === 'fulfilled');
          expect(winners).toHaveLength(1);
          revision += 2n;
          for (const r of results) {
            if (r.status === 'rejected') {
              expect(r.reason).toBeInstanceOf(WrongExpectedVersionError);
              expect((r.reason as WrongExpectedVersionError).actual).toBe(revision);
            }
          }
        }
        expect((await store().readStream(s)).map((e) => e.revision)).toEqual(
          Array.from({ length: 11 }, (_, i) => BigInt(i)),
        );
      } finally {
        await Promise.all(stores.map((st) => st.close()));
      }
    });

    it('concurrent appends with any all succeed, without gaps or duplicates', async () => {
      const stores = await Promise.all(Array.from({ length: 3 }, () => get().makeStore()));
      try {
        const s = streamId('any');
        const batches = Array.from({ length: 18 }, (_, i) => newEvents((i % 2) + 1));
        const results = await Promise.all(
          batches.map((b, i) => stores[i % stores.length].append(s, b, 'any')),
        );
        const read = await store().readStream(s);
        const total = batches.reduce((n, b) => n + b.length, 0);
        expect(read.map((e) => e.revision)).toEqual(
          Array.from({ length: total }, (_, i) => BigInt(i)),
        );
        expect(new Set(ids(read)).size).toBe(total);
        // Each batch is contiguous and ends at the revision its append returned.
        batches.forEach((b, i) => {
          const at = read.findIndex((e) => e.id === b[0].id);
          expect(ids(read.slice(at, at + b.length))).toEqual(ids(b));
          expect(results[i].nextRevision).toBe(BigInt(at + b.length - 1));
        });
      } finally {
        await Promise.all(stores.map((st) => st.close()));
      }
    });
  });

  describe('idempotent appends', () => {
    it('re-sending the same events with no_stream returns the original result and appends nothing', async () => {
      const s = streamId();
      const events = newEvents(3);
      const first = await store().append(s, events, 'no_stream');
      const again = await store().append(s, events, 'no_stream');
      expect(again).toEqual(first);
      expect(ids(await store().readStream(s))).toEqual(ids(events));
    });

    it('re-sending the same events with the same exact revision returns the original result, even after later appends', async () => {
      const s = streamId();
      await store().append(s, newEvents(2), 'no_stream');
      const events = newEvents(2);
      const first = await store().append(s, events, 1n);
      const again = await store().append(s, events, 1n);
      expect(again).toEqual(first);
      const later = newEvents(1);
      await store().append(s, later, 3n);
      expect(await store().append(s, events, 1n)).toEqual(first);
      expect((await store().readStream(s)).map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
    });

    it('re-sending the same events at a different revision fails', async () => {
      const s = streamId();
      const events = newEvents(2);
      await store().append(s, events, 'no_stream');
      const err = await store()
        .append(s, events, 1n)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WrongExpectedVersionError);
      expect((await store().readStream(s)).map((e) => e.id)).toEqual(ids(events));
    });
  });

  describe('readStream options', () => {
    it('toRevision is an inclusive upper bound', async () => {
      const s = streamId();
      const events = newEvents(5);
      await store().append(s, events, 'no_stream');
      expect(ids(await store().readStream(s, { toRevision: 2n }))).toEqual(ids(events.slice(0, 3)));
      expect(ids(await store().readStream(s, { toRevision: 0n }))).toEqual(ids(events.slice(0, 1)));
      expect(ids(await store().readStream(s, { toRevision: 99n }))).toEqual(ids(events));
    });

    it('recordedUntil gives the stream as the store knew it then (inclusive)', async () => {
      const s = streamId();
      const early = newEvents(2);
      await store().append(s, early, 'no_stream');
      await new Promise((r) => setTimeout(r, 30));
      const late = newEvents(1);
      await store().append(s, late, 1n);
      const all = await store().readStream(s);
      const firstRecorded = all[1].recordedAt;
      expect(all[2].recordedAt.getTime()).toBeGreaterThan(firstRecorded.getTime());
      expect(ids(await store().readStream(s, { recordedUntil: firstRecorded }))).toEqual(
        ids(early),
      );
      expect(ids(await store().readStream(s, { recordedUntil: all[2].recordedAt }))).toEqual(
        ids([...early, ...late]),
      );
      expect(
        await store().readStream(s, { recordedUntil: new Date(firstRecorded.getTime() - 60_000) }),
      ).toEqual([]);
      expect(
        ids(await store().readStream(s, { recordedUntil: all[2].recordedAt, toRevision: 0n })),
      ).toEqual(ids(early.slice(0, 1)));
    });
  });

  describe('readAll', () => {
    it('reads from a checkpoint in batches, in commit order, and reaches the end', async () => {
      const checkpoint = await store().headPosition();
      const streams = [streamId('all'), streamId('all')];
      const appended: NewEvent[] = [];
      for (let i = 0; i < 6; i++) {
        const batch = newEvents((i % 3) + 1, i % 2 ? 'Odd' : 'Even');
        await store().append(streams[i % 2], batch, 'any');
        appended.push(...batch);
      }
      const set = new Set(streams);
      const { events } = await eventually('events to be readable', settle, async () => {
        const r = await readAllOf(store(), checkpoint, set, 3);
        return r.events.length === appended.length ? r : undefined;
      });
      expect(ids(events)).toEqual(ids(appended));
      for (let i = 1; i < events.length; i++)
        expect(comparePositions(events[i - 1].position, events[i].position)).toBeLessThan(0);

      // Continuing from any event's position gives exactly what follows it.
      const middle = events[4].position;
      const rest = await readAllOf(store(), middle, set, 2);
      expect(ids(rest.events)).toEqual(ids(appended.slice(5)));
      // The end position does not go backwards and nothing of ours is after it.
      const end = await readAllOf(store(), checkpoint, set, 1000);
      const after = await readAllOf(store(), end.batches[end.batches.length - 1].next, set, 10);
      expect(after.events).toEqual([]);
    });

    it('reads from START and filters by event type', async () => {
      const streams = [streamId('types')];
      const checkpoint = await store().headPosition();
      const kept = newEvent('ContractKept');
      await store().append(
        streams[0],
        [newEvent('ContractDropped'), kept, newEvent('ContractDropped')],
        'no_stream',
      );
      const set = new Set(streams);
      const fromStart = await eventually('events to be readable', settle, async () => {
        const r = await readAllOf(store(), START, set, 500);
        return r.events.length === 3 ? r : undefined;
      });
      expect(fromStart.events.map((e) => e.type)).toEqual([
        'ContractDropped',
        'ContractKept',
        'ContractDropped',
      ]);
      const filtered = await readAllOf(store(), checkpoint, set, 1, [
        'ContractKept',
        'SomethingElse',
      ]);
      expect(ids(filtered.events)).toEqual([kept.id]);
    });

    it('headPosition reaches the last appended event', async () => {
      const result = await store().append(streamId(), newEvents(1), 'no_stream');
      const head = await eventually('head to reach the append', settle, async () => {
        const h = await store().headPosition();
        return comparePositions(h, result.position) >= 0 ? h : undefined;
      });
      expect(comparePositions(head, START)).toBeGreaterThan(0);
    });
  });

  describe('subscribeToAll', () => {
    it('catches up from a checkpoint in batches, then delivers live events, in order', async () => {
      const streams = [streamId('sub'), streamId('sub')];
      const checkpoint = await store().headPosition();
      const old: NewEvent[] = [];
      for (let i = 0; i < 5; i++) {
        const b = newEvents(2);
        await store().append(streams[i % 2], b, 'any');
        old.push(...b);
      }
      const collector = new Collector(new Set(streams), 5);
      const sub = store().subscribeToAll({ from: checkpoint, batchSize: 3 }, collector.handler);
      try {
        await eventually('catch-up', settle, async () =>
          collector.has(ids(old)) ? true : undefined,
        );
        const live: NewEvent[] = [];
        for (let i = 0; i < 4; i++) {
          const b = newEvents(1);
          await store().append(streams[i % 2], b, 'any');
          live.push(...b);
        }
        await eventually('live delivery', settle, async () =>
          collector.has(ids(live)) ? true : undefined,
        );
        expect(ids(collector.events)).toEqual(ids([...old, ...live]));
        expect(collector.overlapped).toBe(false);
        expect(collector.batches).toBeGreaterThanOrEqual(4); // 10 catch-up events in batches of at most 3
      } finally {
        await sub.stop();
      }
      await expect(sub.done).resolves.toBeUndefined();
    });

    it('delivers only the requested types', async () => {
      const s = streamId('subtypes');
      const checkpoint = await store().headPosition();
      const collector = new Collector(new Set([s]));
      const sub = store().subscribeToAll(
        { from: checkpoint, types: ['ContractWanted'] },
        collector.handler,
      );
      try {
        const wanted = newEvent('ContractWanted');
        await store().append(s, [newEvent('ContractUnwanted'), wanted], 'no_stream');
        const last = newEvent('ContractWanted');
        await store().append(s, [newEvent('ContractUnwanted'), last], 1n);
        await eventually('delivery', settle, async () =>
          collector.has([wanted.id, last.id]) ? true : undefined,
        );
        expect(ids(collector.events)).toEqual([wanted.id, last.id]);
      } finally {
        await sub.stop();
      }
    });

    it('stops delivering after stop()', async () => {
      const s = streamId('stop');
      const collector = new Collector(new Set([s]));
      const sub = store().subscribeToAll({ from: await store().headPosition() }, collector.handler);
      const first = newEvents(1);
      await store().append(s, first, 'no_stream');
      await eventually('delivery', settle, async () =>
        collector.has(ids(first)) ? true : undefined,
      );
      await sub.stop();
      await store().append(s, newEvents(1), 0n);
      await new Promise((r) => setTimeout(r, 300));
      expect(ids(collector.events)).toEqual(ids(first));
      await expect(sub.done).resolves.toBeUndefined();
    });

    it('a failing handler stops the subscription and rejects done with its error', async () => {
      const s = streamId('fail');
      const boom = new Error('handler failed');
      let calls = 0;
      const sub: Subscription = store().subscribeToAll(
        { from: await store().headPosition() },
        async (batch) => {
          if (batch.events.some((e) => e.streamId === s)) {
            calls++;
            throw boom;
          }
        },
      );
      await store().append(s, newEvents(1), 'no_stream');
      await expect(sub.done).rejects.toBe(boom);
      await store().append(s, newEvents(1), 0n);
      await new Promise((r) => setTimeout(r, 200));
      expect(calls).toBe(1);
      await sub.stop();
    });
  });

  describe('concurrency (property-based)', () => {
    type Op = {
      store: number;
      stream: number;
      count: number;
      expected: 'any' | 'no_stream' | number;
    };
    const op: fc.Arbitrary<Op> = fc.record({
      store: fc.nat({ max: 2 }),
      stream: fc.nat({ max: 3 }),
      count: fc.integer({ min: 1, max: 3 }),
      expected: fc.oneof(
        fc.constant('any' as const),
        fc.constant('no_stream' as const),
        fc.nat({ max: 6 }),
      ),
    });

    it('a catch-up subscriber sees every committed event exactly once, each stream in revision order', async () => {
      const stores = await Promise.all(Array.from({ length: 3 }, () => get().makeStore()));
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(op, { minLength: 1, maxLength: 24 }),
            fc.nat({ max: 3 }),
            fc.array(fc.integer({ min: 1, max: 3 }), {
              maxLength: get().appendCommittingLate ? 2 : 0,
            }),
            async (ops, lateStart, lateCommits) => {
              const streams = Array.from({ length: 4 }, () => streamId('prop'));
              const lateStreams = lateCommits.map(() => streamId('prop-late'));
              const set = new Set([...streams, ...lateStreams]);
              const checkpoint = await store().headPosition();
              const collector = new Collector(set);
              let sub: Subscription | undefined;
              const startSub = () => {
                sub = stores[0].subscribeToAll(
                  { from: checkpoint, batchSize: 4 },
                  collector.handler,
                );
              };
              if (lateStart === 0) startSub();
              const commits: Array<() => Promise<void>> = [];
              try {
                // Written first (lower transaction ids), committed after everything else.
                const lateBatches = lateCommits.map((n) => newEvents(n));
                for (const [i, events] of lateBatches.entries()) {
                  commits.push(await get().appendCommittingLate!(lateStreams[i], events));
                }
                const batches = ops.map((o) => newEvents(o.count));
                const results = await Promise.allSettled(
                  ops.map(async (o, i) => {
                    if (i === lateStart && !sub) startSub(); // sometimes subscribe mid-way (catch-up + live)
                    const expected: ExpectedVersion =
                      typeof o.expected === 'number' ? BigInt(o.expected) : o.expected;
                    return stores[o.store].append(streams[o.stream], batches[i], expected);
                  }),
                );
                if (!sub) startSub();
                await new Promise((r) => setTimeout(r, 20));
                for (const commit of commits.splice(0)) await commit();
                for (const r of results) {
                  if (r.status === 'rejected')
                    expect(r.reason).toBeInstanceOf(WrongExpectedVersionError);
                }
                const committed = [
                  ...batches.filter((_, i) => results[i].status === 'fulfilled').flat(),
                  ...lateBatches.flat(),
                ];
                const failed = batches.filter((_, i) => results[i].status === 'rejected').flat();
                await eventually('every committed event', settle, async () =>
                  collector.has(ids(committed)) ? true : undefined,
                );
                // A little longer: anything extra (duplicate, failed append) would show now.
                await new Promise((r) => setTimeout(r, 50));
                const seen = ids(collector.events);
                expect(new Set(seen).size).toBe(seen.length);
                expect(seen.length).toBe(committed.length);
                const failedIds = new Set(ids(failed));
                expect(seen.filter((id) => failedIds.has(id))).toEqual([]);
                for (let i = 1; i < collector.events.length; i++) {
                  expect(
                    comparePositions(
                      collector.events[i - 1].position,
                      collector.events[i].position,
                    ),
                  ).toBeLessThan(0);
                }
                for (const s of [...streams, ...lateStreams]) {
                  const delivered = collector.events.filter((e) => e.streamId === s);
                  expect(delivered.map((e) => e.revision)).toEqual(
                    delivered.map((_, i) => BigInt(i)),
                  );
                  expect(ids(delivered)).toEqual(ids(await store().readStream(s)));
                }
                expect(collector.overlapped).toBe(false);
              } finally {
                for (const commit of commits) await commit().catch(() => undefined);
                await sub?.stop();
              }
            },
          ),
          { numRuns: options.propertyRuns ?? 12 },
        );
      } finally {
        await Promise.all(stores.map((st) => st.close()));
      }
    });
  });
}
