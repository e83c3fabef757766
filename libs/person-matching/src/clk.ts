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
export const FLIP_PROBABILITY = 0.01;
/** Dice at or above which two CLKs link (chosen on the benchmark, see README). */
export const LINK_THRESHOLD = 0.7;

/** Bits per token, per field (the field's weight). */
export const CLK_FIELD_BITS = {
  nameBigram: 3,
  nameSkeletonBigram: 6,
  nameSkeleton: 10,
  namePhonetic: 8,
  birthYear: 6,
  citizenship: 8,
  sex: 8,
} as const;
/** Bits of the birth date per set bit of the name (at least 24, at most 200). */
export const BIRTH_DATE_RATIO = 0.7;
/** Years either side of a birth year that also set their bits (known date / estimate). */
const YEAR_WINDOW = { date: 0, estimate: 3 } as const;

export interface ClkOptions {
  /** Random bytes for the bit flips (tests, the benchmark: seeded); default node:crypto. */
  readonly random?: (bytes: number) => Buffer;
  /** Default FLIP_PROBABILITY; 0 for a deterministic (unhardened) encoding. */
  readonly flipProbability?: number;
}

function fieldKey(secret: Buffer, field: string): Buffer {
  return createHmac('sha256', secret).update(`${CLK_VERSION}|field|${field}`).digest();
}

interface FieldKeys {
  readonly name: Buffer;
  readonly birthDate: Buffer;
  readonly birthYear: Buffer;
  readonly citizenship: Buffer;
  readonly sex: Buffer;
}
/** Per secret Buffer (weakly held: dropped with the secret). */
const FIELD_KEYS = new WeakMap<Buffer, FieldKeys>();

function fieldKeys(secret: Buffer): FieldKeys {
  const cached = FIELD_KEYS.get(secret);
  if (cached) return cached;
  const keys = {
    name: fieldKey(secret, 'name'),
    birthDate: fieldKey(secret, 'birthDate'),
    birthYear: fieldKey(secret, 'birthYear'),
    citizenship: fieldKey(secret, 'citizenship'),
    sex: fieldKey(secret, 'sex'),
  };
  FIELD_KEYS.set(secret, keys);
  return keys;
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
  const keys = fieldKeys(sharedSecret);
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
  // The date weighs in proportion to the name: against a namesake (same name, another date) the
  // Dice is then about 1 / (1 + r), against the same person without a date 1 / (1 + r / 2),
  // whatever the name's length (r = BIRTH_DATE_RATIO).
  const nameBits = popcount(clk);
  if (birth?.date) {
    const k = Math.min(200, Math.max(24, Math.round(BIRTH_DATE_RATIO * nameBits)));
    setBits(clk, keys.birthDate, birth.date, k);
  }
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
 * Blocking by MinHash LSH over the set bits (Broder 1997; bands as in Leskovec et al., Mining of
 * Massive Datasets ch. 3): LSH_BANDS bands of LSH_ROWS min-hashes each, the hash functions drawn
 * once from a fixed public seed (they need no secret: they only group CLKs). Two CLKs with
 * Jaccard similarity J = d / (2 - d) (d their Dice) share a band with probability
 * 1 - (1 - J^r)^b. Bit sampling (Hamming LSH) was tried first: on filters a quarter full, two
 * unrelated CLKs agree on most sampled bits because both are 0 there, and it compared about half
 * of all pairs; MinHash looks at set bits only.
 */
export const LSH_BANDS = 40;
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
    const t = new Uint32Array(CLK_BITS);
    for (let i = 0; i < CLK_BITS; i++) t[i] = Math.floor(rnd() * 4294967296);
    tables.push(t);
  }
  return tables;
})();

/** Blocking keys of a CLK: one per band, `<band>:<its min-hashes>`. */
export function clkBlocks(clk: Buffer): readonly string[] {
  if (clk.length !== CLK_BYTES) throw new TypeError(`a CLK has ${CLK_BYTES} bytes`);
  const set: number[] = [];
  for (let i = 0; i < CLK_BYTES; i++) {
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
