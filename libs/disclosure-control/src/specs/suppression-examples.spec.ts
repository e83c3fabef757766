import { cellAt, protectRelease, type CountTable, type PublishedTable } from '..';

const yearBySex: CountTable = {
  spec: {
    id: 'victims-year-sex',
    population: 'identified-victims',
    dimensions: [
      { name: 'year', values: ['2020', '2021', '2022'] },
      { name: 'sex', values: ['F', 'M'] },
    ],
  },
  cells: [
    { at: ['2020', 'F'], count: 3 },
    { at: ['2020', 'M'], count: 20 },
    { at: ['2021', 'F'], count: 15 },
    { at: ['2021', 'M'], count: 12 },
    { at: ['2022', 'F'], count: 30 },
    { at: ['2022', 'M'], count: 25 },
  ],
};

const value = (table: PublishedTable, ...at: (string | null)[]) => cellAt(table, at);

describe('protectRelease: a 2-D table', () => {
  it('suppresses the small cell and enough others that it lies in an interval at least k wide', () => {
    const result = protectRelease([yearBySex]);
    if (!result.ok) throw new Error(result.error.message);
    const [table] = result.value.tables;
    expect(value(table!, '2020', 'F')).toEqual({
      at: ['2020', 'F'],
      value: null,
      suppressed: 'primary',
    });
    for (const at of [
      ['2020', 'M'],
      ['2021', 'F'],
      ['2021', 'M'],
    ])
      expect(value(table!, ...at)).toMatchObject({ value: null, suppressed: 'secondary' });
    expect(value(table!, '2022', 'F')).toMatchObject({ value: 30 });
    expect(value(table!, '2022', null)).toMatchObject({ value: 55 });
    expect(value(table!, null, 'F')).toMatchObject({ value: 48 });
    expect(value(table!, null, null)).toMatchObject({ value: 105 });
    const audited = result.value.audit.find((a) => a.reason === 'primary')!;
    expect(audited.interval).toEqual({ min: 0, max: 18 });
    expect(result.value.suppressed).toHaveLength(4);
  });

  it('publishes everything unchanged when no cell is below k, and rounds to base 5 on request', () => {
    const safe: CountTable = {
      ...yearBySex,
      cells: yearBySex.cells.map((c) => ({ ...c, count: c.count < 10 ? 13 : c.count })),
    };
    const plain = protectRelease([safe]);
    if (!plain.ok) throw new Error(plain.error.message);
    expect(plain.value.suppressed).toEqual([]);
    expect(value(plain.value.tables[0]!, '2020', null)).toMatchObject({ value: 33 });
    const rounded = protectRelease([safe], { roundingBase: 5 });
    if (!rounded.ok) throw new Error(rounded.error.message);
    expect(value(rounded.value.tables[0]!, '2020', 'F')).toMatchObject({ value: 15 });
    expect(value(rounded.value.tables[0]!, '2021', 'M')).toMatchObject({ value: 10 });
    expect(value(rounded.value.tables[0]!, null, null)).toMatchObject({ value: 115 });
  });

  it('refuses k below 10 and accepts a higher k', () => {
    expect(protectRelease([yearBySex], { k: 9 })).toEqual({
      ok: false,
      error: expect.objectContaining({ rule: 'THRESHOLD_BELOW_MINIMUM' }),
    });
    const strict = protectRelease([yearBySex], { k: 13 });
    if (!strict.ok) throw new Error(strict.error.message);
    expect(value(strict.value.tables[0]!, '2021', 'M')).toMatchObject({ suppressed: 'primary' });
  });
});
