import { createHmac } from 'node:crypto';
import {
  birthOf,
  birthYears,
  citizenshipsOf,
  deletionVariants,
  nameParts,
  sexOf,
  type NamePart,
} from './normalise';
import type { PersonIdentifiers } from './person';

/**
 * Within one organisation: keyed blind tokens. Every token is `<kind>.<base64url HMAC-SHA256>`
 * (truncated to 128 bits) under the organisation-scoped key the caller passes, over a
 * version-and-kind-prefixed value, so tokens of different kinds, versions or organisations are
 * unrelated and none holds plaintext. Kinds:
 *
 *   n. a name part (normalised Latin)          k. its consonant skeleton (length >= 2)
 *   p. its Double Metaphone keys               q. one part's comparison keys (below)
 *   d. the birth date                          y. each year the birth agrees with
 *   c. each citizenship                        s. the sex/gender code
 *
 * A `q.` token carries one name part's keys, each a 48-bit truncated HMAC, in fixed slots
 * (padded with keys that match nothing, so its length does not tell the part's length): the
 * name it belongs to (full name 0, aliases 1...), the part itself, 4 skeletons, 4 phonetic keys,
 * 12 one-letter deletions of the part and 12 of its skeletons (with the skeletons themselves). It lets `compareTokens` match parts one to one (exact,
 * same skeleton or sound, one edit apart) instead of counting loose tokens.
 */
export const MATCH_TOKENS_VERSION = 'mt1';

export interface MatchTokens {
  readonly version: string;
  readonly tokens: readonly string[];
}

export type MatchEvidence = 'name' | 'birth' | 'citizenship' | 'sex';

export interface MatchScore {
  /** 0..1. */
  readonly score: number;
  /** score >= SUGGEST_THRESHOLD and the names agree at least in part. */
  readonly suggested: boolean;
  readonly evidence: readonly MatchEvidence[];
}

/** Score at or above which a pair is suggested (chosen on the benchmark, see README). */
export const SUGGEST_THRESHOLD = 0.6;
/** Name similarity below which a pair is never suggested, whatever else agrees. */
export const MIN_NAME_SIMILARITY = 0.5;

/** Weights of the score: name similarity 0..1 times NAME_WEIGHT plus the other fields' terms. */
export const SCORE_WEIGHTS = {
  name: 0.6,
  birthDateEqual: 0.35,
  birthYearsOverlap: 0.15,
  birthDateDifferSameYear: -0.2,
  birthApart: -0.4,
  citizenshipShared: 0.05,
  citizenshipDisjoint: -0.1,
  sexEqual: 0.05,
  sexDiffer: -0.15,
} as const;

/** Per-part match levels. */
const PART_LEVEL = { exact: 1, sound: 0.9, edit: 0.85, soundEdit: 0.8 } as const;

const SLOT = 6;
const SLOTS = { skeleton: 4, phonetic: 4, deletion: 12, skeletonEdit: 12 } as const;

function mac(key: Buffer, value: string, bytes: number): Buffer {
  return createHmac('sha256', key).update(value, 'utf8').digest().subarray(0, bytes);
}

function token(key: Buffer, kind: string, value: string): string {
  return `${kind}.${mac(key, `${MATCH_TOKENS_VERSION}|${kind}|${value}`, 16).toString('base64url')}`;
}

function slots(
  key: Buffer,
  kind: string,
  values: readonly string[],
  n: number,
  pad: string,
): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    out.push(
      v === undefined
        ? mac(key, `${MATCH_TOKENS_VERSION}|pad|${kind}|${i}|${pad}`, SLOT)
        : mac(key, `${MATCH_TOKENS_VERSION}|q${kind}|${v}`, SLOT),
    );
  }
  return out;
}

/** Skeletons of 3 letters or more and their one-letter deletions (skeletons one edit apart). */
function skeletonEdits(part: NamePart): string[] {
  const out = new Set<string>();
  for (const s of part.skeletons)
    if (s.length >= 3) for (const d of deletionVariants(s)) out.add(d);
  return [...out];
}

function partToken(key: Buffer, nameIndex: number, part: NamePart): string {
  const deletions = deletionVariants(part.text).filter((d) => d !== part.text);
  const bytes = Buffer.concat([
    Buffer.from([Math.min(nameIndex, 255)]),
    ...slots(key, 'e', [part.text], 1, part.text),
    ...slots(key, 'k', part.skeletons, SLOTS.skeleton, part.text),
    ...slots(key, 'p', part.phonetic, SLOTS.phonetic, part.text),
    ...slots(key, 'e', deletions, SLOTS.deletion, part.text),
    ...slots(key, 's', skeletonEdits(part), SLOTS.skeletonEdit, part.text),
  ]);
  return `q.${bytes.toString('base64url')}`;
}

