import negotiate from '@fastify/accept-negotiator';
import i18next, { type TFunction } from 'i18next';
import { isLanguage, type Language, LANGUAGES } from '../accounts/ports';
import ar from './locales/ar.json';
import en from './locales/en.json';
import es from './locales/es.json';
import fr from './locales/fr.json';
import ru from './locales/ru.json';
import zh from './locales/zh.json';

/** The catalogues of the login pages, one per language (English is the reference). */
export const CATALOGUES: Readonly<Record<Language, object>> = { ar, en, es, fr, ru, zh };

/**
 * One i18next instance for every request (initialised synchronously, resources in memory):
 * `getFixedT(language)` gives a request its own translation function, so requests in different
 * languages never share state. Plurals follow CLDR through Intl.PluralRules (`key_one`,
 * `key_few`, ...). React escapes the output, so i18next does not.
 */
const instance = i18next.createInstance();
void instance.init({
  resources: Object.fromEntries(
    LANGUAGES.map((language) => [language, { translation: CATALOGUES[language] }]),
  ),
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

export type Translate = TFunction;

export function translator(language: Language): Translate {
  return instance.getFixedT(language);
}

export const directionOf = (language: Language): 'rtl' | 'ltr' =>
  language === 'ar' ? 'rtl' : 'ltr';

/** `ar-EG` → `ar`; `zh-Hans-CN` → `zh`. */
const primary = (tag: string): string => tag.trim().split(/[-_]/)[0]!.toLowerCase();

/**
 * The page's language: the first supported one of the OpenID request's `ui_locales` (space-separated
 * BCP 47 tags, in order of preference), else the best of the browser's `Accept-Language` (quality
 * values honoured, region subtags ignored), else English.
 */
export function pickLanguage(
  uiLocales: string | undefined,
  acceptLanguage: string | undefined,
): Language {
  for (const tag of (uiLocales ?? '').split(' ')) {
    const language = primary(tag);
    if (isLanguage(language)) return language;
  }
  if (acceptLanguage) {
    const simplified = acceptLanguage
      .split(',')
      .map((part) => {
        const [tag = '', ...params] = part.split(';');
        return [primary(tag), ...params].join(';');
      })
      .join(',');
    const chosen = negotiate(simplified, [...LANGUAGES]);
    if (isLanguage(chosen)) return chosen;
  }
  return 'en';
}
