import { createHmac, randomBytes } from 'node:crypto';
import { bigrams, birthOf, citizenshipsOf, nameParts, sexOf } from './normalise';
import type { PersonIdentifiers } from './person';

/**
 * Across organisations: cryptographic long-term keys (CLKs), Bloom filters in the style of
 * clkhash (Schnell et al. 2009/2011), keyed by a secret the organisations share.
 *
 * - CLK_BITS bits. Each field's values become tokens; each token sets `k` bits (the field's
 *   weight) at positions from double hashing, h1 + i·h2 mod CLK_BITS, where h1 and h2 come from
 *   HMAC-SHA256 under a key derived per field from the shared secret (per-field salting: the
 *   same bigram in the name and in another field lands elsewhere, and without the secret nobody
 *   can compute where any value lands: no dictionary attack).
 * - Fields: the full name's spelling (padded bigrams of each normalised Latin form of its parts)
 *   and, in a segment of its own, its sound (each part's consonant skeletons, as whole tokens
 *   and as bigrams, and its Double Metaphone keys: script variants meet there), the birth date,
 *   the birth years (each year within a window around the known or estimated year, so nearby
 *   years share most of their bits), citizenships, sex.
 * - Hardening against frequency attacks: randomised response (BLIP, Schnell & Borgs 2016):
 *   after encoding, every bit is flipped independently with probability FLIP_PROBABILITY, from
 *   a cryptographic random source. Two encodings of the same person (or of two persons with
 *   the same name and no birth date) are then never identical, so ranking identical encodings
 *   or identical bit patterns by frequency learns nothing; each bit is ε-differentially private
 *   with ε = ln((1 - f/2) / (f/2)). Dice between two encodings of one person drops by about
 *   the flipped fraction, which LINK_THRESHOLD accounts for (benchmark in the README).
 */
/**
 * 'clk4' since the name's spelling and sound are two segments (clk3: one name segment of 1,024
 * bits holding both, blocks as clk4's); an encoding of another version is not comparable, so
 * every organisation re-encodes. The per-field hash keys keep the label 'clk2' (FIELD_KEY_LABEL).
 */
export const CLK_VERSION = 'clk4';

/**
 * The encoding's layout: one Bloom filter per field (attribute-level, Schnell 2015), laid end to
 * end in one buffer, each compared on its own by `compareClks`. Bits of each segment. `name` holds
 * the spelling, `nameSound` the sound (adjacent: the name bands of `clkBlocks` span both).
 */
export const CLK_SEGMENTS = {
  name: 512,
  nameSound: 512,
  birthDate: 256,
  birthYear: 512,
  sex: 128,
  citizenship: 128,
} as const;
type Field = keyof typeof CLK_SEGMENTS;
const FIELDS = Object.keys(CLK_SEGMENTS) as Field[];
/** Where each field's segment starts, in bits (public: the layout of the version). */
export const CLK_OFFSETS = {} as Record<Field, number>;
const OFFSET = CLK_OFFSETS;
{
  let at = 0;
  for (const f of FIELDS) {
    OFFSET[f] = at;
    at += CLK_SEGMENTS[f];
  }
}
export const CLK_BITS = FIELDS.reduce((n, f) => n + CLK_SEGMENTS[f], 0);
const CLK_BYTES = CLK_BITS / 8;
/** Probability that a bit is flipped (randomised response). */
export const FLIP_PROBABILITY = 0.1;
/**
 * Score at or above which two CLKs link on their own (LINK_WEIGHT on the 0..1 scale); a weaker
 * pair may link as the best candidate of both its records (`selectLinks`). See the README.
 */
export const LINK_THRESHOLD = 0.9;

