import fc from 'fast-check';
import {
  bernoulliExpMinus,
  cryptoRandomSource,
  discreteGaussian,
  discreteLaplace,
  integerSquareRoot,
  rational,
} from '..';

/**
 * Statistical checks of the exact samplers on node:crypto randomness (no seed is possible, so every
 * tolerance is at least 5.5 standard errors: a false failure has probability of order 1e-7 per check).
 */
const DRAWS = 20_000;
const SIGMAS = 5.5;

function expectFrequency(observed: number, p: number, n = DRAWS): void {
  const se = Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(observed / n - p)).toBeLessThanOrEqual(SIGMAS * se);
}

function expectMean(values: readonly number[], mean: number, variance: number): void {
  const sample = values.reduce((s, v) => s + v, 0) / values.length;
  expect(Math.abs(sample - mean)).toBeLessThanOrEqual(SIGMAS * Math.sqrt(variance / values.length));
}

describe('exact samplers', () => {
  const random = cryptoRandomSource();

  it('Bernoulli(exp(−γ)) has probability exp(−γ) (γ = 3/2 and γ = 1/3)', () => {
    for (const [gamma, value] of [
      [rational(3, 2), 1.5],
      [rational(1, 3), 1 / 3],
    ] as const) {
      let ones = 0;
      for (let i = 0; i < DRAWS; i++) if (bernoulliExpMinus(random, gamma)) ones++;
      expectFrequency(ones, Math.exp(-value));
    }
  });

  it('discrete Laplace with ε = 1/2 (scale 2): frequencies of |x| = 0..3, sign symmetry and mean |x| as in theory', () => {
    const q = Math.exp(-1 / 2);
    const p = (j: number) => ((1 - q) / (1 + q)) * q ** Math.abs(j);
    const draws = Array.from({ length: DRAWS }, () => Number(discreteLaplace(random, rational(2))));
    for (let j = 0; j <= 3; j++)
      expectFrequency(draws.filter((x) => Math.abs(x) === j).length, j === 0 ? p(0) : 2 * p(j));
    expectFrequency(draws.filter((x) => x > 0).length, (1 - p(0)) / 2);
    let meanAbs = 0;
    let meanSquare = 0;
    for (let j = -400; j <= 400; j++) {
      meanAbs += Math.abs(j) * p(j);
      meanSquare += j * j * p(j);
    }
    expect(meanAbs).toBeCloseTo((2 * q) / (1 - q * q), 10);
    expectMean(
      draws.map((x) => Math.abs(x)),
      meanAbs,
      meanSquare - meanAbs ** 2,
    );
  });

  it('discrete Laplace with a fractional scale (ε = 3, scale 1/3) concentrates on 0 as in theory', () => {
    const q = Math.exp(-3);
    let zeros = 0;
    for (let i = 0; i < DRAWS; i++) if (discreteLaplace(random, rational(1, 3)) === 0n) zeros++;
    expectFrequency(zeros, (1 - q) / (1 + q));
  });

  it('discrete Gaussian with σ² = 4 and σ² = 9/4: variance and P(0) as in theory', () => {
    for (const [sigma2, value] of [
      [rational(4), 4],
      [rational(9, 4), 9 / 4],
    ] as const) {
      const weights = Array.from({ length: 201 }, (_, i) =>
        Math.exp(-((i - 100) ** 2) / (2 * value)),
      );
      const total = weights.reduce((s, w) => s + w, 0);
      const moment = (power: number) =>
        weights.reduce((s, w, i) => s + (i - 100) ** power * (w / total), 0);
      const draws = Array.from({ length: DRAWS }, () => Number(discreteGaussian(random, sigma2)));
      expectMean(
        draws.map((x) => x * x),
        moment(2),
        moment(4) - moment(2) ** 2,
      );
      expectMean(draws, 0, moment(2));
      expectFrequency(draws.filter((x) => x === 0).length, weights[100]! / total);
    }
  });

  it('node:crypto uniform integers stay in range and fill every value evenly', () => {
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < DRAWS; i++) counts[Number(random.uniform(6n))]!++;
    for (const count of counts) expectFrequency(count, 1 / 6);
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 80n }), (n) => {
        const value = random.uniform(n);
        return value >= 0n && value < n;
      }),
    );
  });

  it('integerSquareRoot is the floor of the square root', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 120n }), (n) => {
        const r = integerSquareRoot(n);
        return r * r <= n && (r + 1n) * (r + 1n) > n;
      }),
    );
  });
});
