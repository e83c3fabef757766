import { APPLICATION_RULE_IDS } from '@remedy/case-commands';
import * as domain from '@remedy/case-domain';
import { CATALOGUES, LABEL_LANGUAGES } from './catalogue';
import {
  CODE_LIST_NAMES,
  CODE_LISTS,
  labelOf,
  labelledCodeList,
  RULE_TITLES_FROM_CATALOGUES,
  ruleMessage,
} from './code-lists';
import { chooseLanguage } from './language';

/**
 * Exported string lists of @remedy/case-domain that are no code list a person reads:
 * the event types are the event store's names; the ISO countries are `countries` without its
 * two non-country values.
 */
const NOT_LABELLED = new Set(['CASE_EVENT_TYPES', 'ISO_COUNTRY_CODES']);

/**
 * Labels spelt as their code in that language: the word is the same in French and in the English
 * the code is written in. Anything else equal to its code is an untranslated label.
 */
const SAME_AS_CODE: Record<string, readonly string[]> = {
  fr: ['Servitude', 'Police', 'Restitution', 'Satisfaction'],
};

const domainLists = Object.entries(domain as Record<string, unknown>).filter(
  (entry): entry is [string, readonly string[]] =>
    /^[A-Z][A-Z0-9_]+$/.test(entry[0]) &&
    Array.isArray(entry[1]) &&
    entry[1].length > 0 &&
    entry[1].every((v) => typeof v === 'string'),
);