/** Bits per token, per field (the field's weight within its segment). */
export const CLK_FIELD_BITS = {
  nameBigram: 12,
  nameSkeletonBigram: 12,
  nameSkeleton: 20,
  namePhonetic: 16,
  birthDate: 64,
  birthYear: 20,
  citizenship: 32,
  sex: 24,
} as const;
/**
 * Years either side of the birth year whose tokens are set: a known date ±1, an estimate ±2, so
 * that a date and an estimate share a year exactly when they are at most 3 years apart
 * (ESTIMATE_TOLERANCE_YEARS), two estimates when at most 4.
 */
const YEAR_WINDOW = { date: 1, estimate: 2 } as const;

export interface ClkOptions {
  /** Random bytes for the bit flips (tests, the benchmark: seeded); default node:crypto. */
  readonly random?: (bytes: number) => Buffer;
  /** Default FLIP_PROBABILITY; 0 for a deterministic (unhardened) encoding. */
  readonly flipProbability?: number;
}

/**
 * The label of the per-field hash keys (clk2's; clk3 kept its bits, clk4 moved the name's sound
 * into a segment of its own, whose key is derived like the others').
 */
const FIELD_KEY_LABEL = 'clk2';

function fieldKey(secret: Buffer, field: string): Buffer {
  return createHmac('sha256', secret).update(`${FIELD_KEY_LABEL}|field|${field}`).digest();
}

/** Per secret Buffer (weakly held: dropped with the secret). */
const FIELD_KEYS = new WeakMap<Buffer, Record<Field, Buffer>>();

function fieldKeys(secret: Buffer): Record<Field, Buffer> {
  const cached = FIELD_KEYS.get(secret);
  if (cached) return cached;
  const keys = Object.fromEntries(FIELDS.map((f) => [f, fieldKey(secret, f)])) as Record<
    Field,
    Buffer
  >;
  FIELD_KEYS.set(secret, keys);
  return keys;
}

/**
 * Sets `k` bits of the field's segment for the token: positions from HMAC-SHA256 under the
 * field's key over the token and a counter, 16 bits a position ("random hashing": independent
 * positions; double hashing h1 + i·h2 puts a token's bits on an arithmetic progression, which on
 * a small segment makes unrelated values overlap and which the cryptanalysis of Niedermeyer et
 * al. 2014 exploits).
 */
function setBits(clk: Buffer, field: Field, key: Buffer, value: string, k: number): void {
  const size = CLK_SEGMENTS[field];
  for (let round = 0; round * 16 < k; round++) {
    const h = createHmac('sha256', key).update(`${round}|${value}`, 'utf8').digest();
    for (let i = 0; i < 16 && round * 16 + i < k; i++) {
      const bit = OFFSET[field] + (h.readUInt16BE(2 * i) % size);
      clk[bit >> 3]! |= 1 << (bit & 7);
    }
  }
}

/** A fixed-length CLK of the person (CLK_BITS bits, the segments of CLK_SEGMENTS). */
export function encodeClk(
  person: PersonIdentifiers,
  sharedSecret: Buffer,
  options: ClkOptions = {},
): Buffer {
  if (!Buffer.isBuffer(sharedSecret) || sharedSecret.length < 16)
    throw new TypeError('sharedSecret must be a Buffer of at least 16 bytes');
  const clk = Buffer.alloc(CLK_BYTES);
  const keys = fieldKeys(sharedSecret);
  const b = CLK_FIELD_BITS;
  for (const part of nameParts(person.fullName)) {
    const grams = new Set(part.forms.flatMap(bigrams));
    for (const g of grams) setBits(clk, 'name', keys.name, `b:${g}`, b.nameBigram);
    const sound = keys.nameSound;
    for (const s of part.skeletons) {
      setBits(clk, 'nameSound', sound, `k:${s}`, b.nameSkeleton);
      for (const g of bigrams(s)) setBits(clk, 'nameSound', sound, `s:${g}`, b.nameSkeletonBigram);
    }
    for (const p of part.phonetic) setBits(clk, 'nameSound', sound, `p:${p}`, b.namePhonetic);
  }
  const birth = birthOf(person);
  if (birth?.date) setBits(clk, 'birthDate', keys.birthDate, birth.date, b.birthDate);
  if (birth) {
    const w = birth.date ? YEAR_WINDOW.date : YEAR_WINDOW.estimate;
    for (let y = birth.year - w; y <= birth.year + w; y++)
      setBits(clk, 'birthYear', keys.birthYear, String(y), b.birthYear);
  }
  for (const c of citizenshipsOf(person.citizenships))
    setBits(clk, 'citizenship', keys.citizenship, c, b.citizenship);
  const sex = sexOf(person.sex);
  if (sex) setBits(clk, 'sex', keys.sex, sex, b.sex);

  const f = options.flipProbability ?? FLIP_PROBABILITY;
  if (f > 0) {
    const threshold = Math.round(f * 65536);
    const noise = (options.random ?? randomBytes)(CLK_BITS * 2);
    for (let bit = 0; bit < CLK_BITS; bit++)
      if (noise.readUInt16BE(bit * 2) < threshold) clk[bit >> 3]! ^= 1 << (bit & 7);
  }
  return clk;
}

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1]!;

