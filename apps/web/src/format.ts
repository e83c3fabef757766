/** Dates and times by Intl in the interface language (the person's locale). */
export function formatDateTime(language: string, iso: string | null | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/** A calendar date (`YYYY-MM-DD`, no time zone): shown as that day wherever the browser is. */
export function formatDate(
  language: string,
  date: string | null | undefined,
  dateStyle: 'medium' | 'long' = 'medium',
): string {
  if (!date) return '';
  return new Intl.DateTimeFormat(language, { dateStyle, timeZone: 'UTC' }).format(
    new Date(`${date.slice(0, 10)}T00:00:00Z`),
  );
}

export function formatNumber(language: string, value: number): string {
  return new Intl.NumberFormat(language).format(value);
}

/** A currency's ISO 4217 minor-unit digits (`useCodeLists().digits`); undefined while unknown. */
export type CurrencyDigits = (currency: string) => number | undefined;

/**
 * Integer minor units of `currency` shown as money in the person's locale (one currency a figure),
 * with the currency's ISO 4217 minor-unit `digits` as the API gives them (the currencies code
 * list, `useCodeLists().digits`), not Intl's: CLDR's differ for some (IQD 0 for ISO's 3, XAU 2 for
 * 0). Empty while the digits are unknown (the code lists still loading): never a figure 10× off.
 */
export function formatMoney(
  language: string,
  minor: number,
  currency: string,
  digits: number | undefined,
): string {
  if (digits === undefined) return '';
  return new Intl.NumberFormat(language, {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** digits);
}

/**
 * A decimal amount typed in (`12.5`, or the number an input gives) as integer minor units of a
 * currency with `digits` ISO 4217 minor-unit digits (the currencies code list's); undefined when it
 * has more decimals than that, or the digits are unknown. Exact: the digits are shifted as text,
 * never multiplied as floating point.
 */
export function minorUnitsOf(
  value: string | number,
  digits: number | undefined,
): number | undefined {
  if (digits === undefined) return undefined;
  const text = typeof value === 'number' ? value.toFixed(digits) : value.trim();
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] ?? '').length > digits) return undefined;
  return Number(`${match[1]}${(match[2] ?? '').padEnd(digits, '0')}`);
}

/** A percentage (share 0–1) in the person's locale. */
export function formatShare(language: string, share: number): string {
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(
    share,
  );
}

/**
 * `minor` units of a currency with `fromDigits` minor-unit digits in units of one with `toDigits`
 * (ISO 4217's, from the currencies code list) at `rate` (units of `to` per unit of `from`, a
 * decimal string), rounded half up: the conversion the API checks a payment in another currency
 * against (exact: BigInt, the rate's digits as written). Undefined for a rate that is not a
 * decimal, or digits unknown.
 */
export function convertedMinorUnits(
  minor: number,
  fromDigits: number | undefined,
  toDigits: number | undefined,
  rate: string,
): number | undefined {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!match || !Number.isSafeInteger(minor) || fromDigits === undefined || toDigits === undefined)
    return undefined;
  const fraction = match[2] ?? '';
  const shift = toDigits - fromDigits - fraction.length;
  const numerator =
    BigInt(minor) * BigInt(`${match[1]}${fraction}`) * 10n ** BigInt(Math.max(0, shift));
  const denominator = 10n ** BigInt(Math.max(0, -shift));
  return Number((2n * numerator + denominator) / (2n * denominator));
}
