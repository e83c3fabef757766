import { cellAt, protectRelease, type CountTable, type Dimension } from '..';
import { isDecomposable } from '../tables/graph';

const year: Dimension = { name: 'year', values: ['2023', '2024'] };
const sex: Dimension = { name: 'sex', values: ['F', 'M'] };
const form: Dimension = { name: 'form', values: ['labour', 'sexual', 'other'] };
const population = 'identified-victims';

const yearBySex: CountTable = {
  spec: { id: 'year-sex', population, dimensions: [year, sex] },
  cells: [
    { at: ['2023', 'F'], count: 5 },
    { at: ['2023', 'M'], count: 3 },
    { at: ['2024', 'F'], count: 40 },
    { at: ['2024', 'M'], count: 22 },
  ],
};
const yearByForm: CountTable = {
  spec: { id: 'year-form', population, dimensions: [year, form] },
  cells: [
    { at: ['2023', 'labour'], count: 8 },
    { at: ['2024', 'labour'], count: 30 },
    { at: ['2024', 'sexual'], count: 20 },
    { at: ['2024', 'other'], count: 12 },
  ],
};

const unwrap = <T>(
  result: { ok: true; value: T } | { ok: false; error: { message: string } },
): T => {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
};

describe('protectRelease: a catalogue of tables sharing margins', () => {
  it('suppresses a shared margin in every table that shows it, and protects it across tables', () => {
    const release = unwrap(protectRelease([yearBySex, yearByForm]));
    const [a, b] = release.tables;
    // The 2023 total (8) is below k: suppressed in both tables, and so is the 2024 total that would give it away.
    for (const table of [a!, b!]) {
      expect(cellAt(table, ['2023', null])).toMatchObject({ value: null, suppressed: 'primary' });
      expect(cellAt(table, ['2024', null])).toMatchObject({ value: null, suppressed: 'secondary' });
      expect(cellAt(table, [null, null])).toMatchObject({ value: 70 });
    }
    const total2023 = release.audit.find((x) => x.cell.at[0] === '2023' && x.cell.at[1] === null)!;
    expect(total2023.interval.max - total2023.interval.min).toBeGreaterThanOrEqual(10);
    // Both tables' cells are listed for carry-over.
    expect(release.suppressed).toEqual(
      expect.arrayContaining([
        { table: 'year-sex', at: ['2023', null] },
        { table: 'year-form', at: ['2023', null] },
      ]),
    );
  });

  it('keeps cells suppressed in an earlier release of the period suppressed', () => {
    const safe: CountTable = {
      spec: yearByForm.spec,
      cells: yearByForm.cells.map((c) => ({ ...c, count: c.count + 20 })),
    };
    const first = unwrap(protectRelease([safe]));
    expect(first.suppressed).toEqual([]);
    const again = unwrap(
      protectRelease([safe], {
        previouslySuppressed: [{ table: 'year-form', at: ['2024', 'sexual'] }],
      }),
    );
    expect(cellAt(again.tables[0]!, ['2024', 'sexual'])).toMatchObject({
      value: null,
      suppressed: 'secondary',
    });
    expect(again.audit.every((x) => x.interval.max - x.interval.min >= 10)).toBe(true);
    // A table no longer in the catalogue is ignored; a cell that does not exist is refused.
    expect(
      protectRelease([safe], { previouslySuppressed: [{ table: 'gone', at: ['x'] }] }).ok,
    ).toBe(true);
    expect(
      protectRelease([safe], {
        previouslySuppressed: [{ table: 'year-form', at: ['2023', 'forced'] }],
      }),
    ).toMatchObject({ ok: false, error: { rule: 'INVALID_INPUT' } });
  });

  it('publishes zeros by default, or treats them as primary suppressions on request', () => {
    const withZero: CountTable = {
      spec: { id: 'sex', population: 'p', dimensions: [sex] },
      cells: [{ at: ['F'], count: 25 }],
    };
    expect(cellAt(unwrap(protectRelease([withZero])).tables[0]!, ['M'])).toEqual({
      at: ['M'],
      value: 0,
    });
    const suppressed = unwrap(protectRelease([withZero], { zeros: 'suppress' })).tables[0]!;
    expect(cellAt(suppressed, ['M'])).toMatchObject({ value: null, suppressed: 'primary' });
    expect(cellAt(suppressed, ['F'])).toMatchObject({ value: null, suppressed: 'secondary' });
  });
});

describe('protectRelease: refusals', () => {
  it('refuses tables that disagree on a shared margin', () => {
    const other: CountTable = {
      ...yearByForm,
      cells: [...yearByForm.cells.slice(1), { at: ['2023', 'other'], count: 9 }],
    };
    expect(protectRelease([yearBySex, other])).toMatchObject({
      ok: false,
      error: { rule: 'INCONSISTENT_MARGINS' },
    });
  });

  it('refuses malformed tables naming the table and the field', () => {
    const cases: CountTable[] = [
      { ...yearBySex, cells: [{ at: ['2023', 'Q'], count: 1 }] },
      { ...yearBySex, cells: [{ at: ['2023'], count: 1 }] },
      { ...yearBySex, cells: [{ at: ['2023', 'F'], count: -1 }] },
      { ...yearBySex, cells: [{ at: ['2023', 'F'], count: 1.5 }] },
      {
        ...yearBySex,
        cells: [
          { at: ['2023', 'F'], count: 1 },
          { at: ['2023', 'F'], count: 2 },
        ],
      },
      { ...yearBySex, spec: { ...yearBySex.spec, dimensions: [year, year] } },
      { ...yearBySex, spec: { ...yearBySex.spec, dimensions: [] } },
    ];
    for (const table of cases)
      expect(protectRelease([table])).toMatchObject({
        ok: false,
        error: { rule: 'INVALID_INPUT', message: expect.stringContaining('year-sex') },
      });
    const otherYears: CountTable = {
      spec: {
        id: 'year-form',
        population,
        dimensions: [{ name: 'year', values: ['2024', '2025'] }, form],
      },
      cells: [],
    };
    expect(protectRelease([yearBySex, otherYears])).toMatchObject({
      ok: false,
      error: { rule: 'INVALID_INPUT' },
    });
    expect(protectRelease([yearBySex, yearBySex])).toMatchObject({
      ok: false,
      error: { rule: 'INVALID_INPUT' },
    });
    expect(protectRelease([yearBySex], { roundingBase: 1 })).toMatchObject({
      ok: false,
      error: { rule: 'INVALID_INPUT' },
    });
  });

  it('refuses a catalogue whose audit would need too many LP unknowns', () => {
    expect(protectRelease([yearBySex, yearByForm], { maxAuditVariables: 9 })).toMatchObject({
      ok: false,
      error: { rule: 'AUDIT_TOO_LARGE' },
    });
  });
});

describe('isDecomposable (when tables can be audited one by one)', () => {
  it('accepts stars and chains of shared dimensions, rejects cycles', () => {
    expect(
      isDecomposable([
        ['year', 'sex'],
        ['year', 'form'],
        ['year', 'age'],
      ]),
    ).toBe(true);
    expect(
      isDecomposable([
        ['year', 'sex', 'age'],
        ['year', 'sex'],
        ['sex', 'form'],
      ]),
    ).toBe(true);
    expect(
      isDecomposable([
        ['year', 'sex'],
        ['sex', 'form'],
        ['form', 'year'],
      ]),
    ).toBe(false);
    expect(
      isDecomposable([
        ['year', 'sex'],
        ['year', 'sex'],
      ]),
    ).toBe(true);
  });
});