describe('code lists: labels in the six UN languages', () => {
  it("serves every code list the domain exports (the domain's own arrays, not copies)", () => {
    expect(domainLists.length).toBeGreaterThan(30);
    const served = new Set<readonly string[]>(Object.values(CODE_LISTS).map((l) => l.codes));
    const missing = domainLists
      .filter(([name, codes]) => !NOT_LABELLED.has(name) && !served.has(codes))
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it.each(LABEL_LANGUAGES)('%s: every code of every list has a label', (language) => {
    const defects: string[] = [];
    let checked = 0;
    for (const name of CODE_LIST_NAMES)
      for (const code of CODE_LISTS[name].codes) {
        checked++;
        const label = labelOf(name, code, language);
        if (typeof label !== 'string' || label.trim() === '') defects.push(`${name}/${code}: none`);
        else if (
          language !== 'en' &&
          label === code &&
          !(SAME_AS_CODE[language] ?? []).includes(code)
        )
          defects.push(`${name}/${code}: the code itself`);
      }
    expect(defects).toEqual([]);
    expect(checked).toBeGreaterThan(700);
  });

  it('each catalogue labels only codes of the domain (no stale or misspelt key)', () => {
    const stale: string[] = [];
    for (const language of LABEL_LANGUAGES)
      for (const [name, labels] of Object.entries(CATALOGUES[language].lists)) {
        const list = (CODE_LISTS as Record<string, { codes: readonly string[] }>)[name];
        if (!list) stale.push(`${language}: list ${name}`);
        else
          for (const code of Object.keys(labels))
            if (!list.codes.includes(code)) stale.push(`${language}: ${name}/${code}`);
      }
    expect(stale).toEqual([]);
  });

  it('the catalogues say which translations await a native speaker: every one but English', () => {
    const status = Object.fromEntries(LABEL_LANGUAGES.map((l) => [l, CATALOGUES[l].review.status]));
    expect(status).toEqual({
      ar: 'needs-native-review',
      zh: 'needs-native-review',
      en: 'source',
      fr: 'needs-native-review',
      ru: 'needs-native-review',
      es: 'needs-native-review',
    });
    for (const l of LABEL_LANGUAGES) expect(CATALOGUES[l].language).toBe(l);
  });

  it('country, language and currency names come from ICU (Intl.DisplayNames), in Arabic too', () => {
    const names = (list: 'countries' | 'languages' | 'currencies', language: 'ar' | 'zh' | 'en') =>
      Object.fromEntries(labelledCodeList(list, language).codes.map((c) => [c.code, c.label]));
    const ar = names('countries', 'ar');
    expect(ar.NG).toBe(new Intl.DisplayNames(['ar'], { type: 'region' }).of('NG'));
    expect(ar.NG).toBe('نيجيريا');
    expect(ar.FR).toBe('فرنسا');
    expect(ar.STATELESS).toBe('عديم الجنسية');
    expect(names('languages', 'ar').fr).toBe('الفرنسية');
    expect(names('currencies', 'zh').EUR).toBe('欧元');
    expect(names('countries', 'en').XK).toBe('Kosovo');
    expect(labelledCodeList('countries', 'ar').source).toBe('icu');
    expect(labelledCodeList('sectors', 'ar').source).toBe('catalogue');
  });

  it("carries every currency's ISO 4217 minor-unit digits from the domain's table, and only there", () => {
    const currencies = labelledCodeList('currencies', 'ar').codes;
    expect(currencies.map((c) => c.code)).toEqual([...domain.CURRENCY_CODES]);
    for (const { code, digits } of currencies)
      expect([code, digits]).toEqual([code, domain.minorUnitExponent(code as domain.CurrencyCode)]);
    const digitsOf = Object.fromEntries(currencies.map((c) => [c.code, c.digits]));
    // Where Intl (ICU/CLDR) says otherwise (IQD 0, RSD 0 in Chromium, XAU 2): ISO 4217 wins.
    expect([
      digitsOf.EUR,
      digitsOf.JPY,
      digitsOf.IQD,
      digitsOf.RSD,
      digitsOf.XAU,
      digitsOf.CLF,
    ]).toEqual([2, 0, 3, 2, 0, 4]);
    for (const name of CODE_LIST_NAMES.filter((n) => n !== 'currencies'))
      expect(labelledCodeList(name, 'en').codes.filter((c) => c.digits !== undefined)).toEqual([]);
  });

  it("names each rule in the caller's language", () => {
    expect(ruleMessage('CLOSURE_FOUR_EYES', 'en')).toBe(
      'Closure must be approved by someone other than the person who requested it.',
    );
    expect(ruleMessage('CASE_CLOSED', 'fr')).toBe('Le dossier est clos.');
    expect(labelledCodeList('rules', 'ar').codes.map((c) => c.code)).toEqual([...domain.RULE_IDS]);
    expect(labelledCodeList('application-rules', 'ar').codes.map((c) => c.code)).toEqual([
      ...APPLICATION_RULE_IDS,
    ]);
    expect(ruleMessage('IDEMPOTENCY_KEY_REUSED', 'es')).toBe(
      'Esta Idempotency-Key ya se utilizó para otra solicitud.',
    );
  });

  it('titles a refusal (422) in the language asked for, English by default', () => {
    expect(RULE_TITLES_FROM_CATALOGUES.titleOf('CASE_CLOSED', 'fr', undefined)).toEqual({
      title: 'Le dossier est clos.',
      language: 'fr',
    });
    expect(RULE_TITLES_FROM_CATALOGUES.titleOf('CASE_CLOSED', undefined, 'de, ar;q=0.5')).toEqual({
      title: ruleMessage('CASE_CLOSED', 'ar'),
      language: 'ar',
    });
    expect(RULE_TITLES_FROM_CATALOGUES.titleOf('CASE_CLOSED', undefined, undefined)?.language).toBe(
      'en',
    );
    expect(RULE_TITLES_FROM_CATALOGUES.titleOf('NO_SUCH_RULE', 'fr', undefined)).toBeUndefined();
  });
});

describe('the language of the labels', () => {
  it.each([
    [undefined, 'ar;q=0.9, fr', 'fr'],
    [undefined, 'ar, fr;q=0.9', 'ar'],
    [undefined, 'zh-CN,zh;q=0.9,en;q=0.8', 'zh'],
    [undefined, 'es-419', 'es'],
    [undefined, 'de-DE, de;q=0.9', 'en'],
    [undefined, 'de, ru;q=0.2', 'ru'],
    [undefined, 'fr;q=0', 'en'],
    [undefined, '*', 'en'],
    [undefined, undefined, 'en'],
    ['ar', 'fr', 'ar'],
    ['RU', undefined, 'ru'],
    ['de', 'es', 'es'],
    ['xx', undefined, 'en'],
  ])('?lang=%s, Accept-Language %s → %s', (query, header, expected) => {
    expect(chooseLanguage(query, header)).toBe(expected);
  });
});
