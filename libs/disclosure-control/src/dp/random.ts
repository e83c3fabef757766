import { randomBytes } from 'node:crypto';

/**
 * Where the randomness comes from: injected, so that the samplers are testable and the rest of the
 * lib stays pure. `uniform(n)` returns an integer uniformly distributed on [0, n), n ≥ 1.
 */
export interface RandomSource {
  uniform(n: bigint): bigint;
}

const BUFFER_BYTES = 4096;

/**
 * node:crypto randomness (the operating system's CSPRNG), read 4 KiB at a time. Uniform integers
 * by rejection sampling on the smallest number of whole bytes, so there is no modulo bias.
 */
export function cryptoRandomSource(): RandomSource {
  let buffer = randomBytes(BUFFER_BYTES);
  let position = 0;
  const nextByte = (): number => {
    if (position === buffer.length) {
      buffer = randomBytes(BUFFER_BYTES);
      position = 0;
    }
    return buffer[position++]!;
  };
  return {
    uniform(n: bigint): bigint {
      if (n < 1n) throw new RangeError('uniform(n) needs n >= 1');
      if (n === 1n) return 0n;
      const bits = (n - 1n).toString(2).length;
      const bytes = Math.ceil(bits / 8);
      const topMask = (1 << (bits - 8 * (bytes - 1))) - 1;
      for (;;) {
        let value = BigInt(nextByte() & topMask);
        for (let i = 1; i < bytes; i++) value = (value << 8n) | BigInt(nextByte());
        if (value < n) return value;
      }
    },
  };
}
