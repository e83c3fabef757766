/**
 * The adapter over the real client and real gRPC, pointed at a port where nothing listens:
 * what callers see when EventStoreDB is down. (No server is faked: the behaviour against a live
 * server is covered by eventstoredb.contract.spec.ts when EVENTSTORE_CONNECTION_STRING is set.)
 */
import { createServer } from 'node:net';
import { EventStoreUnavailableError, START, type NewEvent } from '../port';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { MalformedEventError } from './mapping';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  return address.port;
}

const event: NewEvent = {
  id: '9a1f0c1e-8c4b-4f57-9d4e-2b7c5e3a1f00',
  type: 'CaseOpened',
  schemaVersion: 1,
  data: { referralSource: 'Hotline' },
  metadata: { correlationId: 'corr-1', userId: 'u-1', organisationId: 'org-1' },
  occurredAt: new Date('2026-01-05T12:00:00Z'),
};

describe('EventStoreDB adapter when the server is unreachable', () => {
  let store: EventStoreDbEventStore;

  beforeAll(async () => {
    const port = await closedPort();
    store = new EventStoreDbEventStore({
      connectionString: `esdb://127.0.0.1:${port}?tls=false`,
      subscriptionRetryMs: 300,
    });
  });

  afterAll(async () => {
    await store.close();
  });

  it('given no server, when appending, then it rejects with EventStoreUnavailableError', async () => {
    await expect(store.append('case-1', [event], 'no_stream')).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
  });

  it('given no server, when reading a stream, all events or the head, then each rejects with EventStoreUnavailableError', async () => {
    await expect(store.readStream('case-1')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.readAll({ from: START, batchSize: 10 })).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
    await expect(store.headPosition()).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it('given no server, when subscribing, then it retries for subscriptionRetryMs and then fails without calling the handler', async () => {
    const handler = jest.fn(async () => undefined);
    const started = Date.now();
    const sub = store.subscribeToAll({ from: START }, handler);
    await expect(sub.done).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(handler).not.toHaveBeenCalled();
  });

  it('given a subscription retrying, when stopped, then stop resolves and done resolves', async () => {
    const sub = store.subscribeToAll({ from: START, types: ['CaseOpened'] }, async () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sub.stop();
    await expect(sub.done).resolves.toBeUndefined();
  });

  it('given invalid input, when appending, then it is refused before any I/O', async () => {
    await expect(store.append('case-1', [event], -1n)).rejects.toBeInstanceOf(RangeError);
    await expect(
      store.append('case-1', [{ ...event, type: '$metadata' }], 'any'),
    ).rejects.toBeInstanceOf(MalformedEventError);
    expect(() =>
      store.subscribeToAll({ from: START, batchSize: 0 }, async () => undefined),
    ).toThrow(RangeError);
  });

  it('given a closed store, when used, then it refuses', async () => {
    const port = await closedPort();
    const closed = new EventStoreDbEventStore({
      connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    });
    await closed.close();
    await expect(closed.readStream('case-1')).rejects.toThrow(/closed/);
    await expect(closed.close()).resolves.toBeUndefined();
  });
});
