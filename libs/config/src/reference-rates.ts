import { z } from 'zod';
import { CURRENCY_CODES, isCode, isExchangeRate, type CurrencyCode } from '@remedy/case-domain';

/**
 * Yearly reference exchange rates (setting `LEGAL_AID_REFERENCE_RATES`): `years[YYYY][CUR]` =
 * units of `referenceCurrency` per unit of CUR, as a decimal string. The reference currency
 * converts at 1 without an entry; a currency without an entry for a year is never converted
 * (figures report it as `unconverted`). Used by the legal-aid outcome figures and by the
 * statistics fact rows (claim amounts in bands of the reference currency).
 */
export interface ReferenceRates {
  readonly referenceCurrency: CurrencyCode;
  readonly years: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const currency = z.string().refine((c) => isCode(CURRENCY_CODES, c), 'an ISO 4217 currency code');

export const referenceRatesShape = z
  .object({
    referenceCurrency: currency,
    years: z.record(
      z.string().regex(/^\d{4}$/, 'a year (YYYY)'),
      z.record(currency, z.string().refine(isExchangeRate, 'a positive decimal rate as a string')),
    ),
  })
  .strict();

/**
 * The table shipped by default: EUR as the reference currency and the ECB's yearly average
 * reference rates of 2023 and 2024 for USD, GBP and CHF, inverted (EUR per unit) and rounded to
 * 5 decimals. Indicative only: a jurisdiction sets its own official table.
 */
export const DEFAULT_REFERENCE_RATES: ReferenceRates = {
  referenceCurrency: 'EUR',
  years: {
    '2023': { USD: '0.92481', GBP: '1.14970', CHF: '1.02902' },
    '2024': { USD: '0.92387', GBP: '1.18117', CHF: '1.04979' },
  },
};

/** The setting's schema: a JSON text of the shape above (blank: the default table). */
export const referenceRatesSetting = z.preprocess((v) => {
  if (v === undefined || (typeof v === 'string' && v.trim() === '')) return DEFAULT_REFERENCE_RATES;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v; // not JSON: refused by the object schema
  }
}, referenceRatesShape) as unknown as z.ZodType<ReferenceRates>;

/** The rates of an environment (default `process.env`), validated; throws naming the setting. */
export function referenceRatesFromEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ReferenceRates {
  const parsed = referenceRatesSetting.safeParse(env.LEGAL_AID_REFERENCE_RATES);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RangeError(
      `LEGAL_AID_REFERENCE_RATES is invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  return parsed.data;
}
