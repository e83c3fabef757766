import { LANGUAGES } from '../accounts/ports';
import { CATALOGUES, directionOf, pickLanguage, translator } from './i18n';

/** `{ a: { b: 'x' } }` → `['a.b']`. */
function keysOf(catalogue: object, prefix = ''): string[] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null
      ? keysOf(value as object, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Keys without plural suffixes; each plural key once, with the forms it has. */
function shape(catalogue: object): { plain: string[]; plurals: Map<string, string[]> } {
  const plain: string[] = [];
  const plurals = new Map<string, string[]>();
  for (const key of keysOf(catalogue)) {
    const match = PLURAL.exec(key);
    if (!match) plain.push(key);
    else {
      const base = key.slice(0, match.index);
      plurals.set(base, [...(plurals.get(base) ?? []), match[1]!].sort());
    }
  }
  return { plain: plain.sort(), plurals };
}

describe('the login pages’ catalogues', () => {
  const english = shape(CATALOGUES.en);

  it.each(LANGUAGES)('%s has every key of English and no other', (language) => {
    const catalogue = shape(CATALOGUES[language]);
    expect(catalogue.plain).toEqual(english.plain);
    expect([...catalogue.plurals.keys()].sort()).toEqual([...english.plurals.keys()].sort());
  });

  it.each(LANGUAGES)('%s has exactly the plural forms CLDR gives it', (language) => {
    const forms = [...new Intl.PluralRules(language).resolvedOptions().pluralCategories].sort();
    for (const [key, present] of shape(CATALOGUES[language]).plurals)
      expect({ key, forms: present }).toEqual({ key, forms });
  });

  it.each(LANGUAGES)('%s has no empty text and keeps every placeholder', (language) => {
    const t = translator(language);
    for (const key of english.plain) expect(t(key).trim()).not.toBe('');
    for (const key of english.plurals.keys())
      for (const count of [0, 1, 2, 3, 11, 100]) {
        const text = t(key, { count });
        expect(text).not.toMatch(/\{\{|\}\}/);
        expect(text).not.toBe(key);
      }
  });

  it('chooses the plural form by CLDR rules', () => {
    expect(translator('ar')('login.locked', { count: 2 })).toContain('دقيقتين');
    expect(translator('ar')('login.locked', { count: 5 })).toContain('5 دقائق');
    expect(translator('ru')('login.locked', { count: 5 })).toContain('5 минут.');
    expect(translator('ru')('login.locked', { count: 22 })).toContain('22 минуты');
    expect(translator('en')('login.locked', { count: 1 })).toContain('1 minute.');
  });
});

describe('the page’s language', () => {
  it('follows ui_locales first, then Accept-Language, then English', () => {
    expect(pickLanguage('de ar-EG', 'fr')).toBe('ar');
    expect(pickLanguage(undefined, 'de-DE,fr-CA;q=0.8,en;q=0.5')).toBe('fr');
    expect(pickLanguage('', 'zh-Hans-CN')).toBe('zh');
    expect(pickLanguage('de', 'de, nl')).toBe('en');
    expect(pickLanguage(undefined, undefined)).toBe('en');
    expect(pickLanguage(undefined, 'ru;q=0.2, es;q=0.9')).toBe('es');
  });

  it('is written right to left for Arabic only', () => {
    expect(LANGUAGES.filter((l) => directionOf(l) === 'rtl')).toEqual(['ar']);
  });
});
