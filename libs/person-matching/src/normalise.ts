import { normaliseName } from '@remedy/crypto';
import { doubleMetaphone } from 'double-metaphone';
import { transliterate } from 'transliteration';

/**
 * Name normalisation for matching, the same on both sides of every comparison:
 *
 * 1. Arabic short-vowel marks (harakat), the superscript alif and the tatweel are removed (the
 *    transliterator would spell them out: مُحَمَّد as "muHamaWd"; most writers leave them out).
 * 2. Every script is transliterated to Latin letters by the `transliteration` package (Arabic,
 *    Cyrillic, Greek, CJK, ...): محمد → "mHmd", Мухаммед → "Muhammed".
 * 3. `normaliseName` of @remedy/crypto (the blind index's): NFKD, diacritics stripped, ß → ss,
 *    ø → o, lower case, dashes as spaces, other punctuation removed (Arabic ' for hamza, @ for ta
 *    marbuta, ~ for alif maqsura among them).
 * 4. The name is split into parts; their order does not matter anywhere below.
 * 5. Particles written as parts of their own are dropped (al, el, ibn, bin, de, van, ...); the
 *    Arabic compound "abd" (servant of) and "abu" (father of) are joined to the next part, with
 *    the article between them removed: "Abd al-Rahman", "Abdul Rahman", "Abdelrahman" and
 *    عبد الرحمن are all the one part "abdrahman" (عبد الرحمن as "abdrhmn", which meets the
 *    others in the consonant skeleton).
 * 6. A part that begins with the article (al-/el-, or ال in Arabic script, which transliterates
 *    as a bare "l") also yields the form without it: "Alhassan", "al Hassan", الحسن and "Hassan"
 *    meet, and so do "Aleksandr" and الكسندر, whose ال is not an article.
 * 7. Each form has a consonant skeleton (`consonantSkeleton`) and Double Metaphone keys.
 * 8. A Latin part also has the skeletons of its spelling in other conventions (LATIN_CONVENTIONS:
 *    ch and x as kh, th as s, j as y, g as h), for the organisation's tokens.
 */
export interface NamePart {
  /** The normalised Latin part. */
  readonly text: string;
  /** The part and its article-less form, when it has one. */
  readonly forms: readonly string[];
  /** Consonant skeletons of the forms (see `consonantSkeleton`). */
  readonly skeletons: readonly string[];
  /** Skeletons of the forms spelled in other conventions (rule 8; the tokens use them, CLKs not). */
  readonly conventionSkeletons: readonly string[];
  /** Double Metaphone keys (primary and alternate) of the forms. */
  readonly phonetic: readonly string[];
}

const ARABIC_MARKS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/gu;
const ARABIC_LETTER = /[\u0600-\u06FF\u0750-\u077F]/u;

const PARTICLES = new Set([
  'al',
  'el',
  'ul',
  'ibn',
  'bin',
  'bint',
  'binti',
  'ben',
  'ould',
  'de',
  'da',
  'do',
  'dos',
  'das',
  'del',
  'della',
  'di',
  'du',
  'la',
  'le',
  'van',
  'von',
  'der',
  'den',
  'y',
]);
/** Arabic "abd" (عبد, transliterated "aabd") and its Latin prefixes abdul/abdel/abdal/abdur/abdoul. */
const ABD = /^(?:a{1,2}|e)?bd(?:ul|el|al|ur|ar|er|oul)?$/;
/** Abd written together with the next part: Abdulrahman, Abdelkader, Abdullah, Abdurrahman. */
const ABD_PREFIX = /^(?:a{1,2}|e)?bd[aeiou]+(.{3,})$/;
/** عبد written together with the next word in Arabic script (عبدالرحمن, "aabdlrhmn"): no vowels. */
const ABD_ARABIC_PREFIX = /^a{0,2}bd(.{3,})$/;
/** Arabic "abu" (أبو, father of). */
const ABU = /^(?:a{1,2})?b(?:u|ou|o|oo|w)$/;

/** Splits a full name into normalised Latin parts (order as written; compare them as a set). */
export function latinParts(name: string): RawPart[] {
  const raw = name.normalize('NFC').replace(ARABIC_MARKS, '');
  const out: RawPart[] = [];
  for (const word of raw.split(/[\s\p{Pd}]+/u)) {
    if (!word) continue;
    const arabic = ARABIC_LETTER.test(word);
    const latin = normaliseName(transliterate(word)).replace(/[^a-z0-9 ]/g, '');
    for (const text of latin.split(' ')) if (text) out.push({ text, arabic });
  }
  return out;
}

export interface RawPart {
  readonly text: string;
  readonly arabic: boolean;
  /** Other spellings of the same part (the article kept or dropped). */
  readonly alternatives?: readonly string[];
}

