import { MemoryRateLimitStorage } from './security';

describe('MemoryRateLimitStorage (fixed window, like the Redis script)', () => {
  let now = 1_000_000;
  let storage: MemoryRateLimitStorage;
  beforeEach(() => {
    now = 1_000_000;
    storage = new MemoryRateLimitStorage(() => now);
  });
  afterEach(() => storage.close());
  const hit = (key = 'k') => storage.increment(key, 60_000, 3, 60_000);

  it('given hits within the limit, then counted, not blocked, with the time left in the window', async () => {
    expect(await hit()).toEqual({
      totalHits: 1,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
    now += 20_500;
    expect(await hit()).toMatchObject({ totalHits: 2, timeToExpire: 40, isBlocked: false });
    expect(await hit('other')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('given one hit over the limit, then blocked for the block duration, even past the window', async () => {
    for (let i = 0; i < 3; i++) await hit();
    now += 10_000;
    expect(await hit()).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 60 });
    now += 55_000; // the window is over, the block is not
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 5 });
    now += 5_000;
    expect(await hit()).toMatchObject({ totalHits: 2, isBlocked: false });
  });

  it('given a new window, then the count starts again', async () => {
    for (let i = 0; i < 3; i++) await hit();
    now += 60_000;
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 60 });
  });

  it('forgets entries whose window and block are over', async () => {
    await hit('a');
    for (let i = 0; i < 4; i++) await hit('b'); // blocked until +60 s
    now += 30_000;
    await hit('c');
    now += 30_000;
    storage.sweep();
    expect(storage.size).toBe(1); // c only: a's window and b's block are over
  });
});
