import ar from './catalogue/ar.json';
import en from './catalogue/en.json';
import es from './catalogue/es.json';
import fr from './catalogue/fr.json';
import ru from './catalogue/ru.json';
import zh from './catalogue/zh.json';

/** The six official languages of the United Nations: every label exists in each. */
export const LABEL_LANGUAGES = ['ar', 'zh', 'en', 'fr', 'ru', 'es'] as const;
export type LabelLanguage = (typeof LABEL_LANGUAGES)[number];
export const FALLBACK_LANGUAGE: LabelLanguage = 'en';

/**
 * Whether a language's labels are checked: `source` (English, written with the domain),
 * `needs-native-review` (translated by the team, awaiting a native speaker), `reviewed`.
 */
export type ReviewStatus = 'source' | 'needs-native-review' | 'reviewed';

/** One language's message catalogue: a label for each code of each list, by list name. */
export interface Catalogue {
  readonly language: LabelLanguage;
  readonly review: { readonly status: ReviewStatus; readonly note: string };
  readonly lists: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The message catalogues, one JSON file per language (src/catalogue/<language>.json). */
export const CATALOGUES: Readonly<Record<LabelLanguage, Catalogue>> = {
  ar: ar as Catalogue,
  zh: zh as Catalogue,
  en: en as Catalogue,
  fr: fr as Catalogue,
  ru: ru as Catalogue,
  es: es as Catalogue,
};
