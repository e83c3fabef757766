import {
  outcomeFigures,
  parseReferenceRates,
  referenceRatesFromEnv,
  type ClaimOutcomeFacts,
  type ReferenceRates,
} from './outcomes';

const rates: ReferenceRates = {
  referenceCurrency: 'EUR',
  years: { '2025': { USD: '0.9', JPY: '0.0061' }, '2026': { USD: '0.8' } },
};

const claim = (over: Partial<ClaimOutcomeFacts> = {}): ClaimOutcomeFacts => ({
  avenue: 'LabourOrEmploymentTribunal',
  currency: 'EUR',
  filedOn: '2025-02-01',
  decisions: [],
  paidTotal: 0,
  ...over,
});

/** The outcome figures of `claims` at the reference rates above. */
const figures = (...claims: ClaimOutcomeFacts[]) => outcomeFigures(claims, rates);

describe('outcome figures of compensation claims (pure)', () => {
  it('given claims filed and not decided, then they count as filed in the filing year only', () => {
    const f = figures(claim(), claim({ filedOn: '2025-12-31' }), claim({ filedOn: '2026-01-01' }));
    expect(f.rows.map((r) => [r.year, r.filed, r.decided, r.awarded])).toEqual([
      [2025, 2, 0, 0],
      [2026, 1, 0, 0],
    ]);
  });

  it('given a claim rejected, then awarded on appeal the next year, then it is decided in the first year and awarded in the appeal year', () => {
    const f = figures(
      claim({
        avenue: 'StateCompensationFund',
        filedOn: '2025-03-01',
        decisions: [
          { awardedTotal: 0, decidedOn: '2025-09-01' },
          { awardedTotal: 200_000, decidedOn: '2026-04-01' },
        ],
        paidTotal: 200_000,
      }),
    );
    expect(f.rows).toEqual([
      expect.objectContaining({
        avenue: 'StateCompensationFund',
        year: 2025,
        filed: 1,
        decided: 1,
        awarded: 0,
      }),
      expect.objectContaining({
        year: 2026,
        filed: 0,
        decided: 0,
        awarded: 1,
        paidInFull: 1,
        paidInPart: 0,
        converted: { currency: 'EUR', claims: 1, awarded: 200_000, paid: 200_000, sharePaid: 1 },
      }),
    ]);
  });

  it('given an award paid in part, then it counts as paid in part and the share is paid over awarded', () => {
    const f = figures(
      claim({
        decisions: [{ awardedTotal: 300_000, decidedOn: '2025-06-01' }],
        paidTotal: 100_000,
      }),
    );
    expect(f.rows[0]).toMatchObject({
      awarded: 1,
      paidInFull: 0,
      paidInPart: 1,
      converted: { awarded: 300_000, paid: 100_000 },
    });
    expect(f.rows[0]!.converted.sharePaid).toBeCloseTo(1 / 3, 10);
  });

  it('given an award not paid at all, then it is neither paid in full nor in part', () => {
    const f = figures(claim({ decisions: [{ awardedTotal: 1_000, decidedOn: '2025-06-01' }] }));
    expect(f.rows[0]).toMatchObject({
      awarded: 1,
      paidInFull: 0,
      paidInPart: 0,
      converted: { paid: 0, sharePaid: 0 },
    });
  });

  it('given sums in other currencies, then they are converted at the award year’s rate, exactly (minor units, half up)', () => {
    const f = figures(
      claim({
        currency: 'USD',
        decisions: [{ awardedTotal: 10_000, decidedOn: '2025-05-05' }],
        paidTotal: 10_000,
      }), // 100.00 USD → 90.00 EUR
      claim({
        currency: 'USD',
        decisions: [{ awardedTotal: 10_000, decidedOn: '2026-05-05' }],
        paidTotal: 5_000,
      }), // at 0.8 → 80.00 / 40.00 EUR
      claim({
        currency: 'JPY',
        decisions: [{ awardedTotal: 10_001, decidedOn: '2025-07-07' }],
        paidTotal: 0,
      }), // 10001 JPY × 0.0061 = 61.0061 → 61.01 EUR
    );
    expect(
      f.rows.map((r) => [r.year, r.converted.awarded, r.converted.paid, r.unconverted]),
    ).toEqual([
      [2025, 9_000 + 6_101, 9_000, []],
      [2026, 8_000, 4_000, []],
    ]);
  });

  it('given a currency without a rate for the year, then its sums are reported unconverted, per currency, never mixed in', () => {
    const f = figures(
      claim({
        currency: 'JPY',
        decisions: [{ awardedTotal: 50_000, decidedOn: '2026-01-10' }],
        paidTotal: 20_000,
      }),
      claim({
        currency: 'GBP',
        decisions: [{ awardedTotal: 7_000, decidedOn: '2026-02-10' }],
        paidTotal: 7_000,
      }),
      claim({
        currency: 'GBP',
        decisions: [{ awardedTotal: 3_000, decidedOn: '2026-03-10' }],
        paidTotal: 0,
      }),
      claim({ decisions: [{ awardedTotal: 1_000, decidedOn: '2026-03-10' }], paidTotal: 500 }),
    );
    expect(f.rows.map((r) => [r.year, r.filed])).toEqual([
      [2025, 4],
      [2026, 0],
    ]);
    expect(f.rows[1]).toMatchObject({
      year: 2026,
      awarded: 4,
      paidInFull: 1,
      paidInPart: 2,
      converted: { currency: 'EUR', claims: 1, awarded: 1_000, paid: 500, sharePaid: 0.5 },
      unconverted: [
        { currency: 'GBP', claims: 2, awarded: 10_000, paid: 7_000 },
        { currency: 'JPY', claims: 1, awarded: 50_000, paid: 20_000 },
      ],
    });
  });

  it('given no rates table, then every sum is unconverted and the counts are unchanged', () => {
    const f = outcomeFigures([
      claim({ decisions: [{ awardedTotal: 1_000, decidedOn: '2025-06-01' }], paidTotal: 1_000 }),
    ]);
    expect(f.referenceCurrency).toBeNull();
    expect(f.rows[0]).toMatchObject({
      awarded: 1,
      paidInFull: 1,
      converted: { claims: 0, awarded: 0, paid: 0, sharePaid: null },
      unconverted: [{ currency: 'EUR', claims: 1, awarded: 1_000, paid: 1_000 }],
    });
  });

  it('given claims through several avenues, then each avenue has its own rows, sorted by avenue and year', () => {
    const f = figures(
      claim({ avenue: 'CivilClaim', filedOn: '2026-01-01' }),
      claim({ avenue: 'CivilClaim' }),
      claim(),
    );
    expect(f.rows.map((r) => [r.avenue, r.year])).toEqual([
      ['CivilClaim', 2025],
      ['CivilClaim', 2026],
      ['LabourOrEmploymentTribunal', 2025],
    ]);
  });

  it('validates the rates table, naming the field', () => {
    expect(
      parseReferenceRates({ referenceCurrency: 'EUR', years: { '2025': { USD: '0.92' } } }),
    ).toEqual({
      referenceCurrency: 'EUR',
      years: { '2025': { USD: '0.92' } },
    });
    expect(() => parseReferenceRates({ referenceCurrency: 'EURO', years: {} })).toThrow(
      /referenceCurrency/,
    );
    expect(() => parseReferenceRates({ referenceCurrency: 'EUR', years: { '25': {} } })).toThrow(
      /years/,
    );
    expect(() =>
      parseReferenceRates({ referenceCurrency: 'EUR', years: { '2025': { USD: 0.92 } } }),
    ).toThrow(/years\.2025\.USD/);
    expect(() =>
      parseReferenceRates({ referenceCurrency: 'EUR', years: { '2025': { USD: '-1' } } }),
    ).toThrow(/years\.2025\.USD/);
    expect(referenceRatesFromEnv({})).toBeUndefined();
    expect(
      referenceRatesFromEnv({
        LEGAL_AID_REFERENCE_RATES: '{"referenceCurrency":"EUR","years":{}}',
      }),
    ).toEqual({
      referenceCurrency: 'EUR',
      years: {},
    });
    expect(() => referenceRatesFromEnv({ LEGAL_AID_REFERENCE_RATES: '{' })).toThrow(/not JSON/);
  });
});
