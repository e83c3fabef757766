import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import {
  describeEventStoreContract,
  newEvent,
  newEvents,
  streamId,
} from '../contract/event-store.contract';
import {
  comparePositions,
  EventStoreUnavailableError,
  NewEvent,
  ReadAllBatch,
  RecordedEvent,
  START,
  WrongExpectedVersionError,
} from '../port';
import { mapPgError } from './errors';
import { LiveDelivery, PostgresEventStore } from './postgres-event-store';

function pgContract(mode: LiveDelivery) {
  return async () => {
    const db = await createTestDatabase();
    const opened: PostgresEventStore[] = [];
    const open = (poolSize: number) => {
      const s = new PostgresEventStore({ connectionString: db.url, poolSize, liveDelivery: mode });
      opened.push(s);
      return s;
    };
    return {
      store: open(6),
      makeStore: async () => open(3),
      teardown: async () => {
        await Promise.all(opened.map((s) => s.close()));
        await db.drop();
      },
      appendCommittingLate: async (stream: string, events: readonly NewEvent[]) => {
        const c = new Client({ connectionString: db.url });
        c.on('error', () => undefined);
        await c.connect();
        await c.query('BEGIN');
        for (const [i, e] of events.entries()) {
          await c.query(
            `INSERT INTO events (stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, occurred_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [
              stream,
              i,
              e.id,
              e.type,
              e.schemaVersion,
              JSON.stringify(e.data),
              JSON.stringify(e.metadata),
              e.occurredAt,
            ],
          );
        }
        return async () => {
          try {
            await c.query('COMMIT');
          } finally {
            await c.end();
          }
        };
      },
    };
  };
}

describeEventStoreContract('PostgreSQL, live delivery by polling', pgContract('poll'));
describeEventStoreContract('PostgreSQL, live delivery by LISTEN/NOTIFY', pgContract('notify'));

describe('PostgresEventStore (PostgreSQL specifics)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ connectionString: db.url, poolSize: 4 });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  async function rawClient(): Promise<Client> {
    const c = new Client({ connectionString: db.url });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  }

  it('does not skip an event whose transaction commits after a later one', async () => {
    const lateStream = streamId('late');
    const earlyStream = streamId('early');
    const ours = new Set([lateStream, earlyStream]);
    const checkpoint = await store.headPosition();
    const delivered: RecordedEvent[] = [];
    const sub = store.subscribeToAll({ from: checkpoint }, async (b: ReadAllBatch) => {
      delivered.push(...b.events.filter((e) => ours.has(e.streamId)));
    });
    const raw = await rawClient();
    try {
      const late = newEvent('Late');
      // Transaction A inserts first (lower global_position) but commits last.
      await raw.query('BEGIN');
      await raw.query(
        `INSERT INTO events (stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, occurred_at)
         VALUES ($1, 0, $2, $3, 1, $4, $5, $6)`,
        [
          lateStream,
          late.id,
          late.type,
          JSON.stringify(late.data),
          JSON.stringify(late.metadata),
          late.occurredAt,
        ],
      );
      const early = newEvent('Early');
      const earlyResult = await store.append(earlyStream, [early], 'no_stream');

      // B is committed, but a reader must not pass A, which is still running.
      await new Promise((r) => setTimeout(r, 300));
      expect(delivered).toEqual([]);
      const batch = await store.readAll({ from: checkpoint, batchSize: 100 });
      expect(batch.events.filter((e) => ours.has(e.streamId))).toEqual([]);
      expect(batch.isEnd).toBe(true);
      expect(comparePositions(batch.next, earlyResult.position)).toBeLessThan(0);
      expect(comparePositions(await store.headPosition(), earlyResult.position)).toBeLessThan(0);

      await raw.query('COMMIT');
      const deadline = Date.now() + 10_000;
      while (delivered.length < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      expect(delivered.map((e) => e.id)).toEqual([late.id, early.id]);
      expect(comparePositions(delivered[0].position, delivered[1].position)).toBeLessThan(0);
      // A naive reader ordered by global_position alone would have passed A's row before it committed.
      expect(delivered[0].position.prepare).toBeLessThan(delivered[1].position.prepare);
      const again = await store.readAll({ from: checkpoint, batchSize: 100 });
      expect(again.events.filter((e) => ours.has(e.streamId)).map((e) => e.id)).toEqual([
        late.id,
        early.id,
      ]);
    } finally {
      await raw.query('ROLLBACK').catch(() => undefined);
      await raw.end();
      await sub.stop();
    }
  });

  it.each(['poll', 'notify'] as const)(
    'wakes every idle subscription of one store (%s)',
    async (mode) => {
      const shared = new PostgresEventStore({
        connectionString: db.url,
        poolSize: 3,
        liveDelivery: mode,
      });
      try {
        const s = streamId(mode);
        const from = await shared.headPosition();
        const seen = Array.from({ length: 5 }, () => [] as string[]);
        const subs = seen.map((list) =>
          shared.subscribeToAll({ from }, async (b) => {
            list.push(...b.events.filter((e) => e.streamId === s).map((e) => e.id));
          }),
        );
        await new Promise((r) => setTimeout(r, 200)); // all caught up and idle
        const events = newEvents(2);
        await store.append(s, events.slice(0, 1), 'no_stream'); // written by another instance
        await store.append(s, events.slice(1), 0n);
        const deadline = Date.now() + 10_000;
        while (seen.some((l) => l.length < 2) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 10));
        }
        for (const list of seen) expect(list).toEqual(events.map((e) => e.id));
        await Promise.all(subs.map((sub) => sub.stop()));
      } finally {
        await shared.close();
      }
    },
  );

  it('sets idle_in_transaction_session_timeout on its connections (10 s by default)', async () => {
    const c = await store.pool.connect();
    try {
      const { rows } = await c.query('SHOW idle_in_transaction_session_timeout');
      expect(rows[0].idle_in_transaction_session_timeout).toBe('10s');
    } finally {
      c.release();
    }
  });

  it('ends a transaction left idle longer than the configured timeout, so readers move on', async () => {
    const short = new PostgresEventStore({
      connectionString: db.url,
      poolSize: 1,
      idleInTransactionTimeoutMs: 300,
    });
    try {
      const c = await short.pool.connect();
      c.on('error', () => undefined);
      const { rows } = await c.query('SHOW idle_in_transaction_session_timeout');
      expect(rows[0].idle_in_transaction_session_timeout).toBe('300ms');
      const stuck = newEvent('Stuck');
      await c.query('BEGIN');
      await c.query(
        `INSERT INTO events (stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, occurred_at)
         VALUES ($1, 0, $2, 'Stuck', 1, '{}', $3, now())`,
        [streamId('stuck'), stuck.id, JSON.stringify(stuck.metadata)],
      );
      const after = await store.append(streamId('after-stuck'), newEvents(1), 'no_stream');
      await new Promise((r) => setTimeout(r, 900));
      await expect(c.query('SELECT 1')).rejects.toThrow();
      c.release(true);
      // The stuck transaction was rolled back by the server: the later event is readable.
      expect(comparePositions(await store.headPosition(), after.position)).toBeGreaterThanOrEqual(
        0,
      );
      expect(await store.readStream(streamId('stuck'))).toEqual([]);
    } finally {
      await short.close();
    }
  });

  it('answers EventStoreUnavailableError when PostgreSQL cannot be reached', async () => {
    const down = new PostgresEventStore({
      connectionString: 'postgres://postgres@127.0.0.1:1/remedy',
      connectionTimeoutMs: 1_000,
      subscriptionRetryMs: 300,
    });
    try {
      await expect(down.append(streamId(), newEvents(1), 'no_stream')).rejects.toBeInstanceOf(
        EventStoreUnavailableError,
      );
      await expect(down.readStream(streamId())).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(down.readAll({ from: START, batchSize: 10 })).rejects.toBeInstanceOf(
        EventStoreUnavailableError,
      );
      await expect(down.headPosition()).rejects.toBeInstanceOf(EventStoreUnavailableError);
      const err = await down.append(streamId(), newEvents(1), 'any').catch((e: unknown) => e);
      expect((err as Error).message).not.toContain('127.0.0.1');
      // A subscription retries for a while, then stops with the same error.
      const sub = down.subscribeToAll({ from: START }, async () => undefined);
      await expect(sub.done).rejects.toBeInstanceOf(EventStoreUnavailableError);
    } finally {
      await down.close();
    }
  });

  it('stops a subscription waiting out its back-off at once when asked', async () => {
    const down = new PostgresEventStore({
      connectionString: 'postgres://postgres@127.0.0.1:1/remedy',
      connectionTimeoutMs: 1_000,
    });
    try {
      const sub = down.subscribeToAll({ from: START }, async () => undefined);
      // Refused connections fail at once: delays 50, 100, 200, 400, 800 ms, then 1.6 s from ~1.55 s.
      await new Promise((resolve) => setTimeout(resolve, 1_700));
      const t0 = Date.now();
      await sub.stop();
      expect(Date.now() - t0).toBeLessThan(500);
      await expect(sub.done).resolves.toBeUndefined();
    } finally {
      await down.close();
    }
  });

  it('answers EventStoreUnavailableError when its server connection is killed', async () => {
    const victim = new PostgresEventStore({ connectionString: db.url, poolSize: 1 });
    const admin = await rawClient();
    try {
      await victim.append(streamId(), newEvents(1), 'no_stream');
      const c = await victim.pool.connect();
      const { rows } = await c.query('SELECT pg_backend_pid() AS pid');
      c.release();
      // Terminate the backend while the next append is running on it.
      const slow = victim.pool.query('SELECT pg_sleep(5)').catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 200));
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      const killed = await slow;
      expect(killed).toBeInstanceOf(Error);
      expect(mapPgError(killed)).toBeInstanceOf(EventStoreUnavailableError);
      // The pool replaces the connection: the store works again.
      expect((await victim.append(streamId(), newEvents(1), 'no_stream')).nextRevision).toBe(0n);
    } finally {
      await admin.end();
      await victim.close();
    }
  });

  it('reports the actual revision and keeps bigint revisions and positions', async () => {
    const s = streamId();
    const r = await store.append(s, newEvents(3), 'no_stream');
    expect(typeof r.nextRevision).toBe('bigint');
    expect(typeof r.position.commit).toBe('bigint');
    expect(typeof r.position.prepare).toBe('bigint');
    const err = await store.append(s, newEvents(1), 'no_stream').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongExpectedVersionError);
    expect((err as WrongExpectedVersionError).actual).toBe(2n);
  });

  it('treats an empty append as a version check', async () => {
    const s = streamId();
    expect(await store.append(s, [], 'no_stream')).toEqual({ nextRevision: -1n, position: START });
    const r = await store.append(s, newEvents(2), 'no_stream');
    expect(await store.append(s, [], 1n)).toEqual(r);
    await expect(store.append(s, [], 0n)).rejects.toBeInstanceOf(WrongExpectedVersionError);
  });

  it('rejects an event id that is not a uuid without writing anything', async () => {
    const s = streamId();
    await expect(
      store.append(s, [{ ...newEvent(), id: 'not-a-uuid' }], 'no_stream'),
    ).rejects.toThrow();
    expect(await store.readStream(s)).toEqual([]);
  });
});
