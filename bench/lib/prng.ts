/**
 * mulberry32: a small, fast, seedable PRNG, so that the seeded data of a benchmark is the same
 * for a given seed (bench/seed/cases.ts, bench/seed/statistics-facts.ts).
 */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  /** Skewed towards the front of the list (the first values are the common ones). */
  const skewed = <T>(xs: readonly T[]): T => xs[Math.floor(next() ** 2.2 * xs.length)]!;
  const chance = (p: number) => next() < p;
  const some = <T>(xs: readonly T[], n: number): T[] => {
    const out = new Set<T>();
    while (out.size < Math.min(n, xs.length)) out.add(skewed(xs));
    return [...out];
  };
  /** Log-normal around `median` (σ = 1). */
  const logNormal = (median: number) => {
    const u = Math.max(next(), 1e-12);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    return Math.round(median * Math.exp(z));
  };
  /** A version-4-shaped UUID from the stream. */
  const uuid = () => {
    const h = Array.from({ length: 4 }, () =>
      Math.floor(next() * 4294967296)
        .toString(16)
        .padStart(8, '0'),
    ).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  return { next, int, pick, skewed, chance, some, logNormal, uuid };
}

export type Rng = ReturnType<typeof prng>;
