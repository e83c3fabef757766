import { minorUnitExponent, type CurrencyCode } from '../code-lists';

/**
 * Money as integer minor units of an ISO 4217 currency, never floats. Conversions run on BigInt with the
 * exchange rate as a decimal string, so that no binary rounding can creep into an amount.
 */

/** A non-negative integer amount of minor units that JavaScript holds exactly. */
export const isMinorUnits = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0;

const DECIMAL = /^\d{1,12}(?:\.\d{1,12})?$/;

/** A positive decimal exchange rate written with digits and at most one point ("0.0921", "27"). */
export const isExchangeRate = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  return DECIMAL.test(value) && /[1-9]/.test(value);
};

/**
 * `amount` minor units of `from` converted at `rate` (units of `to` per unit of `from`) into minor units
 * of `to`: amount × rate × 10^(exponent(to) − exponent(from)), rounded half up. E.g. 10 000 JPY (JPY has no
 * minor unit) at "0.0061" is 61.00 EUR = 6 100; 1.000 KWD (1 000 minor units) at "2.95" is 2.95 EUR = 295.
 * A result above `Number.MAX_SAFE_INTEGER` is not exact (it then matches no valid amount).
 */
export const convertMinorUnits = (
  amount: number,
  from: CurrencyCode,
  to: CurrencyCode,
  rate: string,
): number => {
  const [whole, fraction = ''] = rate.split('.');
  const rateDigits = BigInt(`${whole}${fraction}`);
  const shift = minorUnitExponent(to) - minorUnitExponent(from) - fraction.length;
  const numerator = BigInt(amount) * rateDigits * 10n ** BigInt(Math.max(0, shift));
  const denominator = 10n ** BigInt(Math.max(0, -shift));
  return Number((2n * numerator + denominator) / (2n * denominator));
};