/** The organisation's tokens of a person (deterministic: the same input gives the same tokens). */
export function matchTokens(person: PersonIdentifiers, key: Buffer): MatchTokens {
  if (!Buffer.isBuffer(key) || key.length < 16)
    throw new TypeError('key must be a Buffer of at least 16 bytes');
  const tokens = new Set<string>();
  const names = [person.fullName, ...(person.aliases ?? [])].filter(
    (n): n is string => typeof n === 'string' && n.trim().length > 0,
  );
  names.forEach((name, index) => {
    for (const part of nameParts(name)) {
      tokens.add(token(key, 'n', part.text));
      for (const s of part.skeletons) if (s.length >= 2) tokens.add(token(key, 'k', s));
      for (const p of part.phonetic) if (p.length >= 2) tokens.add(token(key, 'p', p));
      tokens.add(partToken(key, index, part));
    }
  });
  const birth = birthOf(person);
  if (birth?.date) tokens.add(token(key, 'd', birth.date));
  if (birth) for (const y of birthYears(birth)) tokens.add(token(key, 'y', String(y)));
  for (const c of citizenshipsOf(person.citizenships)) tokens.add(token(key, 'c', c));
  const sex = sexOf(person.sex);
  if (sex) tokens.add(token(key, 's', sex));
  return { version: MATCH_TOKENS_VERSION, tokens: [...tokens].sort() };
}

/** Skeleton and phonetic tokens: a candidate shares at least one with the person. */
export function blockingTokens(tokens: MatchTokens): readonly string[] {
  return tokens.tokens.filter((t) => t.startsWith('k.') || t.startsWith('p.'));
}

interface ParsedPart {
  readonly name: number;
  readonly exact: string;
  readonly sound: readonly string[];
  readonly edits: readonly string[];
  readonly soundEdits: readonly string[];
}

