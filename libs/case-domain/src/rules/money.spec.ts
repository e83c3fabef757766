import fc from 'fast-check';
import { CURRENCY_CODES, minorUnitExponent } from '../code-lists';
import { convertMinorUnits, isExchangeRate, isMinorUnits } from './money';

describe('money: integer minor units, decimal-string rates', () => {
  it.each([
    [100_000, 'USD', 'EUR', '0.9215', 92_150],
    [10_000, 'JPY', 'EUR', '0.0061', 6_100],
    [6_100, 'EUR', 'JPY', '163.9344', 10_000],
    [1_000, 'KWD', 'EUR', '2.95', 295],
    [295, 'EUR', 'KWD', '0.3389830508', 1_000],
    [105, 'USD', 'EUR', '0.5', 53],
    [104, 'USD', 'EUR', '0.5', 52],
    [1, 'EUR', 'CLF', '1', 100],
    [1, 'USD', 'EUR', '0.004', 0],
    [1, 'USD', 'EUR', '0.005', 0],
    [1, 'USD', 'EUR', '0.5', 1],
    [123_456_789, 'EUR', 'EUR', '1', 123_456_789],
  ] as const)('%d %s at %s → %s %d', (amount, from, to, rate, expected) => {
    expect(convertMinorUnits(amount, from, to, rate)).toBe(expected);
  });

  it('property: equals the exact rational product rounded half up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.constantFrom(...CURRENCY_CODES),
        fc.constantFrom(...CURRENCY_CODES),
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 0, max: 8 }),
        (amount, from, to, digits, decimals) => {
          const text = String(digits).padStart(decimals + 1, '0');
          const rate =
            decimals === 0 ? text : `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
          const converted = convertMinorUnits(amount, from, to, rate);
          fc.pre(Number.isSafeInteger(converted));
          // |converted − exact| ≤ 1/2, with exact = amount × digits / 10^decimals × 10^(e(to) − e(from))
          const shift = minorUnitExponent(to) - minorUnitExponent(from) - decimals;
          const num = BigInt(amount) * BigInt(digits) * 10n ** BigInt(Math.max(0, shift));
          const den = 10n ** BigInt(Math.max(0, -shift));
          const diff2 = 2n * (BigInt(converted) * den - num);
          expect(diff2 <= den && diff2 > -den).toBe(true);
        },
      ),
    );
  });

  it('recognises positive decimal rates only', () => {
    for (const ok of ['1', '0.9', '27', '0.000001', '123456789012.123456789012'])
      expect([ok, isExchangeRate(ok)]).toEqual([ok, true]);
    for (const bad of ['0', '0.0', '', '-1', '1,5', '.5', '5.', '1e3', ' 1', '1 ', 1, null])
      expect([bad, isExchangeRate(bad)]).toEqual([bad, false]);
  });

  it('amounts are safe non-negative integers', () => {
    expect([0, 1, Number.MAX_SAFE_INTEGER].map(isMinorUnits)).toEqual([true, true, true]);
    expect([-1, 1.5, Number.MAX_SAFE_INTEGER + 1, '1', NaN].map(isMinorUnits)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