/** "abd" + the rest, with and without a leading l (the article: Abdulaziz, Abdellatif). */
function abdCompound(rest: string, arabic: boolean): { text: string; alternatives: string[] } {
  const base = arabic ? stripArticle(rest, true) : rest;
  const without = base.replace(/^l/, '');
  const alternatives = without.length >= 2 && without !== base ? [`abd${without}`] : [];
  return { text: `abd${base}`, alternatives };
}

/** Drops particles and joins "abd"/"abu" to the next part (rule 5). */
function joinCompounds(parts: RawPart[]): RawPart[] {
  const out: RawPart[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (PARTICLES.has(part.text) && parts.length > 1) continue;
    const prefix = ABD.test(part.text)
      ? null
      : (part.arabic ? ABD_ARABIC_PREFIX : ABD_PREFIX).exec(part.text);
    if (prefix) {
      out.push({ ...abdCompound(prefix[1]!, part.arabic), arabic: part.arabic });
      continue;
    }
    const isAbd = ABD.test(part.text);
    const isAbu = ABU.test(part.text);
    if ((isAbd || isAbu) && i + 1 < parts.length) {
      let j = i + 1;
      while (j < parts.length - 1 && PARTICLES.has(parts[j]!.text)) j++;
      const next = parts[j]!;
      if (isAbd)
        out.push({ ...abdCompound(next.text, next.arabic), arabic: part.arabic || next.arabic });
      else
        out.push({
          text: `abu${next.arabic ? stripArticle(next.text, true) : next.text}`,
          arabic: part.arabic || next.arabic,
        });
      i = j;
      continue;
    }
    out.push(part);
  }
  return out;
}

/** The part without a leading article: "alhassan" → "hassan"; Arabic "lhsn" → "hsn". */
function stripArticle(text: string, arabic: boolean): string {
  const m = arabic ? /^(?:a|aa)?l(.{2,})$/.exec(text) : /^[ae]l(.{3,})$/.exec(text);
  return m ? m[1]! : text;
}

/**
 * A vowel-insensitive consonant skeleton, so that spellings of one name in different
 * transliteration conventions meet (Arabic script writes no short vowels: محمد is "mhmd"):
 * digraphs to one letter (tsch/tsh/ch/tch/cz → c, shch/sch/sh/sz → s, zh/dzh/dj → j, kh → h,
 * ph → f, th → t, dh → d, gh → g, ts/tz → s), c/q/ck → k, x → ks, a final h dropped (Fatimah,
 * Abdullah and عبد الله), j between a consonant and a vowel dropped (Natalja), w → v (Iwanow) or
 * dropped (`w: 'drop'`: Arabic و is mostly a long vowel), y dropped, then the letters Arabic
 * script cannot tell apart or that final devoicing confuses merged: v → f, p → b, d → t, z → s;
 * vowels dropped, doubled letters collapsed. Muhammad, Mohamed, Mohammed, Mehmet, Мухаммед and
 * محمد all give "mhmt"; Ivanov, Iwanow, Ivanoff and إيفانوف give "fnf".
 */
export function consonantSkeleton(part: string, w: 'v' | 'drop' = 'v'): string {
  return part
    .replace(/tsch|tsh/g, 'C')
    .replace(/szcz/g, 'sC')
    .replace(/shch|sch|sh|sz/g, 's')
    .replace(/dzh|dj|zh/g, 'j')
    .replace(/tch|ch|cz/g, 'C')
    .replace(/kh/g, 'h')
    .replace(/ph/g, 'f')
    .replace(/th/g, 't')
    .replace(/dh/g, 'd')
    .replace(/gh/g, 'g')
    .replace(/ts|tz/g, 's')
    .replace(/ck|c|q/g, 'k')
    .replace(/x/g, 'ks')
    .replace(/h$/g, '')
    .replace(/([^aeiouy])j(?=[aeiou])/g, '$1')
    .replace(/w/g, w === 'v' ? 'v' : '')
    .replace(/y/g, '')
    .replace(/v/g, 'f')
    .replace(/p/g, 'b')
    .replace(/d/g, 't')
    .replace(/z/g, 's')
    .replace(/[aeiou]/g, '')
    .replace(/C/g, 'c')
    .replace(/(.)\1+/g, '$1');
}

/** Double Metaphone keys (primary, alternate) of a Latin part. */
export function phoneticKeys(part: string): string[] {
  const [primary, alternate] = doubleMetaphone(part);
  return [...new Set([primary, alternate].filter((k) => k.length > 0))];
}

/**
 * Letters that Latin spelling conventions use for different sounds (rule 8): each gives the part a
 * further skeleton. German and Dutch "ch" is the Arabic and Russian kh (Achmed, Chaled); the Uzbek
 * Latin "x" is kh too (Baxtiyor); Arabic ث is written "th" or "s" (Uthman, Usman); the Slavic and
 * German "j" is a y (Julija, Sergej); Russian writes the h of other languages as г, and Ukrainian
 * г is an h (Гасан / Hassan, Магомед / Mohamed, Сергей / Serhii). Only th → s applies to Arabic
 * script (ث, transliterated th). These are for the organisation's tokens only (`NamePart.
 * conventionSkeletons`): the CLKs keep the part's own skeletons (more skeleton bits made more
 * namesakes link across organisations).
 */
