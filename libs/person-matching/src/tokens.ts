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
/**
 * mt2: the normalisation of 2026-12-07 (g as h in skeletons, other spelling conventions): the
 * same name gives other tokens than under mt1, so mt1 rows compare as unrelated and the backfill
 * (`cases backfill-match-tokens`, checkpointed per version) rewrites them.
 */
export const MATCH_TOKENS_VERSION = 'mt2';

export interface MatchTokens {
  readonly version: string;
  readonly tokens: readonly string[];
}

export type MatchEvidence = 'name' | 'birth' | 'citizenship' | 'sex';

export interface MatchScore {
  /** 0..1: the weight on a logistic scale, 0.9 at SUGGEST_WEIGHT (see `scoreOf`). */
  readonly score: number;
  /** Sum of the log-likelihood-ratio weights of MATCH_WEIGHTS (natural log). */
  readonly weight: number;
  /** Suggested on its own: weight >= SUGGEST_WEIGHT and at least one name part agrees. */
  readonly suggested: boolean;
  /**
   * Suggested when it is among the best of a case's candidates (`selectSuggestions`):
   * weight >= CANDIDATE_WEIGHT and at least one name part agrees.
   */
  readonly candidate: boolean;
  readonly evidence: readonly MatchEvidence[];
}

/**
 * Fellegi-Sunter weights, natural-log likelihood ratios ln(m/u) of each comparison outcome, summed
 * with `base` (the log prior odds of a candidate pair). Fitted by logistic regression on the
 * features `compareFeatures` returns, over synthetic training scenarios (the benchmark's
 * generator with other seeds than the benchmark's), then set by hand where the training data
 * cannot speak: a one-edit part weighs what a same-sound part does (never more than an exact
 * one); two estimates that overlap weigh what a date and an estimate do, however many years
 * they share; dates that differ stay strongly against (a namesake born another day is the
 * benchmark's hard negative, and a wrongly typed date is corrected on the case, not guessed).
 */
export const MATCH_WEIGHTS = {
  base: -7.7,
  part: { exact: 2.1, sound: 1.2, edit: 1.2, soundEdit: -1.1 },
  /** Per part of either name left unmatched. */
  unmatchedPart: -2.4,
  birth: {
    sameDate: 8.4,
    sameYear: -8.7,
    datesApart: -9.9,
    windowsOverlap: 1.5,
    windowsApart: -4.1,
    unknown: 0,
  },
  citizenship: { shared: 3.9, disjoint: -3.9, unknown: 0 },
  sex: { equal: 2.3, differ: -2.3, unknown: 0 },
} as const;

/** Weight at or above which a pair is suggested on its own (odds e^3.5 ≈ 33:1). */
export const SUGGEST_WEIGHT = 3.5;
/** Weight at or above which the best of a case's candidates is suggested (odds 1:1). */
export const CANDIDATE_WEIGHT = 0;
/**
 * A candidate within this margin of the best is as good as the best (less than the 0.9 between
 * an exact part and a same-sound one: two cases written the same way both come up, a
 * variant spelling below an exact one does not).
 */
export const RANK_MARGIN = 0.5;
/** `scoreOf(SUGGEST_WEIGHT)`: the score at or above which a pair is suggested on its own. */
export const SUGGEST_THRESHOLD = 0.9;
/** Name similarity at or above which the name counts as evidence shown to the caseworker. */
export const MIN_NAME_SIMILARITY = 0.5;

/** The weight on a 0..1 scale: logistic, shifted so that SUGGEST_WEIGHT gives SUGGEST_THRESHOLD. */
export function scoreOf(weight: number): number {
  const shift = Math.log(SUGGEST_THRESHOLD / (1 - SUGGEST_THRESHOLD)) - SUGGEST_WEIGHT;
  return Math.round(1000 / (1 + Math.exp(-(weight + shift)))) / 1000;
}

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