/** Number of set bits. */
export function popcount(a: Buffer): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += POPCOUNT[a[i]!]!;
  return n;
}

/** Dice coefficient 2|A∩B| / (|A| + |B|) of two CLKs of the same length, 0..1. */
export function dice(a: Buffer, b: Buffer): number {
  if (a.length !== b.length) throw new TypeError('CLKs must have the same length');
  let both = 0;
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    both += POPCOUNT[a[i]! & b[i]!]!;
    total += POPCOUNT[a[i]!]! + POPCOUNT[b[i]!]!;
  }
  return total === 0 ? 0 : (2 * both) / total;
}

interface Counts {
  readonly a: number;
  readonly b: number;
  readonly both: number;
  readonly bits: number;
}

function segmentCounts(a: Buffer, b: Buffer, field: Field): Counts {
  let na = 0;
  let nb = 0;
  let both = 0;
  const from = OFFSET[field] / 8;
  const to = from + CLK_SEGMENTS[field] / 8;
  for (let i = from; i < to; i++) {
    na += POPCOUNT[a[i]!]!;
    nb += POPCOUNT[b[i]!]!;
    both += POPCOUNT[a[i]! & b[i]!]!;
  }
  return { a: na, b: nb, both, bits: CLK_SEGMENTS[field] };
}

/**
 * Dice of the bits as they were before the flips, estimated from the flipped ones (Schnell &
 * Borgs 2016): each observed bit is the true one flipped with probability f independently, so
 * E[observed counts] is a known linear map of the true counts, which is inverted here.
 */
function correctedDice(c: Counts, f: number): number {
  const { both, ta, tb } = trueCounts(c, f);
  if (ta + tb <= 0) return 0;
  return Math.min(1, Math.max(0, (2 * both) / (ta + tb)));
}

/**
 * The counts before the flips, estimated from the flipped ones: each observed bit is the true one
 * flipped with probability f independently, so the expected observed counts are a known linear
 * map of the true ones, inverted here (f = 0: the counts as they are).
 */
function trueCounts(c: Counts, f: number): { both: number; ta: number; tb: number } {
  if (f === 0) return { both: c.both, ta: c.a, tb: c.b };
  const g1 = (1 - f) / (1 - 2 * f);
  const g0 = -f / (1 - 2 * f);
  const n10 = c.a - c.both;
  const n01 = c.b - c.both;
  const n00 = c.bits - c.a - c.b + c.both;
  return {
    both: c.both * g1 * g1 + (n10 + n01) * g1 * g0 + n00 * g0 * g0,
    ta: c.a * g1 + (c.bits - c.a) * g0,
    tb: c.b * g1 + (c.bits - c.b) * g0,
  };
}

