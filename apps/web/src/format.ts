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

/**
 * The minor-unit digits of an ISO 4217 currency as Intl knows them (EUR 2, JPY 0, KWD 3): the
 * one source for entering and showing money, no currency table of our own.
 */
export function currencyDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2
  );
}

/** Integer minor units of `currency` shown as money in the person's locale (one currency a figure). */
export function formatMoney(language: string, minor: number, currency: string): string {
  return new Intl.NumberFormat(language, { style: 'currency', currency }).format(
    minor / 10 ** currencyDigits(currency),
  );
}

/**
 * A decimal amount typed in (`12.5`, or the number an input gives) as integer minor units of
 * `currency`; undefined when it has more decimals than the currency has digits. Exact: the digits
 * are shifted as text, never multiplied as floating point.
 */
export function minorUnitsOf(value: string | number, currency: string): number | undefined {
  const digits = currencyDigits(currency);
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
 * `minor` units of `from` in units of `to` at `rate` (units of `to` per unit of `from`, a decimal
 * string), rounded half up: the conversion the API checks a payment in another currency against
 * (exact: BigInt, the rate's digits as written). Undefined for a rate that is not a decimal.
 */
export function convertedMinorUnits(
  minor: number,
  from: string,
  to: string,
  rate: string,
): number | undefined {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!match || !Number.isSafeInteger(minor)) return undefined;
  const fraction = match[2] ?? '';
  const shift = currencyDigits(to) - currencyDigits(from) - fraction.length;
  const numerator =
    BigInt(minor) * BigInt(`${match[1]}${fraction}`) * 10n ** BigInt(Math.max(0, shift));
  const denominator = 10n ** BigInt(Math.max(0, -shift));
  return Number((2n * numerator + denominator) / (2n * denominator));
}
