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
 * - Fields: the full name's parts (padded bigrams of each normalised Latin form and of its
 *   consonant skeleton; the skeleton and the Double Metaphone keys as whole tokens, so script
 *   variants meet), the birth date,
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
export const CLK_VERSION = 'clk2';

/**
 * The encoding's layout: one Bloom filter per field (attribute-level, Schnell 2015), laid end to
 * end in one buffer, each compared on its own by `compareClks`. Bits of each segment.
 */
export const CLK_SEGMENTS = {
  name: 1024,
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
/** Score at or above which two CLKs link (chosen on the benchmark, see README). */
export const LINK_THRESHOLD = 0.9;

/** Bits per token, per field (the field's weight within its segment). */
export const CLK_FIELD_BITS = {
  nameBigram: 6,
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

function fieldKey(secret: Buffer, field: string): Buffer {
  return createHmac('sha256', secret).update(`${CLK_VERSION}|field|${field}`).digest();
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
    for (const s of part.skeletons) {
      setBits(clk, 'name', keys.name, `k:${s}`, b.nameSkeleton);
      for (const g of bigrams(s)) setBits(clk, 'name', keys.name, `s:${g}`, b.nameSkeletonBigram);
    }
    for (const p of part.phonetic) setBits(clk, 'name', keys.name, `p:${p}`, b.namePhonetic);
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

/** Weights of the fields in `compareClks` (Fellegi–Sunter style: agreement +, disagreement −). */
export const CLK_WEIGHTS = {
  name: 1,
  birthDateAgrees: 0.45,
  birthDateDiffers: -0.5,
  birthYearAgrees: 0.05,
  birthYearDiffers: -0.5,
  sexAgrees: 0,
  sexDiffers: -0.3,
  citizenshipAgrees: 0,
  citizenshipDiffers: -0.2,
} as const;

export interface ClkComparison {
  /** 0..1; the pair links at LINK_THRESHOLD or above. */
  readonly score: number;
  /** Dice of the name segments (corrected for the flips). */
  readonly name: number;
  /** 'date' / 'year' agreement, 'differs', or undefined when one side has no birth. */
  readonly birth?: 'date' | 'year' | 'differs';
}

/**
 * The linkage unit's comparison of two CLKs: each field's segment compared on its own (Dice
 * corrected for the flips), combined as a weighted sum of per-field agreement (Fellegi–Sunter
 * style, weights CLK_WEIGHTS). A field missing on either side weighs nothing. What the unit
 * computes here is a score from bit vectors; no plaintext is involved.
 */
export function compareClkDetail(
  a: Buffer,
  b: Buffer,
  f: number = FLIP_PROBABILITY,
): ClkComparison {
  if (a.length !== CLK_BYTES || b.length !== CLK_BYTES)
    throw new TypeError(`a CLK has ${CLK_BYTES} bytes`);
  const w = CLK_WEIGHTS;
  const nameCounts = segmentCounts(a, b, 'name');
  const name = correctedDice(nameCounts, f);
  let score = w.name * name;
  let birth: ClkComparison['birth'];
  const date = segmentCounts(a, b, 'birthDate');
  const year = segmentCounts(a, b, 'birthYear');
  if (present(date.a, date.bits, f) && present(date.b, date.bits, f)) {
    birth = sharesAValue(date, f, CLK_FIELD_BITS.birthDate) ? 'date' : 'differs';
    score += birth === 'date' ? w.birthDateAgrees : w.birthDateDiffers;
  } else if (present(year.a, year.bits, f) && present(year.b, year.bits, f)) {
    birth = sharesAValue(year, f, CLK_FIELD_BITS.birthYear) ? 'year' : 'differs';
    score += birth === 'year' ? w.birthYearAgrees : w.birthYearDiffers;
  }
  const sex = segmentCounts(a, b, 'sex');
  if (present(sex.a, sex.bits, f) && present(sex.b, sex.bits, f))
    score += sharesAValue(sex, f, CLK_FIELD_BITS.sex) ? w.sexAgrees : w.sexDiffers;
  const cit = segmentCounts(a, b, 'citizenship');
  if (present(cit.a, cit.bits, f) && present(cit.b, cit.bits, f))
    score += sharesAValue(cit, f, CLK_FIELD_BITS.citizenship)
      ? w.citizenshipAgrees
      : w.citizenshipDiffers;
  return { score: Math.min(1, Math.max(0, score)), name, ...(birth ? { birth } : {}) };
}

/** The score of `compareClkDetail`, 0..1. */
export function compareClks(a: Buffer, b: Buffer): number {
  return compareClkDetail(a, b).score;
}

/** The most the fields other than the name can add to a score. */
const MOST_BESIDES_NAME =
  Math.max(0, CLK_WEIGHTS.birthDateAgrees, CLK_WEIGHTS.birthYearAgrees) +
  Math.max(0, CLK_WEIGHTS.sexAgrees) +
  Math.max(0, CLK_WEIGHTS.citizenshipAgrees);

/**
 * The score of `compareClks` when it is at least `threshold`, else undefined: the linkage
 * unit's comparison of a candidate pair. The name's segment is compared first; when even the
 * best agreement of the other fields could not lift it to the threshold, they are not compared.
 */
export function linkScore(
  a: Buffer,
  b: Buffer,
  threshold: number = LINK_THRESHOLD,
): number | undefined {
  if (a.length !== CLK_BYTES || b.length !== CLK_BYTES)
    throw new TypeError(`a CLK has ${CLK_BYTES} bytes`);
  const name = correctedDice(segmentCounts(a, b, 'name'), FLIP_PROBABILITY);
  if (CLK_WEIGHTS.name * name + MOST_BESIDES_NAME < threshold) return undefined;
  const { score } = compareClkDetail(a, b);
  return score >= threshold ? score : undefined;
}

/**
 * Blocking by MinHash LSH over the set bits (Broder 1997; bands as in Leskovec et al., Mining of
 * Massive Datasets ch. 3): LSH_BANDS bands of LSH_ROWS min-hashes each, the hash functions drawn
 * once from a fixed public seed (they need no secret: they only group CLKs). Two CLKs with
 * Jaccard similarity J = d / (2 - d) (d their Dice) share a band with probability
 * 1 - (1 - J^r)^b. Bit sampling (Hamming LSH) was tried first: on filters a quarter full, two
 * unrelated CLKs agree on most sampled bits because both are 0 there, and it compared about half
 * of all pairs; MinHash looks at set bits only.
 */
export const LSH_BANDS = 160;
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

/** One random 32-bit value per hash function and bit position. */
const MINHASH: readonly Uint32Array[] = (() => {
  const rnd = mulberry32(0x19c1c);
  const tables: Uint32Array[] = [];
  for (let f = 0; f < LSH_BANDS * LSH_ROWS; f++) {
    const t = new Uint32Array(CLK_SEGMENTS.name);
    for (let i = 0; i < CLK_SEGMENTS.name; i++) t[i] = Math.floor(rnd() * 4294967296);
    tables.push(t);
  }
  return tables;
})();

/** Blocking keys of a CLK: one per band, `<band>:<its min-hashes>`. */
export function clkBlocks(clk: Buffer): readonly string[] {
  if (clk.length !== CLK_BYTES) throw new TypeError(`a CLK has ${CLK_BYTES} bytes`);
  const set: number[] = [];
  for (let i = OFFSET.name / 8; i < (OFFSET.name + CLK_SEGMENTS.name) / 8; i++) {
    const byte = clk[i]!;
    if (byte === 0) continue;
    for (let j = 0; j < 8; j++) if (byte & (1 << j)) set.push(i * 8 + j);
  }
  const keys: string[] = [];
  for (let b = 0; b < LSH_BANDS; b++) {
    let key = `${b}`;
    for (let r = 0; r < LSH_ROWS; r++) {
      const table = MINHASH[b * LSH_ROWS + r]!;
      let min = 0xffffffff;
      for (const pos of set) if (table[pos]! < min) min = table[pos]!;
      key += `:${min.toString(36)}`;
    }
    keys.push(key);
  }
  return keys;
}