/**
 * Whether two segments share a token of `k` bits: the intersection (corrected for the flips)
 * exceeds what two unrelated sets of these sizes share by chance (ta · tb / m) by at least half
 * of what one shared token adds (its d distinct bits, less the share chance would have given
 * them). Robust where Dice is not: a small segment (sex) is dense, and there two different
 * values already have a Dice of about its density.
 */
function sharesAValue(c: Counts, f: number, k: number): boolean {
  const { both, ta, tb } = trueCounts(c, f);
  const d = c.bits * (1 - (1 - 1 / c.bits) ** k);
  return both - (ta * tb) / c.bits >= 0.5 * d * (1 - Math.max(ta, tb) / c.bits);
}

/** Whether a segment holds a value (more set bits than the flips alone would set). */
function present(setBits: number, bits: number, f: number): boolean {
  return setBits > bits * f + 4 * Math.sqrt(bits * f * (1 - f)) + 1;
}

/** What the linkage unit learns of a pair from its segments (bit counts only, no plaintext). */
export interface ClkFeatures {
  /** Dice of the name's spelling segments (corrected for the flips). */
  readonly name: number;
  /** Dice of the name's sound segments (corrected for the flips). */
  readonly nameSound: number;
  /**
   * 'date': the birth dates agree; 'dateDiffers': both have a date, not the same; 'year': the
   * year windows overlap (an estimate on at least one side); 'yearDiffers': they do not;
   * undefined: no birth on one side.
   */
  readonly birth?: 'date' | 'dateDiffers' | 'year' | 'yearDiffers';
  readonly sex?: 'agrees' | 'differs';
  readonly citizenship?: 'agrees' | 'differs';
}

/** The per-field comparison of two CLKs (each segment on its own), from bit vectors only. */
export function clkFeatures(a: Buffer, b: Buffer, f: number = FLIP_PROBABILITY): ClkFeatures {
  if (a.length !== CLK_BYTES || b.length !== CLK_BYTES)
    throw new TypeError(`a CLK has ${CLK_BYTES} bytes`);
  const name = correctedDice(segmentCounts(a, b, 'name'), f);
  const nameSound = correctedDice(segmentCounts(a, b, 'nameSound'), f);
  let birth: ClkFeatures['birth'];
  const date = segmentCounts(a, b, 'birthDate');
  if (present(date.a, date.bits, f) && present(date.b, date.bits, f))
    birth = sharesAValue(date, f, CLK_FIELD_BITS.birthDate) ? 'date' : 'dateDiffers';
  else {
    const year = segmentCounts(a, b, 'birthYear');
    if (present(year.a, year.bits, f) && present(year.b, year.bits, f))
      birth = sharesAValue(year, f, CLK_FIELD_BITS.birthYear) ? 'year' : 'yearDiffers';
  }
  let sex: ClkFeatures['sex'];
  const sx = segmentCounts(a, b, 'sex');
  if (present(sx.a, sx.bits, f) && present(sx.b, sx.bits, f))
    sex = sharesAValue(sx, f, CLK_FIELD_BITS.sex) ? 'agrees' : 'differs';
  let citizenship: ClkFeatures['citizenship'];
  const cit = segmentCounts(a, b, 'citizenship');
  if (present(cit.a, cit.bits, f) && present(cit.b, cit.bits, f))
    citizenship = sharesAValue(cit, f, CLK_FIELD_BITS.citizenship) ? 'agrees' : 'differs';
  return {
    name,
    nameSound,
    ...(birth ? { birth } : {}),
    ...(sex ? { sex } : {}),
    ...(citizenship ? { citizenship } : {}),
  };
}

