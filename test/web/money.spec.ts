import { CURRENCY_CODES } from '@remedy/case-domain';
import { labelledCodeList } from '@remedy/code-lists';
import { convertedMinorUnits, formatMoney, minorUnitsOf } from '../../apps/web/src/format';

/** The digits the console takes: the currencies code list the API serves (`useCodeLists().digits`). */
const DIGITS = new Map(labelledCodeList('currencies', 'en').codes.map((c) => [c.code, c.digits]));
const digits = (currency: string) => DIGITS.get(currency);
const intlDigits = (currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits;

/**
 * The console's money (apps/web/src/format.ts) with the ISO 4217 minor-unit digits of the code
 * list, not Intl's: where CLDR says otherwise (IQD: ISO 3, Intl 0; XAU: ISO 0, Intl 2; RSD 0 in
 * Chromium), an amount typed in is the one the API reads, never 10× or 1000× off.
 */
describe("the console's money, in the currency's ISO 4217 digits", () => {
  it('has digits for every currency (the code list gives them)', () => {
    expect(CURRENCY_CODES.filter((c) => digits(c) === undefined)).toEqual([]);
  });

  it('given IQD (ISO 4217: 3 digits, Intl: 0), 12.5 typed in is 12 500 fils', () => {
    expect(intlDigits('IQD')).toBe(0); // the disagreement this guards against
    expect(minorUnitsOf('12.5', digits('IQD'))).toBe(12_500);
    expect(minorUnitsOf(12.5, digits('IQD'))).toBe(12_500);
    expect(minorUnitsOf('12.125', digits('IQD'))).toBe(12_125);
    expect(minorUnitsOf('12.1255', digits('IQD'))).toBeUndefined();
    expect(formatMoney('en', 12_500, 'IQD', digits('IQD'))).toMatch(/^IQD\s12\.500$/);
  });

  it('given XAU (ISO 4217: none, so 0; Intl: 2), 3 typed in is 3 and 3.5 is refused', () => {
    expect(intlDigits('XAU')).toBe(2);
    expect(minorUnitsOf('3', digits('XAU'))).toBe(3);
    expect(minorUnitsOf('3.5', digits('XAU'))).toBeUndefined();
    expect(formatMoney('en', 3, 'XAU', digits('XAU'))).toMatch(/^XAU\s3$/);
  });

  it('EUR and JPY as before; unknown digits (code lists loading) give nothing, not a guess', () => {
    expect(minorUnitsOf('12.34', digits('EUR'))).toBe(1234);
    expect(minorUnitsOf('1000', digits('JPY'))).toBe(1000);
    expect(formatMoney('en', 1234, 'EUR', digits('EUR'))).toBe('€12.34');
    expect(minorUnitsOf('12.34', undefined)).toBeUndefined();
    expect(formatMoney('en', 1234, 'EUR', undefined)).toBe('');
  });

  it('converts a payment with both currencies’ ISO digits (EUR ↔ IQD)', () => {
    // 100 EUR (10 000 cents) at 1400.5 IQD per EUR: 140 050 IQD = 140 050 000 fils.
    expect(convertedMinorUnits(10_000, digits('EUR'), digits('IQD'), '1400.5')).toBe(140_050_000);
    // 1 000 IQD (1 000 000 fils) at 0.000655 EUR per IQD: 0.655 EUR, half up to 66 cents.
    expect(convertedMinorUnits(1_000_000, digits('IQD'), digits('EUR'), '0.000655')).toBe(66);
    expect(convertedMinorUnits(1_000, undefined, digits('EUR'), '1')).toBeUndefined();
  });
});
