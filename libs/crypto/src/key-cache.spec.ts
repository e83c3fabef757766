import { TtlLruCache } from './key-cache';

describe('TtlLruCache (unwrapped data keys in memory)', () => {
  it('given entries older than the TTL, then they are gone', () => {
    let now = 1_000;
    const cache = new TtlLruCache<string, number>(10, 500, () => now);
    cache.set('a', 1);
    now += 499;
    expect(cache.get('a')).toBe(1);
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('given more entries than its bound, then the least recently used go first', () => {
    const cache = new TtlLruCache<string, number>(2, 60_000);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.size]).toEqual([1, 3, 2]);
  });

  it('deletes and clears; a zero bound or TTL caches nothing', () => {
    const cache = new TtlLruCache<string, number>(5, 60_000);
    cache.set('a', 1);
    expect(cache.delete('a')).toBe(true);
    expect(cache.get('a')).toBeUndefined();
    cache.set('b', 2);
    cache.clear();
    expect(cache.size).toBe(0);
    const none = new TtlLruCache<string, number>(0, 60_000);
    none.set('a', 1);
    expect(none.get('a')).toBeUndefined();
    expect(() => new TtlLruCache(-1, 1)).toThrow(RangeError);
  });
});
