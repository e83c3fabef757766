import { isRetentionYears, retentionCutoff } from './schedule';

describe('retention schedule values', () => {
  it('accepts whole years from 1 to 100, or null for none', () => {
    expect([1, 2, 100, null].map(isRetentionYears)).toEqual([true, true, true, true]);
    expect([0, 101, -1, 1.5, '2', undefined, NaN].map(isRetentionYears)).toEqual(
      Array(7).fill(false),
    );
  });

  it('cuts off N calendar years before now (UTC), 29 February to 1 March in a common year', () => {
    expect(retentionCutoff(new Date('2024-06-01T10:00:00Z'), 2).toISOString()).toBe(
      '2022-06-01T10:00:00.000Z',
    );
    expect(retentionCutoff(new Date('2024-02-29T00:00:00Z'), 1).toISOString()).toBe(
      '2023-03-01T00:00:00.000Z',
    );
  });
});
