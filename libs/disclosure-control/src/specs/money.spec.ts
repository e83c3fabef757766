import { cellAt, protectAmounts, type AmountTable } from '..';

const awards: AmountTable = {
  spec: {
    id: 'compensation-awarded-year-form',
    population: 'compensation-claims-awarded',
    dimensions: [
      { name: 'year', values: ['2023', '2024'] },
      { name: 'form', values: ['labour', 'sexual'] },
    ],
  },
  currency: 'EUR',
  cells: [
    { at: ['2023', 'labour'], claims: 4, amountMinor: 1_200_000 },
    { at: ['2023', 'sexual'], claims: 14, amountMinor: 3_500_000 },
    { at: ['2024', 'labour'], claims: 12, amountMinor: 2_400_000 },
    { at: ['2024', 'sexual'], claims: 25, amountMinor: 9_000_000 },
  ],
};

describe('protectAmounts', () => {
  it('publishes a sum only where its claim count is published (at least k claims), totals included', () => {
    const result = protectAmounts(awards);
    if (!result.ok) throw new Error(result.error.message);
    const { amounts, claims } = result.value;
    expect(amounts.currency).toBe('EUR');
    expect(amounts.cells.map((c) => c.amountMinor === null)).toEqual(
      claims.tables[0]!.cells.map((c) => c.value === null),
    );
    expect(cellAt(claims.tables[0]!, ['2023', 'labour'])).toMatchObject({ suppressed: 'primary' });
    expect(amounts.cells.find((c) => c.at[0] === '2023' && c.at[1] === 'labour')).toMatchObject({
      amountMinor: null,
      suppressed: 'primary',
    });
    // Its partners in the 2023 row and the labour column are suppressed too: no subtraction gives it away.
    for (const at of [
      ['2023', 'sexual'],
      ['2024', 'labour'],
    ])
      expect(
        amounts.cells.find((c) => c.at[0] === at[0] && c.at[1] === at[1])!.amountMinor,
      ).toBeNull();
    const published = amounts.cells.filter((c) => c.amountMinor !== null);
    expect(published.length).toBeGreaterThan(0);
    for (const cell of published) {
      const count = cellAt(claims.tables[0]!, cell.at)!;
      expect(count.value).toBeGreaterThanOrEqual(10);
    }
    expect(amounts.cells.find((c) => c.at[0] === null && c.at[1] === null)).toEqual({
      at: [null, null],
      amountMinor: 16_100_000,
    });
  });

  it('refuses an amount without claims, a negative amount and a currency that is not ISO 4217', () => {
    const bad = (patch: Partial<AmountTable>) => protectAmounts({ ...awards, ...patch });
    expect(bad({ cells: [{ at: ['2023', 'labour'], claims: 0, amountMinor: 5 }] })).toMatchObject({
      ok: false,
      error: { rule: 'INVALID_INPUT' },
    });
    expect(bad({ cells: [{ at: ['2023', 'labour'], claims: 3, amountMinor: -5 }] })).toMatchObject({
      ok: false,
      error: { rule: 'INVALID_INPUT' },
    });
    expect(bad({ currency: 'euro' })).toMatchObject({
      ok: false,
      error: { rule: 'INVALID_INPUT' },
    });
  });
});
