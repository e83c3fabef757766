import { formatCaseReference, isCaseReference, parseCaseReference } from './case-reference';

describe('case reference per organisation', () => {
  it('formats ORG-2026-00042', () => {
    expect(formatCaseReference('ORG', 2026, 42)).toBe('ORG-2026-00042');
    expect(formatCaseReference('LS2', 2026, 1)).toBe('LS2-2026-00001');
    expect(formatCaseReference('ABCDEFGHIJ', 2026, 123456)).toBe('ABCDEFGHIJ-2026-123456');
  });

  it.each([
    ['org', 2026, 1],
    ['O', 2026, 1],
    ['1ORG', 2026, 1],
    ['ABCDEFGHIJK', 2026, 1],
    ['OR-G', 2026, 1],
  ])('rejects the organisation code %s', (org, year, seq) => {
    expect(() => formatCaseReference(org, year, seq)).toThrow(/organisation code/);
  });

  it.each([999, 10000, 2026.5])('rejects the year %s', (year) => {
    expect(() => formatCaseReference('ORG', year, 1)).toThrow(/year/);
  });

  it.each([0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1])('rejects the sequence %s', (seq) => {
    expect(() => formatCaseReference('ORG', 2026, seq)).toThrow(/sequence/);
  });

  it('accepts the boundary years', () => {
    expect(formatCaseReference('ORG', 1000, 1)).toBe('ORG-1000-00001');
    expect(formatCaseReference('ORG', 9999, 1)).toBe('ORG-9999-00001');
  });

  it('parses what it formats', () => {
    expect(parseCaseReference('ORG-2026-00042')).toEqual({
      orgCode: 'ORG',
      year: 2026,
      sequence: 42,
    });
    expect(parseCaseReference('ORG-2026-00000')).toBeUndefined();
    expect(parseCaseReference('ORG-2026-0042')).toBeUndefined();
    expect(parseCaseReference('xORG-2026-00042')).toBeUndefined();
    expect(parseCaseReference('ORG-2026-00042x')).toBeUndefined();
    expect(isCaseReference('ORG-2026-00042')).toBe(true);
    expect(isCaseReference('Jane-Doe')).toBe(false);
    expect(isCaseReference(42)).toBe(false);
  });
});