/**
 * Fellegi–Sunter weights of the linkage (natural-log likelihood ratios, added up): each field
 * compared on its own adds its agreement or its disagreement weight; a field missing on either
 * side adds nothing. The name's spelling and its sound are each graded by their corrected Dice,
 * piecewise linear between the points of `name` and `nameSound` (Dice, weight); `name` holds the
 * base (the log prior odds of the training scenarios). Fitted by logistic regression (IRLS, ridge
 * 0.5, hinges at the points) on the candidate pairs with either Dice at 0.55 or more of synthetic
 * scenarios built like the benchmark's from other seeds (1000+ and 2000+, typo, script,
 * missingBirth, combined; the benchmark's are 100+), then rounded. The sound weighs more than the
 * spelling (script variants keep their sound, namesakes both). Below (no data: the name bands
 * never paired such names) set by hand, steep, so that a shared birth date found by the date bands
 * does not make a pair of two names. See the README.
 */
export const CLK_WEIGHTS = {
  name: [
    [0, -16],
    [0.5, -11.0],
    [0.6, -10.5],
    [0.7, -9.7],
    [0.8, -8.5],
    [0.85, -7.8],
    [0.9, -7.1],
    [0.95, -6.3],
    [1, -5.6],
  ] as readonly (readonly [number, number])[],
  nameSound: [
    [0, -20],
    [0.4, -8],
    [0.5, -2.0],
    [0.6, 2.8],
    [0.7, 4.0],
    [0.8, 5.4],
    [0.85, 6.1],
    [0.9, 6.8],
    [0.95, 7.5],
    [1, 8.1],
  ] as readonly (readonly [number, number])[],
  /** Per outcome of `ClkFeatures` (the same names); a field unknown on either side adds 0. */
  birth: { date: 8.2, dateDiffers: -10.4, year: 2.5, yearDiffers: -1.8 },
  sex: { agrees: 0.2, differs: -3.5 },
  citizenship: { agrees: 2.3, differs: -6.2 },
} as const;

/**
 * A pair links on its own at this weight (odds about 400:1 in the training scenarios): in
 * practice the same birth date, a name Dice of about 0.8 or more, sex and citizenship not
 * differing.
 */
export const LINK_WEIGHT = 6;
/**
 * A pair below LINK_WEIGHT is a candidate from this weight on, and links only when neither record
 * has another candidate within LINK_MARGIN of it (`selectLinks`): the best explanation of both
 * records, by a margin.
 */
export const LINK_CANDIDATE_WEIGHT = -3;
/**
 * See LINK_CANDIDATE_WEIGHT (natural log: a likelihood ratio of about 3.3). 1.5 before: on the
 * training scenarios (seeds 1000+ and 2000+, every corruption type) 1.2 linked 2-3 more combined
 * duplicates a scenario and no more false pairs; 1.0 added false links (README, "Measured").
 */
export const LINK_MARGIN = 1.2;

/** The weight on the 0..1 scale of scores: LINK_WEIGHT at LINK_THRESHOLD (0.9). */
export function linkScoreOfWeight(weight: number): number {
  return 1 / (1 + Math.exp(-(weight - LINK_WEIGHT + Math.log(9))));
}
function weightOf(score: number): number {
  return Math.log(score / (1 - score)) + LINK_WEIGHT - Math.log(9);
}
/** The score of LINK_CANDIDATE_WEIGHT (about 0.0011). */
export const LINK_CANDIDATE_SCORE = linkScoreOfWeight(LINK_CANDIDATE_WEIGHT);
/**
 * The score of LINK_CANDIDATE_WEIGHT − LINK_MARGIN (about 0.00033): linkScore's default
 * threshold, the lowest score that can still rival a candidate in `selectLinks`.
 */
export const LINK_RIVAL_SCORE = linkScoreOfWeight(LINK_CANDIDATE_WEIGHT - LINK_MARGIN);

function nameWeight(d: number, points: readonly (readonly [number, number])[]): number {
  for (let i = 1; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    if (d <= x1) {
      const [x0, y0] = points[i - 1]!;
      return y0 + ((y1 - y0) * (d - x0)) / (x1 - x0);
    }
  }
  return points[points.length - 1]![1];
}

