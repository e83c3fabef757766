import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { CATALOGUE, TABLE_IDS } from '@remedy/statistics';

/**
 * The console's message catalogues (apps/web/src/locales/<language>/<area>.json): the six
 * languages, each area file with every key of the English one and no other, no key in two areas, each message valid ICU that formats in its language (plurals
 * with the categories the language needs). A key added to one catalogue only fails here.
 */
const DIR = join(__dirname, '../../apps/web/src/locales');
const LANGUAGES = ['ar', 'en', 'es', 'fr', 'ru', 'zh'];
const areasOf = (language: string): string[] =>
  readdirSync(join(DIR, language))
    .filter((f) => f.endsWith('.json'))
    .sort();
const loadArea = (language: string, area: string): Record<string, string> =>
  JSON.parse(readFileSync(join(DIR, language, area), 'utf8'));
/** A language's areas merged, as the console loads them. */
const load = (language: string): Record<string, string> =>
  Object.assign({}, ...areasOf(language).map((area) => loadArea(language, area)));

describe('the console catalogues', () => {
  const english = load('en');

  it('are the six UN languages, no more, no fewer', () => {
    expect(readdirSync(DIR).sort()).toEqual(LANGUAGES);
  });

  it.each(LANGUAGES)(
    '%s has the same area files as English, and no key in two areas',
    (language) => {
      expect(areasOf(language)).toEqual(areasOf('en'));
      const seen = new Map<string, string>();
      const twice: string[] = [];
      for (const area of areasOf(language))
        for (const key of Object.keys(loadArea(language, area))) {
          if (seen.has(key)) twice.push(`${key} (${seen.get(key)}, ${area})`);
          seen.set(key, area);
        }
      expect(twice).toEqual([]);
    },
  );

  it("labels every table of the statistics catalogue, its unit and its dimensions (the rapporteur's screens are driven by the catalogue)", () => {
    const missing = [
      ...TABLE_IDS.flatMap((id) => [`statistics.table.${id}`, `statistics.unit.${id}`]),
      ...CATALOGUE.flatMap((t) => t.dimensions.map((d) => `statistics.dim.${d.name}`)),
    ].filter((key) => !(key in english));
    // Every language has every English key (below): a table missing in one fails there.
    expect(missing).toEqual([]);
  });

  it.each(LANGUAGES)('%s has every key of English and no other, none empty', (language) => {
    const messages = load(language);
    const missing = Object.keys(english).filter((key) => !(key in messages));
    const extra = Object.keys(messages).filter((key) => !(key in english));
    const empty = Object.keys(messages).filter((key) => messages[key]!.trim() === '');
    expect({ missing, extra, empty }).toEqual({ missing: [], extra: [], empty: [] });
  });

  it.each(LANGUAGES)(
    '%s: every message is ICU that formats, with the plural forms of the language',
    (language) => {
      const messages = load(language);
      const values = {
        ...{ count: 0, minutes: 0, reference: 'ORG-1', roles: 'x' },
        // lists.*
        ...{ page: 2, date: 'x', what: 'x', organisation: 'x', status: 'x', service: 'x' },
        // administration and supervision (apps/web/src/admin, supervisor)
        ...{ name: 'x', expires: 'x' },
        // the national report (apps/web/src/report; year, k, base, ε, dimension as below)
        ...{ previous: '2025', mode: 'x' },
        // charts (apps/web/src/charts) and the rapporteur's statistics (apps/web/src/statistics)
        ...{
          kind: 'bar',
          title: 'x',
          rows: 3,
          series: 2,
          max: '7',
          suppressed: 1,
          cells: 'x',
          format: 'CSV',
        },
        ...{ year: 2026, tables: 12, progress: '5', rule: 'x', epsilon: '1', share: '0.1' },
        ...{ scale: '2', k: 10, base: 5, dimension: 'x', currency: 'EUR' },
        // legal aid (apps/web/src/legal-aid)
        ...{ currency: 'EUR', number: 1, avenue: 'x' },
        // possible duplicates (apps/web/src/cases/duplicates.tsx)
        ...{ otherReference: 'ORG-2', reason: 'x' },
      };
      const failures: string[] = [];
      for (const [key, message] of Object.entries(messages)) {
        try {
          const format = new IntlMessageFormat(message, language);
          for (const n of [0, 1, 2, 3, 5, 11, 21, 100])
            format.format({ ...values, count: n, minutes: n });
        } catch (error) {
          failures.push(`${key}: ${(error as Error).message}`);
        }
        // A plural names each category the language distinguishes (e.g. ru: one, few, many).
        if (/\{\w+, plural,/.test(message)) {
          const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
          for (const category of categories)
            if (category !== 'other' && !new RegExp(`\\b${category} \\{`).test(message))
              failures.push(`${key}: no "${category}" form`);
        }
      }
      expect(failures).toEqual([]);
    },
  );
});
