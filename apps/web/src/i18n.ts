import i18next, { type i18n } from 'i18next';
import ICU from 'i18next-icu';
import { initReactI18next } from 'react-i18next';

/** The console's languages: the six UN languages, as the API's code lists and login pages. */
export const LANGUAGES = ['ar', 'en', 'es', 'fr', 'ru', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language by its own name (not translated: a person finds their language by it). */
export const ENDONYMS: Record<Language, string> = {
  ar: 'العربية',
  en: 'English',
  es: 'Español',
  fr: 'Français',
  ru: 'Русский',
  zh: '中文',
};

const RTL: ReadonlySet<Language> = new Set(['ar']);
export const directionOf = (language: Language): 'rtl' | 'ltr' =>
  RTL.has(language) ? 'rtl' : 'ltr';

/**
 * The catalogues: `locales/<language>/<area>.json`, one file per area of the console (the shell,
 * the case screens, administration...), so each area's messages live beside each other and two
 * areas never edit one file. A language's files are merged into one flat set of keys (each key is
 * prefixed by its area, and a key in two files fails the completeness test); one chunk per file,
 * so only the chosen language is downloaded.
 */
const catalogues = import.meta.glob<Record<string, string>>('./locales/*/*.json', {
  import: 'default',
});

/**
 * The first of the browser's languages (`navigator.languages`, in the person's order) the console
 * speaks, by primary subtag (`fr-CA` → fr, `zh-Hant-TW` → zh); English when none.
 */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0] as Language;
    if ((LANGUAGES as readonly string[]).includes(primary)) return primary;
  }
  return 'en';
}

/** `<html lang dir>`: screen readers pick their voice from it; the layout mirrors from `dir`. */
export function applyDocumentLanguage(language: Language): void {
  document.documentElement.lang = language;
  document.documentElement.dir = directionOf(language);
}

async function load(instance: i18n, language: Language): Promise<void> {
  if (instance.hasResourceBundle(language, 'translation')) return;
  const files = Object.entries(catalogues).filter(([path]) =>
    path.startsWith(`./locales/${language}/`),
  );
  const parts = await Promise.all(files.map(([, loadFile]) => loadFile()));
  instance.addResourceBundle(language, 'translation', Object.assign({}, ...parts));
}

/** i18next with ICU messages (plurals, selects), keys as flat strings (`cases.title`). */
export async function createI18n(language: Language): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance
    .use(ICU)
    .use(initReactI18next)
    .init({
      lng: language,
      fallbackLng: false,
      supportedLngs: [...LANGUAGES],
      keySeparator: false,
      nsSeparator: false,
      interpolation: { escapeValue: false }, // React escapes
      resources: {},
      returnNull: false,
    });
  await load(instance, language);
  await instance.changeLanguage(language);
  applyDocumentLanguage(language);
  return instance;
}

/** Switches the interface language (loads its catalogue first) and the document's lang/dir. */
export async function switchLanguage(instance: i18n, language: Language): Promise<void> {
  await load(instance, language);
  await instance.changeLanguage(language);
  applyDocumentLanguage(language);
}
