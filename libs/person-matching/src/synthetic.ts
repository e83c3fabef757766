import table from '../data/name-variants.json';
import type { PersonIdentifiers } from './person';

/**
 * Synthetic persons for the specs and the benchmark (no real data): names drawn from the
 * committed table of real spellings (data/name-variants.json), birth dates, citizenships and sex
 * from a seeded PRNG, and duplicates of them under stated corruptions.
 */
export interface NameGroup {
  readonly name: string;
  readonly kind: 'given' | 'family';
  readonly region: string;
  readonly sex?: 'm' | 'f';
  readonly spellings: {
    readonly latin: readonly string[];
    readonly cyrillic: readonly string[];
    readonly arabic: readonly string[];
  };
}

export const NAME_VARIANTS: readonly NameGroup[] = (table as { groups: NameGroup[] }).groups;

/** Every spelling of a group, Latin first. */
export const spellingsOf = (g: NameGroup): string[] => [
  ...g.spellings.latin,
  ...g.spellings.cyrillic,
  ...g.spellings.arabic,
];

/** mulberry32: a small seeded PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random bytes from a seeded PRNG (for encodeClk's flips in reproducible runs). */
export function seededBytes(random: () => number): (n: number) => Buffer {
  return (n) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i += 4) {
      const v = Math.floor(random() * 4294967296);
      for (let j = 0; j < 4 && i + j < n; j++) b[i + j] = (v >>> (8 * j)) & 0xff;
    }
    return b;
  };
}

const pick = <T>(random: () => number, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)]!;

const CITIZENSHIPS: Record<string, readonly string[]> = {
  'Arabic-speaking countries': ['SY', 'IQ', 'EG', 'MA', 'SD', 'LY', 'YE'],
  'Nigeria and West Africa': ['NG', 'GH', 'SN', 'GN', 'ML', 'CI'],
  'Eastern Europe, Russia, Ukraine': ['UA', 'RU', 'MD', 'RO', 'BY'],
  'Central Asia': ['UZ', 'KG', 'TJ', 'KZ'],
  'South and South-East Asia': ['BD', 'PK', 'VN', 'PH', 'TH', 'IN'],
  'Latin America': ['MX', 'CO', 'VE', 'GT', 'HN'],
};

/** A synthetic person: its name parts as groups with the spelling used. */
export interface SyntheticPerson {
  readonly id: number;
  readonly parts: readonly { readonly group: NameGroup; readonly spelling: string }[];
  readonly person: PersonIdentifiers;
}

const GIVEN = NAME_VARIANTS.filter((g) => g.kind === 'given');
const FAMILY = NAME_VARIANTS.filter((g) => g.kind === 'family');

