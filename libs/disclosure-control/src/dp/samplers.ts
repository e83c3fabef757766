import { rational, type Rational } from '../rational';
import type { RandomSource } from './random';

/**
 * Exact samplers of Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy"
 * (NeurIPS 2020), algorithms 1–3: only integer arithmetic (bigint) on uniform random integers, no
 * floating point anywhere, so the output distribution is exactly the stated one (no
 * floating-point attacks on the noise, as in Mironov 2012).
 */

/** Bernoulli(p) for a rational 0 ≤ p ≤ 1. */
export function bernoulli(random: RandomSource, p: Rational): boolean {
  if (p.num < 0n || p.num > p.den) throw new RangeError('bernoulli(p) needs 0 <= p <= 1');
  return random.uniform(p.den) < p.num;
}

/** Bernoulli(exp(−γ)) for a rational γ ≥ 0 (CKS algorithm 1). */
export function bernoulliExpMinus(random: RandomSource, gamma: Rational): boolean {
  if (gamma.num < 0n) throw new RangeError('bernoulliExpMinus(gamma) needs gamma >= 0');
  if (gamma.num <= gamma.den) {
    let k = 1n;
    while (bernoulli(random, rational(gamma.num, gamma.den * k))) k += 1n;
    return k % 2n === 1n;
  }
  const whole = gamma.num / gamma.den;
  for (let i = 0n; i < whole; i++) if (!bernoulliExpMinus(random, rational(1n))) return false;
  return bernoulliExpMinus(random, rational(gamma.num - whole * gamma.den, gamma.den));
}

/**
 * Discrete Laplace (two-sided geometric) with a rational scale b > 0:
 * P[X = x] = (e^{1/b} − 1)/(e^{1/b} + 1) · e^{−|x|/b} (CKS algorithm 2).
 * For ε-DP on a query of L1 sensitivity Δ, b = Δ/ε.
 */
export function discreteLaplace(random: RandomSource, scale: Rational): bigint {
  if (scale.num <= 0n) throw new RangeError('discreteLaplace(scale) needs scale > 0');
  const t = scale.num; // scale = t / s
  const s = scale.den;
  for (;;) {
    const u = random.uniform(t);
    if (!bernoulliExpMinus(random, rational(u, t))) continue;
    let v = 0n;
    while (bernoulliExpMinus(random, rational(1n))) v += 1n;
    const y = (u + t * v) / s;
    const negative = random.uniform(2n) === 1n;
    if (negative && y === 0n) continue;
    return negative ? -y : y;
  }
}

/** ⌊√n⌋ for n ≥ 0. */
export function integerSquareRoot(n: bigint): bigint {
  if (n < 0n) throw new RangeError('integerSquareRoot needs n >= 0');
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n)))) + 1n;
  for (;;) {
    const y = (x + n / x) / 2n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

/**
 * Discrete Gaussian with a rational variance parameter σ² > 0:
 * P[X = x] ∝ e^{−x²/(2σ²)} (CKS algorithm 3). Gives ρ-zCDP with ρ = Δ²/(2σ²) for L2 sensitivity Δ.
 */
export function discreteGaussian(random: RandomSource, sigma2: Rational): bigint {
  if (sigma2.num <= 0n) throw new RangeError('discreteGaussian(sigma2) needs sigma2 > 0');
  const p = sigma2.num; // σ² = p / q
  const q = sigma2.den;
  const t = integerSquareRoot(p / q) + 1n; // ⌊σ⌋ + 1
  for (;;) {
    const y = discreteLaplace(random, rational(t));
    const magnitude = y < 0n ? -y : y;
    const difference = magnitude * q * t - p; // (|y| − σ²/t) · q·t
    if (bernoulliExpMinus(random, rational(difference * difference, 2n * p * q * t * t))) return y;
  }
}
