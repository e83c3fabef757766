import countries from 'i18n-iso-countries';
import currencyCodes from 'currency-codes';
import ISO6391 from 'iso-639-1';
import {
  ASSISTANCE_TYPES,
  COUNTRY_CODES,
  CURRENCY_CODES,
  FORMS_OF_EXPLOITATION,
  HTCDS_ASSISTANCE_TYPE,
  HTCDS_FORM_OF_EXPLOITATION,
  HTCDS_MEANS_OF_CONTROL,
  HTCDS_REFERRAL_SOURCE,
  HTCDS_SUPPORT_PLAN_TYPES,
  ISO_COUNTRY_CODES,
  LANGUAGE_CODES,
  MEANS_OF_CONTROL,
  ORGANISATION_TYPES,
  REFERRAL_SOURCES,
  SECTORS,
  SEX_GENDER,
  isCode,
  minorUnitExponent,
} from './index';

describe('code lists', () => {
  it('ISO 3166-1 alpha-2: exactly the codes of i18n-iso-countries, plus STATELESS and UNKNOWN', () => {
    expect([...ISO_COUNTRY_CODES].sort()).toEqual(Object.keys(countries.getAlpha2Codes()).sort());
    expect(COUNTRY_CODES).toEqual([...ISO_COUNTRY_CODES, 'STATELESS', 'UNKNOWN']);
  });

  it('ISO 4217: exactly the codes of currency-codes', () => {
    expect([...CURRENCY_CODES].sort()).toEqual(currencyCodes.codes().sort());
    expect(CURRENCY_CODES).toContain('EUR');
  });

  it('ISO 4217 minor units: the digits of currency-codes ("N.A." counts as 0)', () => {
    for (const code of CURRENCY_CODES)
      expect([code, minorUnitExponent(code)]).toEqual([code, currencyCodes.code(code)!.digits]);
    expect([minorUnitExponent('EUR'), minorUnitExponent('JPY'), minorUnitExponent('KWD')]).toEqual([
      2, 0, 3,
    ]);
    expect(minorUnitExponent('CLF')).toBe(4);
  });

  it('ISO 639-1: exactly the codes of iso-639-1', () => {
    expect([...LANGUAGE_CODES].sort()).toEqual(ISO6391.getAllCodes().sort());
  });

  it('keeps the HTCDS values and the Remedy additions', () => {
    expect(FORMS_OF_EXPLOITATION).toHaveLength(12);
    expect(FORMS_OF_EXPLOITATION).toContain('ForcedCriminality');
    expect(MEANS_OF_CONTROL).toHaveLength(17);
    expect(MEANS_OF_CONTROL).toContain('RestrictsMovement');
    expect(SECTORS).toHaveLength(21);
    expect(SECTORS.map((s) => s[0]).join('')).toBe('ABCDEFGHIJKLMNOPQRSTU');
    expect(SEX_GENDER).toEqual([
      'Feminine',
      'Masculine',
      'TransgenderFeminine',
      'TransgenderMasculine',
      'NonConforming',
      'NonSpecifiedUnknown',
    ]);
    expect(REFERRAL_SOURCES).toEqual([
      ...ORGANISATION_TYPES,
      'SelfReferral',
      'Hotline',
      'LabourInspectorate',
      'Embassy',
      'Other',
    ]);
  });

  it('maps every value to HTCDS for the export', () => {
    for (const form of FORMS_OF_EXPLOITATION)
      expect(FORMS_OF_EXPLOITATION).toContain(HTCDS_FORM_OF_EXPLOITATION[form]);
    expect(HTCDS_FORM_OF_EXPLOITATION.ForcedCriminality).toBe('Other');
    expect(HTCDS_MEANS_OF_CONTROL.RestrictsMovement).toBe('Other');
    for (const source of REFERRAL_SOURCES) {
      const mapped = HTCDS_REFERRAL_SOURCE[source];
      expect(mapped === null || ORGANISATION_TYPES.includes(mapped)).toBe(true);
    }
    for (const type of ORGANISATION_TYPES) expect(HTCDS_REFERRAL_SOURCE[type]).toBe(type);
    for (const type of ASSISTANCE_TYPES)
      expect(HTCDS_SUPPORT_PLAN_TYPES).toContain(HTCDS_ASSISTANCE_TYPE[type]);
  });

  it('isCode checks membership and type', () => {
    expect(isCode(SEX_GENDER, 'NonConforming')).toBe(true);
    expect(isCode(SEX_GENDER, 'nonconforming')).toBe(false);
    expect(isCode(SEX_GENDER, 1)).toBe(false);
  });
});
