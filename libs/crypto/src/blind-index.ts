import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { KeyMaterialError } from './errors';
import { decodeKey256, keysDir, readOrCreateSecretFile } from './key-files';

/**
 * Blind index for finding a person again (duplicate detection) without storing their name or
 * birth date in clear: HMAC-SHA256, under a key separate from the master key, over the
 * normalised name and ISO birth date, scoped to one organisation, so the same person held by
 * two organisations gets two unrelated indices.
 */
export const BLIND_INDEX_VERSION = 'bi1';

export interface BlindIndexInput {
  /** Opaque organisation id (uuid): the scope. */
  readonly organisationId: string;
  readonly name: string;
  /** ISO 8601 calendar date, YYYY-MM-DD. */
  readonly birthDate: string;
}

/** Letters NFKD does not decompose into a base letter plus marks. */
const FOLD: Record<string, string> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ø: 'o',
  Ø: 'o',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  Ð: 'd',
  ł: 'l',
  Ł: 'l',
  þ: 'th',
  Þ: 'th',
  ı: 'i',
  ħ: 'h',
  Ħ: 'h',
  ŧ: 't',
  Ŧ: 't',
};
const FOLD_PATTERN = new RegExp(`[${Object.keys(FOLD).join('')}]`, 'gu');

/**
 * Name normalisation: Unicode NFKD, diacritics stripped, a few letters folded (ß → ss, ø → o,
 * ł → l, ...), lower-cased, dashes as spaces, other punctuation and symbols removed,
 * whitespace collapsed and trimmed. "José  Pérez" and "jose perez" normalise alike.
 */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(FOLD_PATTERN, (c) => FOLD[c] ?? c)
    .toLowerCase()
    .replace(/\p{Pd}+/gu, ' ')
    .replace(/[\p{P}\p{S}]+/gu, '')
    .replace(/[\p{Z}\s]+/gu, ' ')
    .trim();
}

/** Validates an ISO calendar date (YYYY-MM-DD) that exists. */
export function normaliseBirthDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(typeof date === 'string' ? date.trim() : '');
  if (!m) throw new TypeError('birthDate must be an ISO date (YYYY-MM-DD)');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) {
    throw new TypeError('birthDate must be an existing calendar date');
  }
  return `${m[1]}-${m[2]}-${m[3]}`;
}

export class BlindIndexer {
  private readonly key: Buffer;

  /** Whether this indexer uses the given key (to check it is not also a master key). */
  usesKey(key: Buffer): boolean {
    return key.length === this.key.length && timingSafeEqual(key, this.key);
  }

  constructor(key: Buffer) {
    if (!Buffer.isBuffer(key) || key.length !== 32)
      throw new KeyMaterialError('blind index key must be 32 bytes');
    this.key = Buffer.from(key);
  }

  /** `bi1.<base64url HMAC-SHA256>`; throws on an empty name or an invalid date. */
  index(input: BlindIndexInput): string {
    const organisationId = input.organisationId?.toLowerCase();
    if (!organisationId || !/^[0-9a-f-]{36}$/.test(organisationId))
      throw new TypeError('organisationId must be a uuid');
    const name = normaliseName(input.name ?? '');
    if (name === '') throw new TypeError('name is empty after normalisation');
    const birthDate = normaliseBirthDate(input.birthDate);
    // Length-prefixed fields: no two different inputs share a MAC input.
    const fields = [BLIND_INDEX_VERSION, organisationId, name, birthDate].map((f) => {
      const b = Buffer.from(f, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      return Buffer.concat([len, b]);
    });
    const mac = createHmac('sha256', this.key).update(Buffer.concat(fields)).digest('base64url');
    return `${BLIND_INDEX_VERSION}.${mac}`;
  }

  /**
   * A key of the blind-index key family for another keyed-token purpose (HMAC-SHA256 of the
   * purpose under the blind-index key, 32 bytes), e.g. `person-match/v1/<organisationId>` for the
   * organisation-scoped person-matching tokens (issue 19). The blind-index key itself never
   * leaves this class; a derived key opens nothing else and differs per purpose.
   */
  derivedKey(purpose: string): Buffer {
    if (typeof purpose !== 'string' || purpose.length === 0)
      throw new TypeError('purpose must be a non-empty string');
    return createHmac('sha256', this.key).update(purpose, 'utf8').digest();
  }

  /** Constant-time comparison of an input against a stored index. */
  matches(input: BlindIndexInput, stored: string): boolean {
    const a = Buffer.from(this.index(input));
    const b = Buffer.from(stored);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

export interface BlindIndexKeyOptions {
  readonly dataDir: string;
  /** REMEDY_BLIND_INDEX_KEY (base64, 32 bytes); else `<dataDir>/keys/blind-index.key`. */
  readonly blindIndexKey?: string;
}

/** Loads (or creates on first start) the blind index key; never the master key. */
export async function loadBlindIndexer(options: BlindIndexKeyOptions): Promise<BlindIndexer> {
  if (options.blindIndexKey !== undefined && options.blindIndexKey.trim() !== '') {
    return new BlindIndexer(decodeKey256(options.blindIndexKey, 'REMEDY_BLIND_INDEX_KEY'));
  }
  const content = await readOrCreateSecretFile(
    join(keysDir(options.dataDir), 'blind-index.key'),
    () => Buffer.from(`${randomBytes(32).toString('base64')}\n`),
  );
  return new BlindIndexer(decodeKey256(content.toString('utf8'), 'blind index key file'));
}
