/**
 * Exact non-negative-or-negative rationals on bigint, always normalised (gcd 1, positive
 * denominator). Privacy parameters and budgets are rationals so that sums of budgets and the noise
 * samplers never touch floating point. A few dozen lines, so no dependency.
 */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

/** `rational(1, 2)`, `rational(3n)`, or `rational('3/10')`. Throws on a zero denominator or a non-integer. */
export function rational(num: bigint | number | string, den: bigint | number = 1n): Rational {
  if (typeof num === 'string') {
    const match = /^\s*(-?\d+)\s*(?:\/\s*(\d+)\s*)?$/.exec(num);
    if (!match) throw new RangeError('a rational is written "n" or "n/d" with integers');
    return rational(BigInt(match[1]!), match[2] === undefined ? 1n : BigInt(match[2]));
  }
  const n = toBigInt(num);
  const d = toBigInt(den);
  if (d === 0n) throw new RangeError('a rational needs a non-zero denominator');
  const g = gcd(n, d) || 1n;
  const sign = d < 0n ? -1n : 1n;
  return { num: (sign * n) / g, den: (sign * d) / g };
}

function toBigInt(value: bigint | number): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError('rational parts must be safe integers');
  return BigInt(value);
}

export const ZERO: Rational = { num: 0n, den: 1n };

export const add = (a: Rational, b: Rational): Rational =>
  rational(a.num * b.den + b.num * a.den, a.den * b.den);

export const subtract = (a: Rational, b: Rational): Rational =>
  rational(a.num * b.den - b.num * a.den, a.den * b.den);

export const multiply = (a: Rational, b: Rational): Rational =>
  rational(a.num * b.num, a.den * b.den);

/** -1, 0 or 1. */
export const compare = (a: Rational, b: Rational): -1 | 0 | 1 => {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
};

export const isPositive = (a: Rational): boolean => a.num > 0n;

export const format = (a: Rational): string => (a.den === 1n ? `${a.num}` : `${a.num}/${a.den}`);

/** For display and for tests' expected values only; never used in sampling or accounting. */
export const toNumber = (a: Rational): number => Number(a.num) / Number(a.den);