const LATIN_CONVENTIONS: readonly (readonly [RegExp, string, 'arabic too' | 'latin'])[] = [
  [/ch/g, 'kh', 'latin'],
  [/x/g, 'kh', 'latin'],
  [/th/g, 's', 'arabic too'],
  [/j/g, 'y', 'latin'],
  [/g/g, 'h', 'latin'],
];

/** The parts of a name with their forms, skeletons and phonetic keys (empty for no name). */
export function nameParts(name: string | undefined): NamePart[] {
  if (!name) return [];
  const parts = joinCompounds(latinParts(name));
  const seen = new Set<string>();
  const out: NamePart[] = [];
  for (const part of parts) {
    if (seen.has(part.text)) continue;
    seen.add(part.text);
    const stripped = stripArticle(part.text, part.arabic);
    const forms = [...new Set([part.text, stripped, ...(part.alternatives ?? [])])];
    // Arabic و is mostly a vowel: dropped; a Latin w may be a v (Iwanow) or an Arabic و (Walid).
    const skeletons = [
      ...new Set(
        forms
          .flatMap((f) =>
            part.arabic
              ? [consonantSkeleton(f, 'drop')]
              : [consonantSkeleton(f, 'v'), consonantSkeleton(f, 'drop')],
          )
          .filter((s) => s.length > 0),
      ),
    ];
    // Spellings of other conventions (rule 8).
    const conventionSkeletons: string[] = [];
    for (const form of forms)
      for (const [pattern, replacement, scripts] of LATIN_CONVENTIONS) {
        if (part.arabic && scripts === 'latin') continue;
        const spelled = form.replace(pattern, replacement);
        const other =
          spelled === form ? '' : consonantSkeleton(spelled, part.arabic ? 'drop' : 'v');
        if (other.length > 0 && !skeletons.includes(other) && !conventionSkeletons.includes(other))
          conventionSkeletons.push(other);
      }
    const phonetic = [...new Set(forms.flatMap(phoneticKeys))];
    out.push({ text: part.text, forms, skeletons, conventionSkeletons, phonetic });
  }
  return out;
}

/** Deletion neighbourhood of a part (SymSpell, distance 1): two parts one edit apart share one. */
export function deletionVariants(part: string): string[] {
  const out = new Set<string>([part]);
  for (let i = 0; i < part.length; i++) out.add(part.slice(0, i) + part.slice(i + 1));
  return [...out];
}

/** Padded bigrams of a part: "ali" → _a, al, li, i_. */
export function bigrams(part: string): string[] {
  const padded = `_${part}_`;
  const out: string[] = [];
  for (let i = 0; i + 2 <= padded.length; i++) out.push(padded.slice(i, i + 2));
  return out;
}

// ---- Birth ----

/** Years either side of an estimated birth year (an age estimate) that still agree. */
export const ESTIMATE_TOLERANCE_YEARS = 3;

export interface Birth {
  /** YYYY-MM-DD when a birth date is known. */
  readonly date?: string;
  readonly year: number;
  /** 0 for a known date, ESTIMATE_TOLERANCE_YEARS for an estimate. */
  readonly tolerance: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The birth date when valid, else the estimated year, else undefined (nothing to compare). */
export function birthOf(person: {
  readonly birthDate?: string;
  readonly estimatedBirthYear?: number;
}): Birth | undefined {
  const m = person.birthDate ? ISO_DATE.exec(person.birthDate.trim()) : null;
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const probe = new Date(Date.UTC(y, mo - 1, d));
    if (probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d)
      return { date: `${m[1]}-${m[2]}-${m[3]}`, year: y, tolerance: 0 };
  }
  const est = person.estimatedBirthYear;
  if (typeof est === 'number' && Number.isInteger(est) && est > 1800 && est < 2200)
    return { year: est, tolerance: ESTIMATE_TOLERANCE_YEARS };
  return undefined;
}

/** The years a birth agrees with: [year - tolerance, year + tolerance]. */
export function birthYears(birth: Birth): number[] {
  const out: number[] = [];
  for (let y = birth.year - birth.tolerance; y <= birth.year + birth.tolerance; y++) out.push(y);
  return out;
}

/** ISO 3166-1 alpha-2 codes, upper case, deduplicated. */
export function citizenshipsOf(codes: readonly string[] | undefined): string[] {
  return [
    ...new Set(
      (codes ?? []).map((c) => c.trim().toUpperCase()).filter((c) => /^[A-Z]{2}$/.test(c)),
    ),
  ].sort();
}

/** The sex/gender code, trimmed and lower-cased, or undefined. */
export function sexOf(sex: string | undefined): string | undefined {
  const s = sex?.trim().toLowerCase();
  return s ? s : undefined;
}