/** The Fellegi–Sunter weight of a pair's features (CLK_WEIGHTS). */
export function linkWeight(features: ClkFeatures): number {
  const w = CLK_WEIGHTS;
  const { birth, sex, citizenship } = features;
  return (
    nameWeight(features.name, w.name) +
    nameWeight(features.nameSound, w.nameSound) +
    (birth ? w.birth[birth] : 0) +
    (sex ? w.sex[sex] : 0) +
    (citizenship ? w.citizenship[citizenship] : 0)
  );
}

export interface ClkComparison extends ClkFeatures {
  /** 0..1, the weight on a logistic scale (LINK_WEIGHT at LINK_THRESHOLD). */
  readonly score: number;
  /** The Fellegi–Sunter weight (CLK_WEIGHTS). */
  readonly weight: number;
}

/**
 * The linkage unit's comparison of two CLKs: each field's segment compared on its own
 * (`clkFeatures`), their Fellegi–Sunter weights added (`linkWeight`). What the unit computes here
 * is a score from bit vectors; no plaintext is involved.
 */
export function compareClkDetail(
  a: Buffer,
  b: Buffer,
  f: number = FLIP_PROBABILITY,
): ClkComparison {
  const features = clkFeatures(a, b, f);
  const weight = linkWeight(features);
  return { ...features, weight, score: linkScoreOfWeight(weight) };
}

/** The score of `compareClkDetail`, 0..1 (a pair at LINK_THRESHOLD or above links on its own). */
export function compareClks(a: Buffer, b: Buffer): number {
  return compareClkDetail(a, b).score;
}

/** The most each field after the name can add (an unknown field adds 0). */
const MOST = {
  birth: Math.max(0, ...Object.values(CLK_WEIGHTS.birth)),
  sex: Math.max(0, ...Object.values(CLK_WEIGHTS.sex)),
  citizenship: Math.max(0, ...Object.values(CLK_WEIGHTS.citizenship)),
};

/**
 * The score of `compareClks` when it is at least `threshold` (default LINK_RIVAL_SCORE: the
 * pairs `selectLinks` chooses from), else undefined: the linkage unit's comparison of a
 * candidate pair. The same weights as `linkWeight`, field after field (name, birth, sex,
 * citizenship); it stops as soon as even the best agreement of the fields left could not lift the
 * weight to the threshold.
 */
export function linkScore(
  a: Buffer,
  b: Buffer,
  threshold: number = LINK_RIVAL_SCORE,
): number | undefined {
  if (a.length !== CLK_BYTES || b.length !== CLK_BYTES)
    throw new TypeError(`a CLK has ${CLK_BYTES} bytes`);
  const f = FLIP_PROBABILITY;
  const w = CLK_WEIGHTS;
  const least = threshold <= 0 ? -Infinity : threshold >= 1 ? Infinity : weightOf(threshold);
  let weight =
    nameWeight(correctedDice(segmentCounts(a, b, 'name'), f), w.name) +
    nameWeight(correctedDice(segmentCounts(a, b, 'nameSound'), f), w.nameSound);
  if (weight + MOST.birth + MOST.sex + MOST.citizenship < least) return undefined;
  const date = segmentCounts(a, b, 'birthDate');
  if (present(date.a, date.bits, f) && present(date.b, date.bits, f))
    weight += w.birth[sharesAValue(date, f, CLK_FIELD_BITS.birthDate) ? 'date' : 'dateDiffers'];
  else {
    const year = segmentCounts(a, b, 'birthYear');
    if (present(year.a, year.bits, f) && present(year.b, year.bits, f))
      weight += w.birth[sharesAValue(year, f, CLK_FIELD_BITS.birthYear) ? 'year' : 'yearDiffers'];
  }
  if (weight + MOST.sex + MOST.citizenship < least) return undefined;
  const sex = segmentCounts(a, b, 'sex');
  if (present(sex.a, sex.bits, f) && present(sex.b, sex.bits, f))
    weight += w.sex[sharesAValue(sex, f, CLK_FIELD_BITS.sex) ? 'agrees' : 'differs'];
  if (weight + MOST.citizenship < least) return undefined;
  const cit = segmentCounts(a, b, 'citizenship');
  if (present(cit.a, cit.bits, f) && present(cit.b, cit.bits, f))
    weight +=
      w.citizenship[sharesAValue(cit, f, CLK_FIELD_BITS.citizenship) ? 'agrees' : 'differs'];
  const score = linkScoreOfWeight(weight);
  return score >= threshold ? score : undefined;
}

