import fc from 'fast-check';
import {
  cryptoRandomSource,
  noisyRelease,
  noisyTable,
  rational,
  spend,
  type CountTable,
  type Mechanism,
} from '..';

const table = (counts: number[]): CountTable => ({
  spec: {
    id: 'victims-year-sex',
    population: 'identified-victims',
    dimensions: [
      { name: 'year', values: ['2023', '2024'] },
      { name: 'sex', values: ['F', 'M', 'X'] },
    ],
  },
  cells: counts.map((count, i) => ({
    at: [i < 3 ? '2023' : '2024', ['F', 'M', 'X'][i % 3]!],
    count,
  })),
});

describe('noisyTable', () => {
  const random = cryptoRandomSource();

  it('publishes non-negative integers whose margins are the sums of the noisy interior cells', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 30 }), { minLength: 6, maxLength: 6 }),
        fc.boolean(),
        (counts, gaussian) => {
          const result = noisyTable(
            table(counts),
            gaussian
              ? { kind: 'discrete-gaussian', sigma2: rational(9, 2) }
              : { kind: 'discrete-laplace', epsilon: rational(1, 2) },
            random,
          );
          if (!result.ok) throw new Error(result.error.message);
          const cells = result.value.table.cells;
          expect(cells).toHaveLength(3 * 4);
          for (const cell of cells) {
            expect(Number.isSafeInteger(cell.value)).toBe(true);
            expect(cell.value).toBeGreaterThanOrEqual(0);
            const parts = cells.filter(
              (c) =>
                c.at.every((v) => v !== null) &&
                cell.at.every((v, i) => v === null || v === c.at[i]),
            );
            expect(cell.value).toBe(parts.reduce((s, c) => s + (c.value ?? 0), 0));
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('reports the privacy cost: ε for Laplace, ρ = c/(2σ²) for Gaussian', () => {
    const laplace = noisyTable(
      table([1, 2, 3, 4, 5, 6]),
      { kind: 'discrete-laplace', epsilon: rational(1, 4) },
      random,
    );
    expect(laplace.ok && laplace.value.cost).toEqual({ unit: 'epsilon', amount: rational(1, 4) });
    const gaussian = noisyTable(
      table([1, 2, 3, 4, 5, 6]),
      { kind: 'discrete-gaussian', sigma2: rational(8), cellsPerPerson: 2 },
      random,
    );
    expect(gaussian.ok && gaussian.value.cost).toEqual({ unit: 'rho', amount: rational(1, 8) });
  });

  it('adds noise of the mechanism’s scale: the mean of noisy − true over many cells is about 0', () => {
    // Large counts so that clamping at 0 never happens; scale 2 → variance 2q/(1−q)², q = e^{−1/2}.
    const q = Math.exp(-1 / 2);
    const variance = (2 * q) / (1 - q) ** 2;
    const differences: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const result = noisyTable(
        table([500, 500, 500, 500, 500, 500]),
        { kind: 'discrete-laplace', epsilon: rational(1, 2) },
        random,
      );
      if (!result.ok) throw new Error(result.error.message);
      for (const cell of result.value.table.cells)
        if (cell.at.every((v) => v !== null)) differences.push(cell.value! - 500);
    }
    const mean = differences.reduce((s, d) => s + d, 0) / differences.length;
    const meanSquare = differences.reduce((s, d) => s + d * d, 0) / differences.length;
    expect(Math.abs(mean)).toBeLessThanOrEqual(5.5 * Math.sqrt(variance / differences.length));
    expect(Math.abs(meanSquare - variance)).toBeLessThanOrEqual(0.12 * variance);
  });

  it('refuses a non-positive ε or σ² and a bad cellsPerPerson', () => {
    const invalid: Mechanism[] = [
      { kind: 'discrete-laplace', epsilon: rational(0) },
      { kind: 'discrete-gaussian', sigma2: rational(-1) },
      { kind: 'discrete-laplace', epsilon: rational(1), cellsPerPerson: 0 },
    ];
    for (const mechanism of invalid)
      expect(noisyTable(table([1, 2, 3, 4, 5, 6]), mechanism, random)).toMatchObject({
        ok: false,
        error: { rule: 'INVALID_INPUT' },
      });
  });

  it('charges a release of several tables the sum of their costs, which the ledger can refuse', () => {
    const tables = [
      table([1, 2, 3, 4, 5, 6]),
      { ...table([6, 5, 4, 3, 2, 1]), spec: { ...table([]).spec, id: 'other' } },
    ];
    const release = noisyRelease(
      tables,
      { kind: 'discrete-laplace', epsilon: rational(3, 10) },
      random,
    );
    if (!release.ok) throw new Error(release.error.message);
    expect(release.value.tables.map((t) => t.spec.id)).toEqual(['victims-year-sex', 'other']);
    expect(release.value.cost).toEqual({ unit: 'epsilon', amount: rational(3, 5) });
    const ledger = { budget: { epsilon: rational(1) }, entries: [] };
    const first = spend(ledger, '2025', release.value.cost, 'release-1');
    expect(first.ok).toBe(true);
    expect(first.ok && spend(first.value, '2025', release.value.cost, 'release-2')).toMatchObject({
      ok: false,
      error: { rule: 'PRIVACY_BUDGET_EXCEEDED' },
    });
  });
});