interface Parsed {
  readonly parts: readonly ParsedPart[];
  readonly byKind: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Parsed tokens, weakly held per MatchTokens object (a candidate is compared many times). */
const PARSED = new WeakMap<MatchTokens, Parsed>();

function parse(tokens: MatchTokens): Parsed {
  const cached = PARSED.get(tokens);
  if (cached) return cached;
  const parsed = parseTokens(tokens);
  PARSED.set(tokens, parsed);
  return parsed;
}

function parseTokens(tokens: MatchTokens): Parsed {
  const byKind = new Map<string, Set<string>>();
  const parts: ParsedPart[] = [];
  for (const t of tokens.tokens) {
    const kind = t.slice(0, t.indexOf('.'));
    if (kind === 'q') {
      const b = Buffer.from(t.slice(2), 'base64url');
      const at = (i: number) => b.subarray(1 + i * SLOT, 1 + (i + 1) * SLOT).toString('hex');
      const sound: string[] = [];
      for (let i = 1; i <= SLOTS.skeleton + SLOTS.phonetic; i++) sound.push(at(i));
      const edits: string[] = [];
      for (
        let i = 1 + SLOTS.skeleton + SLOTS.phonetic;
        i < 1 + SLOTS.skeleton + SLOTS.phonetic + SLOTS.deletion;
        i++
      )
        edits.push(at(i));
      const first = 1 + SLOTS.skeleton + SLOTS.phonetic + SLOTS.deletion;
      const soundEdits: string[] = [];
      for (let i = first; i < first + SLOTS.skeletonEdit; i++) soundEdits.push(at(i));
      parts.push({ name: b[0] ?? 0, exact: at(0), sound, edits, soundEdits });
      continue;
    }
    let set = byKind.get(kind);
    if (!set) byKind.set(kind, (set = new Set()));
    set.add(t);
  }
  return { parts, byKind };
}

function partLevel(a: ParsedPart, b: ParsedPart): number {
  if (a.exact === b.exact) return PART_LEVEL.exact;
  if (a.sound.some((s) => b.sound.includes(s))) return PART_LEVEL.sound;
  if (
    a.edits.includes(b.exact) ||
    b.edits.includes(a.exact) ||
    a.edits.some((e) => b.edits.includes(e))
  )
    return PART_LEVEL.edit;
  if (a.soundEdits.some((e) => b.soundEdits.includes(e))) return PART_LEVEL.soundEdit;
  return 0;
}

/** Dice over parts, matched one to one (greedy, best level first), of two names. */
function nameSimilarity(a: readonly ParsedPart[], b: readonly ParsedPart[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const pairs: { i: number; j: number; level: number }[] = [];
  a.forEach((pa, i) =>
    b.forEach((pb, j) => {
      const level = partLevel(pa, pb);
      if (level > 0) pairs.push({ i, j, level });
    }),
  );
  pairs.sort((x, y) => y.level - x.level);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  let total = 0;
  for (const p of pairs) {
    if (usedA.has(p.i) || usedB.has(p.j)) continue;
    usedA.add(p.i);
    usedB.add(p.j);
    total += p.level;
  }
  return (2 * total) / (a.length + b.length);
}

function groupByName(parts: readonly ParsedPart[]): ParsedPart[][] {
  const names = new Map<number, ParsedPart[]>();
  for (const p of parts) {
    const list = names.get(p.name) ?? [];
    list.push(p);
    names.set(p.name, list);
  }
  return [...names.values()];
}

function overlaps(
  a: ReadonlySet<string> | undefined,
  b: ReadonlySet<string> | undefined,
): boolean | undefined {
  if (!a || !b || a.size === 0 || b.size === 0) return undefined;
  for (const x of a) if (b.has(x)) return true;
  return false;
}

/** The best name similarity over the two persons' names (full name and aliases), 0..1. */
export function nameSimilarityOf(a: MatchTokens, b: MatchTokens): number {
  return bestNameSimilarity(parse(a), parse(b));
}

function bestNameSimilarity(pa: Parsed, pb: Parsed): number {
  let best = 0;
  for (const na of groupByName(pa.parts))
    for (const nb of groupByName(pb.parts)) best = Math.max(best, nameSimilarity(na, nb));
  return best;
}

/**
 * Weighted evidence (Fellegi-Sunter in spirit, weights in SCORE_WEIGHTS): name similarity,
 * birth (same date; a date against an estimate, or two estimates, within the tolerance; dates
 * that differ count against), citizenship, sex. Tokens of another version compare as unrelated.
 */
export function compareTokens(a: MatchTokens, b: MatchTokens): MatchScore {
  if (a.version !== b.version) return { score: 0, suggested: false, evidence: [] };
  const pa = parse(a);
  const pb = parse(b);
  const evidence: MatchEvidence[] = [];
  const name = bestNameSimilarity(pa, pb);
  let score = SCORE_WEIGHTS.name * name;
  if (name >= MIN_NAME_SIMILARITY) evidence.push('name');

  const dateA = pa.byKind.get('d');
  const dateB = pb.byKind.get('d');
  const sameDate = overlaps(dateA, dateB);
  const yearsOverlap = overlaps(pa.byKind.get('y'), pb.byKind.get('y'));
  if (sameDate === true) {
    score += SCORE_WEIGHTS.birthDateEqual;
    evidence.push('birth');
  } else if (sameDate === false) {
    score += yearsOverlap ? SCORE_WEIGHTS.birthDateDifferSameYear : SCORE_WEIGHTS.birthApart;
  } else if (yearsOverlap === true) {
    score += SCORE_WEIGHTS.birthYearsOverlap;
    evidence.push('birth');
  } else if (yearsOverlap === false) {
    score += SCORE_WEIGHTS.birthApart;
  }

  const citizenship = overlaps(pa.byKind.get('c'), pb.byKind.get('c'));
  if (citizenship === true) {
    score += SCORE_WEIGHTS.citizenshipShared;
    evidence.push('citizenship');
  } else if (citizenship === false) score += SCORE_WEIGHTS.citizenshipDisjoint;

  const sex = overlaps(pa.byKind.get('s'), pb.byKind.get('s'));
  if (sex === true) {
    score += SCORE_WEIGHTS.sexEqual;
    evidence.push('sex');
  } else if (sex === false) score += SCORE_WEIGHTS.sexDiffer;

  const clamped = Math.min(1, Math.max(0, score));
  const rounded = Math.round(clamped * 1000) / 1000;
  return {
    score: rounded,
    suggested: rounded >= SUGGEST_THRESHOLD && name >= MIN_NAME_SIMILARITY,
    evidence,
  };
}
