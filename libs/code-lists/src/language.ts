import { negotiate } from '@fastify/accept-negotiator';
import { FALLBACK_LANGUAGE, LABEL_LANGUAGES, type LabelLanguage } from './catalogue';

/** English first: a wildcard (`*`) answers it. */
const SUPPORTED: LabelLanguage[] = [
  FALLBACK_LANGUAGE,
  ...LABEL_LANGUAGES.filter((l) => l !== FALLBACK_LANGUAGE),
];

/**
 * The language of the labels: `?lang=` if it names one of the six, else the `Accept-Language`
 * header, else English. Quality values are weighed by `@fastify/accept-negotiator` (Fastify's own
 * negotiator, shipped with @fastify/static); written here only: a language range counts by its
 * primary subtag (`zh-CN`, `zh-Hans` → zh; RFC 4647 lookup reduced to the six languages that
 * have no regional variants of their own here), case-insensitively.
 * `ar;q=0.9, fr` → fr; `de` → en.
 */
export function chooseLanguage(query?: string, acceptLanguage?: string): LabelLanguage {
  for (const header of [query, acceptLanguage]) {
    if (!header) continue;
    const primary = header.toLowerCase().replace(/([a-z*]+)(?:-[a-z0-9]+)+/g, '$1');
    const chosen = negotiate(primary, SUPPORTED);
    if (chosen) return chosen;
  }
  return FALLBACK_LANGUAGE;
}