/** A scored pair of records (opaque ids). */
export interface ScoredPair<Id> {
  readonly a: Id;
  readonly b: Id;
  readonly score: number;
}

/**
 * The links among scored candidate pairs (those `linkScore` returns, from LINK_RIVAL_SCORE): a
 * pair at LINK_THRESHOLD or above links on its own; a weaker one (at least LINK_CANDIDATE_SCORE)
 * links when, for each of its two records, no other pair of that record comes within LINK_MARGIN
 * (in weight) of it,
 * other than a record linked on its own to the pair's other record, or to this one when the other
 * matches it about as well (a person recorded by three organisations: the third record's best
 * candidates are the other two). So a record
 * without a birth links to the one exact name among its candidates, not to two persons written
 * alike; a tie links neither. Pure; what the linkage unit learns stays ids and scores.
 */
export function selectLinks<Id>(pairs: readonly ScoredPair<Id>[]): ScoredPair<Id>[] {
  const parent = new Map<Id, Id>();
  const find = (x: Id): Id => {
    let root = x;
    for (let p = parent.get(root); p !== undefined && p !== root; p = parent.get(root)) root = p;
    let y = x;
    while (y !== root) {
      const next = parent.get(y) ?? root;
      parent.set(y, root);
      y = next;
    }
    return root;
  };
  const strong: ScoredPair<Id>[] = [];
  const weak: ScoredPair<Id>[] = [];
  for (const p of pairs) {
    if (p.score >= LINK_THRESHOLD) {
      strong.push(p);
      const [ra, rb] = [find(p.a), find(p.b)];
      if (ra !== rb) parent.set(ra, rb);
    } else weak.push(p);
  }
  const byRecord = new Map<Id, Map<Id, number>>();
  for (const p of pairs) {
    const weight = weightOf(p.score);
    for (const [x, y] of [
      [p.a, p.b],
      [p.b, p.a],
    ] as const) {
      const others = byRecord.get(x) ?? new Map<Id, number>();
      byRecord.set(x, others);
      others.set(y, Math.max(weight, others.get(y) ?? -Infinity));
    }
  }
  // A rival of x for y: another pair of x within the margin, unless its other record c is linked
  // on its own to y, or to x with y matching c about as well (the same person recorded again).
  const unrivalled = (x: Id, y: Id, weight: number): boolean => {
    const [rx, ry] = [find(x), find(y)];
    for (const [c, w] of byRecord.get(x)!) {
      if (c === y || w <= weight - LINK_MARGIN) continue;
      const rc = find(c);
      if (rc === ry) continue;
      if (rc === rx && (byRecord.get(y)!.get(c) ?? -Infinity) > weight - LINK_MARGIN) continue;
      return false;
    }
    return true;
  };
  const links = [...strong];
  for (const p of weak) {
    if (p.score < LINK_CANDIDATE_SCORE) continue;
    const weight = weightOf(p.score);
    if (unrivalled(p.a, p.b, weight) && unrivalled(p.b, p.a, weight)) links.push(p);
  }
  return links;
}