/** The part's own skeletons, then those of other spelling conventions (4 fit in a `q.` token). */
function skeletonsOf(part: NamePart): string[] {
  return [...part.skeletons, ...part.conventionSkeletons];
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
    ...slots(key, 'k', skeletonsOf(part), SLOTS.skeleton, part.text),
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
      for (const s of skeletonsOf(part)) if (s.length >= 2) tokens.add(token(key, 'k', s));
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

/** How the parts of two names matched (one to one, greedy, best level first). */
export interface NameAgreement {
  /** Dice over the parts, each matched part counting its level: 0..1. */
  readonly similarity: number;
  readonly exact: number;
  readonly sound: number;
  readonly edit: number;
  readonly soundEdit: number;
  /** Parts of either name left unmatched. */
  readonly unmatched: number;
}

const NO_NAME: NameAgreement = {
  similarity: 0,
  exact: 0,
  sound: 0,
  edit: 0,
  soundEdit: 0,
  unmatched: 0,
};

function nameAgreement(a: readonly ParsedPart[], b: readonly ParsedPart[]): NameAgreement {
  if (a.length === 0 || b.length === 0) return NO_NAME;
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
  const count = { exact: 0, sound: 0, edit: 0, soundEdit: 0 };
  let total = 0;
  for (const p of pairs) {
    if (usedA.has(p.i) || usedB.has(p.j)) continue;
    usedA.add(p.i);
    usedB.add(p.j);
    total += p.level;
    if (p.level === PART_LEVEL.exact) count.exact++;
    else if (p.level === PART_LEVEL.sound) count.sound++;
    else if (p.level === PART_LEVEL.edit) count.edit++;
    else count.soundEdit++;
  }
  return {
    similarity: (2 * total) / (a.length + b.length),
    ...count,
    unmatched: a.length + b.length - 2 * usedA.size,
  };
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
  return bestNameAgreement(parse(a), parse(b)).similarity;
}

function bestNameAgreement(pa: Parsed, pb: Parsed): NameAgreement {
  let best = NO_NAME;
  for (const na of groupByName(pa.parts))
    for (const nb of groupByName(pb.parts)) {
      const agreement = nameAgreement(na, nb);
      if (agreement.similarity > best.similarity) best = agreement;
    }
  return best;
}

/** How two births compare, as far as the tokens tell. */
export type BirthAgreement =
  /** Both dates known and equal. */
  | 'sameDate'
  /** Both dates known, different days of the same year. */
  | 'sameYear'
  /** Both dates known, different years. */
  | 'datesApart'
  /** An estimate on at least one side; the windows share `yearsShared` years. */
  | 'windowsOverlap'
  /** An estimate on at least one side; the windows share no year. */
  | 'windowsApart'
  /** No birth on at least one side. */
  | 'unknown';

/** What the tokens of two persons reveal about their agreement (equality of keyed tokens only). */
export interface PairFeatures {
  readonly name: NameAgreement;
  readonly birth: BirthAgreement;
  /** Years the two birth windows share (a date's window is its year; an estimate's ±3 years). */
  readonly yearsShared: number;
  readonly citizenship: 'shared' | 'disjoint' | 'unknown';
  readonly sex: 'equal' | 'differ' | 'unknown';
}

function sharedCount(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined) {
  let n = 0;
  if (a && b) for (const x of a) if (b.has(x)) n++;
  return n;
}

function featuresOf(pa: Parsed, pb: Parsed): PairFeatures {
  const name = bestNameAgreement(pa, pb);
  const yearsA = pa.byKind.get('y');
  const yearsB = pb.byKind.get('y');
  const yearsShared = sharedCount(yearsA, yearsB);
  const sameDate = overlaps(pa.byKind.get('d'), pb.byKind.get('d'));
  let birth: BirthAgreement;
  if (!yearsA?.size || !yearsB?.size) birth = 'unknown';
  else if (sameDate === true) birth = 'sameDate';
  else if (sameDate === false) birth = yearsShared > 0 ? 'sameYear' : 'datesApart';
  else birth = yearsShared > 0 ? 'windowsOverlap' : 'windowsApart';
  const citizenship = overlaps(pa.byKind.get('c'), pb.byKind.get('c'));
  const sex = overlaps(pa.byKind.get('s'), pb.byKind.get('s'));
  return {
    name,
    birth,
    yearsShared,
    citizenship: citizenship === undefined ? 'unknown' : citizenship ? 'shared' : 'disjoint',
    sex: sex === undefined ? 'unknown' : sex ? 'equal' : 'differ',
  };
}

/** The features of a pair (tokens of another version: undefined, they compare as unrelated). */
export function compareFeatures(a: MatchTokens, b: MatchTokens): PairFeatures | undefined {
  if (a.version !== b.version) return undefined;
  return featuresOf(parse(a), parse(b));
}

/** The weight of a pair's features (MATCH_WEIGHTS). */
export function weightOf(f: PairFeatures): number {
  const w = MATCH_WEIGHTS;
  return (
    w.base +
    w.part.exact * f.name.exact +
    w.part.sound * f.name.sound +
    w.part.edit * f.name.edit +
    w.part.soundEdit * f.name.soundEdit +
    w.unmatchedPart * f.name.unmatched +
    w.birth[f.birth] +
    w.citizenship[f.citizenship] +
    w.sex[f.sex]
  );
}

const UNRELATED: MatchScore = {
  score: 0,
  weight: -Infinity,
  suggested: false,
  candidate: false,
  evidence: [],
};

/**
 * Fellegi-Sunter comparison of two persons' tokens: the weights (MATCH_WEIGHTS) of how their
 * names, births, citizenships and sex agree, summed. Tokens of another version compare as
 * unrelated.
 */
export function compareTokens(a: MatchTokens, b: MatchTokens): MatchScore {
  const f = compareFeatures(a, b);
  if (!f) return UNRELATED;
  const evidence: MatchEvidence[] = [];
  if (f.name.similarity >= MIN_NAME_SIMILARITY) evidence.push('name');
  if (f.birth === 'sameDate' || f.birth === 'windowsOverlap') evidence.push('birth');
  if (f.citizenship === 'shared') evidence.push('citizenship');
  if (f.sex === 'equal') evidence.push('sex');
  const weight = Math.round(weightOf(f) * 1000) / 1000;
  const named = f.name.exact + f.name.sound + f.name.edit + f.name.soundEdit > 0;
  return {
    score: scoreOf(weight),
    weight,
    suggested: named && weight >= SUGGEST_WEIGHT,
    candidate: named && weight >= CANDIDATE_WEIGHT,
    evidence,
  };
}

/**
 * The suggestions among one case's scored candidates: those suggested on their own, and the
 * candidates within RANK_MARGIN of the best one. A name variant that is only the second best
 * (another case written exactly the same way is there too) is not suggested unless it is strong
 * on its own; two cases that look the same both are.
 */
export function selectSuggestions<T extends { readonly score: MatchScore }>(
  scored: readonly T[],
): T[] {
  let best = -Infinity;
  for (const s of scored) if (s.score.candidate) best = Math.max(best, s.score.weight);
  return scored.filter(
    (s) => s.score.suggested || (s.score.candidate && s.score.weight >= best - RANK_MARGIN),
  );
}

/**
 * The ties among a case's suggestions (those `selectSuggestions` returned): groups of two or more
 * with exactly the same weight, in the order given. The tokens hold nothing that tells the
 * members of a tie apart as matches of the case (typically: a case with no birth date, and two
 * persons of the same name, citizenship and sex born on different days), so the product shows a
 * tie as one suggestion, "one of these" (README, "Ties, decided").
 */
export function tiesOf<T extends { readonly score: MatchScore }>(suggested: readonly T[]): T[][] {
  const byWeight = new Map<number, T[]>();
  for (const s of suggested) {
    const group = byWeight.get(s.score.weight);
    if (group) group.push(s);
    else byWeight.set(s.score.weight, [s]);
  }
  return [...byWeight.values()].filter((g) => g.length > 1);
}
