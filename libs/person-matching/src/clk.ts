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
export const CLK_VERSION = 'clk1';
export const CLK_BITS = 1024;
const CLK_BYTES = CLK_BITS / 8;
/** Probability that a bit is flipped (randomised response). */
export const FLIP_PROBABILITY = 0.02;
/** Dice at or above which two CLKs link (chosen on the benchmark, see README). */
export const LINK_THRESHOLD = 0.75;

/** Bits per token, per field (the field's weight). */
export const CLK_FIELD_BITS = {
  nameBigram: 4,
  nameSkeletonBigram: 6,
  nameSkeleton: 14,
  namePhonetic: 8,
  birthDate: 120,
  birthYear: 10,
  citizenship: 8,
  sex: 8,
} as const;
/** Years either side of a birth year that also set their bits (known date / estimate). */
const YEAR_WINDOW = { date: 1, estimate: 3 } as const;

export interface ClkOptions {
  /** Random bytes for the bit flips (tests, the benchmark: seeded); default node:crypto. */
  readonly random?: (bytes: number) => Buffer;
  /** Default FLIP_PROBABILITY; 0 for a deterministic (unhardened) encoding. */
  readonly flipProbability?: number;
}

function fieldKey(secret: Buffer, field: string): Buffer {
  return createHmac('sha256', secret).update(`${CLK_VERSION}|field|${field}`).digest();
}

function setBits(clk: Buffer, key: Buffer, value: string, k: number): void {
  const h = createHmac('sha256', key).update(value, 'utf8').digest();
  const h1 = h.readUInt32BE(0);
  const h2 = h.readUInt32BE(4) | 1;
  for (let i = 0; i < k; i++) {
    const pos = (h1 + Math.imul(i, h2)) >>> 0;
    const bit = pos % CLK_BITS;
    clk[bit >> 3]! |= 1 << (bit & 7);
  }
}

/** A fixed-length CLK of the person (CLK_BITS bits). */
export function encodeClk(
  person: PersonIdentifiers,
  sharedSecret: Buffer,
  options: ClkOptions = {},
): Buffer {
  if (!Buffer.isBuffer(sharedSecret) || sharedSecret.length < 16)
    throw new TypeError('sharedSecret must be a Buffer of at least 16 bytes');
  const clk = Buffer.alloc(CLK_BYTES);
  const keys = {
    name: fieldKey(sharedSecret, 'name'),
    birthDate: fieldKey(sharedSecret, 'birthDate'),
    birthYear: fieldKey(sharedSecret, 'birthYear'),
    citizenship: fieldKey(sharedSecret, 'citizenship'),
    sex: fieldKey(sharedSecret, 'sex'),
  };
  for (const part of nameParts(person.fullName)) {
    const grams = new Set(part.forms.flatMap(bigrams));
    for (const g of grams) setBits(clk, keys.name, `b:${g}`, CLK_FIELD_BITS.nameBigram);
    for (const s of part.skeletons) {
      setBits(clk, keys.name, `k:${s}`, CLK_FIELD_BITS.nameSkeleton);
      for (const g of bigrams(s))
        setBits(clk, keys.name, `s:${g}`, CLK_FIELD_BITS.nameSkeletonBigram);
    }
    for (const p of part.phonetic) setBits(clk, keys.name, `p:${p}`, CLK_FIELD_BITS.namePhonetic);
  }
  const birth = birthOf(person);
  if (birth?.date) setBits(clk, keys.birthDate, birth.date, CLK_FIELD_BITS.birthDate);
  if (birth) {
    const w = birth.date ? YEAR_WINDOW.date : YEAR_WINDOW.estimate;
    for (let y = birth.year - w; y <= birth.year + w; y++)
      setBits(clk, keys.birthYear, String(y), CLK_FIELD_BITS.birthYear);
  }
  for (const c of citizenshipsOf(person.citizenships))
    setBits(clk, keys.citizenship, c, CLK_FIELD_BITS.citizenship);
  const sex = sexOf(person.sex);
  if (sex) setBits(clk, keys.sex, sex, CLK_FIELD_BITS.sex);

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

/**
 * Hamming LSH by bit sampling (Indyk & Motwani): LSH_BANDS bands of LSH_BAND_BITS positions
 * each, drawn once from a fixed public seed (they need no secret: they only group CLKs). Two
 * CLKs that agree on a fraction s of their bits share a band with probability
 * 1 - (1 - s^r)^b: near 1 for two encodings of one person, negligible for unrelated ones.
 */
export const LSH_BANDS = 32;
export const LSH_BAND_BITS = 24;

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

const BANDS: readonly (readonly number[])[] = (() => {
  const rnd = mulberry32(0x19c1c);
  const bands: number[][] = [];
  for (let b = 0; b < LSH_BANDS; b++) {
    const chosen = new Set<number>();
    while (chosen.size < LSH_BAND_BITS) chosen.add(Math.floor(rnd() * CLK_BITS));
    bands.push([...chosen]);
  }
  return bands;
})();

/** Blocking keys of a CLK: one per band, `<band>:<sampled bits as hex>`. */
export function clkBlocks(clk: Buffer): readonly string[] {
  if (clk.length !== CLK_BYTES) throw new TypeError(`a CLK has ${CLK_BYTES} bytes`);
  return BANDS.map((positions, b) => {
    let v = 0;
    for (const bit of positions) v = (v << 1) | ((clk[bit >> 3]! >> (bit & 7)) & 1);
    return `${b}:${(v >>> 0).toString(16)}`;
  });
}