/**
 * Blocking by MinHash LSH over the set bits (Broder 1997; bands as in Leskovec et al., Mining of
 * Massive Datasets ch. 3): LSH_BANDS bands of LSH_ROWS min-hashes each, the hash functions drawn
 * once from a fixed public seed (they need no secret: they only group CLKs). Two CLKs with
 * Jaccard similarity J = d / (2 - d) (d their Dice) share a band with probability
 * 1 - (1 - J^r)^b. Bit sampling (Hamming LSH) was tried first: on filters a quarter full, two
 * unrelated CLKs agree on most sampled bits because both are 0 there, and it compared about half
 * of all pairs; MinHash looks at set bits only. 80 bands since clk4 (160 before): the two name
 * segments hold more set bits than clk3's one, so that 160 bands compared 1.6 times as many
 * pairs; 80 compare as many as clk3 did (README).
 */
export const LSH_BANDS = 80;
export const LSH_ROWS = 4;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A second blocking key, for name variants that share no name band: MinHash LSH over the set bits
 * of the birth date segment (when it holds a date), DATE_BANDS bands of DATE_ROWS min-hashes.
 * Two encodings of one date share a band with high probability; different dates rarely.
 */
export const DATE_BANDS = 24;
export const DATE_ROWS = 4;

/** One random 32-bit value per hash function and bit position. */
function minHashTables(seed: number, count: number, bits: number): readonly Uint32Array[] {
  const rnd = mulberry32(seed);
  const tables: Uint32Array[] = [];
  for (let f = 0; f < count; f++) {
    const t = new Uint32Array(bits);
    for (let i = 0; i < bits; i++) t[i] = Math.floor(rnd() * 4294967296);
    tables.push(t);
  }
  return tables;
}
const MINHASH = minHashTables(
  0x19c1c,
  LSH_BANDS * LSH_ROWS,
  CLK_SEGMENTS.name + CLK_SEGMENTS.nameSound,
);
const DATE_MINHASH = minHashTables(0x19c1d, DATE_BANDS * DATE_ROWS, CLK_SEGMENTS.birthDate);

function setBitsOf(clk: Buffer, field: Field, bits: number = CLK_SEGMENTS[field]): number[] {
  const set: number[] = [];
  for (let i = OFFSET[field] / 8; i < (OFFSET[field] + bits) / 8; i++) {
    const byte = clk[i]!;
    if (byte === 0) continue;
    for (let j = 0; j < 8; j++) if (byte & (1 << j)) set.push(i * 8 + j - OFFSET[field]);
  }
  return set;
}

function bandKeys(
  prefix: string,
  set: readonly number[],
  tables: readonly Uint32Array[],
  bands: number,
  rows: number,
): string[] {
  const keys: string[] = [];
  for (let b = 0; b < bands; b++) {
    let key = `${prefix}${b}`;
    for (let r = 0; r < rows; r++) {
      const table = tables[b * rows + r]!;
      let min = 0xffffffff;
      for (const pos of set) if (table[pos]! < min) min = table[pos]!;
      key += `:${min.toString(36)}`;
    }
    keys.push(key);
  }
  return keys;
}

/**
 * Blocking keys of a CLK: one per name band (over the bits of both name segments, spelling and
 * sound), `<band>:<its min-hashes>`, and, when the CLK holds a
 * birth date, one per date band, `d<band>:<its min-hashes>`.
 */
export function clkBlocks(clk: Buffer): readonly string[] {
  if (clk.length !== CLK_BYTES) throw new TypeError(`a CLK has ${CLK_BYTES} bytes`);
  const names = setBitsOf(clk, 'name', CLK_SEGMENTS.name + CLK_SEGMENTS.nameSound);
  const keys = bandKeys('', names, MINHASH, LSH_BANDS, LSH_ROWS);
  const date = setBitsOf(clk, 'birthDate');
  if (DATE_BANDS > 0 && present(date.length, CLK_SEGMENTS.birthDate, FLIP_PROBABILITY))
    keys.push(...bandKeys('d', date, DATE_MINHASH, DATE_BANDS, DATE_ROWS));
  return keys;
}