function birthDate(random: () => number, year: number): string {
  const start = Date.UTC(year, 0, 1);
  const day = Math.floor(random() * 365);
  return new Date(start + day * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A person: sex at random; a given name of that sex, in 30 % of cases a second given name (a
 * father's name, as in Arabic and Central Asian naming), a family name; each part spelled with
 * one of its Latin spellings; a birth date between 1965 and 2009; a citizenship of a region of
 * one of the name's parts.
 */
export function syntheticPerson(random: () => number, id: number): SyntheticPerson {
  const sex = random() < 0.5 ? 'm' : 'f';
  const givens = GIVEN.filter((g) => g.sex === sex);
  const groups = [pick(random, givens)];
  if (random() < 0.3)
    groups.push(
      pick(
        random,
        GIVEN.filter((g) => g.sex === 'm'),
      ),
    );
  groups.push(pick(random, FAMILY));
  const parts = groups.map((group) => ({ group, spelling: pick(random, group.spellings.latin) }));
  const year = 1965 + Math.floor(random() * 45);
  const region = pick(random, groups).region;
  return {
    id,
    parts,
    person: {
      fullName: parts.map((p) => p.spelling).join(' '),
      birthDate: birthDate(random, year),
      citizenships: [pick(random, CITIZENSHIPS[region] ?? ['XX'])],
      sex,
    },
  };
}

export type Corruption =
  'none' | 'typo' | 'swapped' | 'script' | 'missingBirth' | 'ageEstimate' | 'combined';

export const CORRUPTIONS: readonly Corruption[] = [
  'none',
  'typo',
  'swapped',
  'script',
  'missingBirth',
  'ageEstimate',
  'combined',
];

/** What each corruption does to the duplicate record (the README's table says the same). */
export const CORRUPTION_DESCRIPTIONS: Record<Corruption, string> = {
  none: 'an exact copy',
  typo: 'one edit (substitution, insertion, deletion or transposition of letters) in one name part',
  swapped: 'the name parts in reverse order (family name first)',
  script:
    'every part spelled differently: another Latin spelling or the Cyrillic or Arabic one from the table',
  missingBirth: 'no birth date and no age estimate',
  ageEstimate: 'no birth date; an estimated birth year off by 0 to 3 years',
  combined: 'two of typo, swapped, script, missingBirth, ageEstimate at once',
};

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function typo(random: () => number, word: string): string {
  if (word.length < 3 || /[^\p{Script=Latin}]/u.test(word)) return word;
  const i = 1 + Math.floor(random() * (word.length - 2));
  switch (Math.floor(random() * 4)) {
    case 0:
      return word.slice(0, i) + pick(random, [...LETTERS]) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + pick(random, [...LETTERS]) + word.slice(i);
    case 2:
      return word.slice(0, i) + word.slice(i + 1);
    default:
      return word.slice(0, i - 1) + word[i] + word[i - 1] + word.slice(i + 1);
  }
}

function applyOne(
  random: () => number,
  source: SyntheticPerson,
  record: { parts: string[]; person: PersonIdentifiers },
  corruption: Exclude<Corruption, 'combined'>,
): void {
  switch (corruption) {
    case 'none':
      return;
    case 'typo': {
      const latin = record.parts
        .map((p, i) => ({ p, i }))
        .filter(({ p }) => /^[\p{Script=Latin}' -]+$/u.test(p));
      if (latin.length === 0) return;
      const { i } = pick(random, latin);
      const words = record.parts[i]!.split(' ');
      const w = Math.floor(random() * words.length);
      words[w] = typo(random, words[w]!);
      record.parts[i] = words.join(' ');
      return;
    }
    case 'swapped':
      record.parts.reverse();
      return;
    case 'script':
      source.parts.forEach((p, i) => {
        const others = spellingsOf(p.group).filter((s) => s !== p.spelling);
        if (others.length > 0) record.parts[i] = pick(random, others);
      });
      return;
    case 'missingBirth': {
      const { birthDate: _b, estimatedBirthYear: _e, ...rest } = record.person;
      record.person = rest;
      return;
    }
    case 'ageEstimate': {
      const year = Number((source.person.birthDate ?? '1990').slice(0, 4));
      const { birthDate: _b, ...rest } = record.person;
      const off = Math.floor(random() * 4) * (random() < 0.5 ? -1 : 1);
      record.person = { ...rest, estimatedBirthYear: year + off };
      return;
    }
  }
}

/** A record of the same person under a corruption. */
export function corrupt(
  random: () => number,
  source: SyntheticPerson,
  corruption: Corruption,
): PersonIdentifiers {
  const record = { parts: source.parts.map((p) => p.spelling), person: { ...source.person } };
  if (corruption === 'combined') {
    const kinds: Exclude<Corruption, 'combined' | 'none'>[] = [
      'typo',
      'swapped',
      'script',
      'missingBirth',
      'ageEstimate',
    ];
    const first = pick(random, kinds);
    let second = pick(random, kinds);
    while (
      second === first ||
      (first === 'missingBirth' && second === 'ageEstimate') ||
      (first === 'ageEstimate' && second === 'missingBirth')
    )
      second = pick(random, kinds);
    // A script change first, so that a typo lands on the spelling kept.
    for (const c of [first, second].sort((a) => (a === 'script' ? -1 : 1)))
      applyOne(random, source, record, c);
  } else applyOne(random, source, record, corruption);
  return { ...record.person, fullName: record.parts.join(' ') };
}

/**
 * A namesake: another person with the same name spelled the same way, the same sex and
 * citizenship, born another day within 2 years.
 */
export function namesake(
  random: () => number,
  source: SyntheticPerson,
  id: number,
): SyntheticPerson {
  const year = Number((source.person.birthDate ?? '1990').slice(0, 4));
  let date = source.person.birthDate;
  while (date === source.person.birthDate)
    date = birthDate(random, year + Math.floor(random() * 5) - 2);
  return { id, parts: source.parts, person: { ...source.person, birthDate: date } };
}
