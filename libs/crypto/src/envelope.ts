import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptionError } from './errors';

/**
 * Authenticated encryption of one value with one case's data key: AES-256-GCM, a random
 * 96-bit IV per value, a 128-bit tag, and the case id (plus the data-key version) bound in as
 * associated data, so a ciphertext copied into another case does not decrypt there.
 *
 * Format (ASCII, dot-separated, base64url fields):
 *   v1.<dataKeyVersion>.<iv>.<tag>.<ciphertext>
 * The master key never appears: data keys are wrapped separately (see CaseCipher), so
 * rotating the master key does not touch any stored ciphertext.
 */
export const CIPHERTEXT_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ParsedCiphertext {
  readonly dataKeyVersion: number;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

/** Canonical (lower-case) form of a case id; throws unless it is a uuid. */
export function canonicalCaseId(caseId: string): string {
  const id = typeof caseId === 'string' ? caseId.toLowerCase() : '';
  if (!CASE_ID.test(id)) throw new TypeError('caseId must be a uuid');
  return id;
}

export function associatedData(caseId: string, dataKeyVersion: number): Buffer {
  return Buffer.from(
    `remedy/${CIPHERTEXT_VERSION}/case/${canonicalCaseId(caseId)}/dk/${dataKeyVersion}`,
    'utf8',
  );
}

export function generateDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

export function encryptWithDataKey(
  dataKey: Buffer,
  caseId: string,
  plaintext: Buffer | string,
  dataKeyVersion = 1,
): string {
  assertKey(dataKey);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(caseId, dataKeyVersion));
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const ct = Buffer.concat([cipher.update(data), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [CIPHERTEXT_VERSION, String(dataKeyVersion), b64(iv), b64(tag), b64(ct)].join('.');
}

export function decryptWithDataKey(dataKey: Buffer, caseId: string, value: string): Buffer {
  assertKey(dataKey);
  const parsed = parseCiphertext(value);
  const decipher = createDecipheriv('aes-256-gcm', dataKey, parsed.iv, {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(associatedData(caseId, parsed.dataKeyVersion));
  decipher.setAuthTag(parsed.tag);
  try {
    return Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]);
  } catch {
    throw new DecryptionError('authentication_failed');
  }
}

/** Splits a ciphertext string into its parts; throws DecryptionError when it is not one. */
export function parseCiphertext(value: string): ParsedCiphertext {
  if (typeof value !== 'string') throw new DecryptionError('malformed');
  const parts = value.split('.');
  if (parts.length !== 5) throw new DecryptionError('malformed');
  const [version, keyVersion, iv, tag, ct] = parts as [string, string, string, string, string];
  if (version !== CIPHERTEXT_VERSION) throw new DecryptionError('unsupported_version');
  if (!/^[1-9][0-9]{0,8}$/.test(keyVersion)) throw new DecryptionError('malformed');
  const parsed = {
    dataKeyVersion: Number(keyVersion),
    iv: unb64(iv),
    tag: unb64(tag),
    ciphertext: unb64(ct),
  };
  if (parsed.iv.length !== IV_BYTES || parsed.tag.length !== TAG_BYTES)
    throw new DecryptionError('malformed');
  return parsed;
}

/** Whether a value looks like a ciphertext of this module (no decryption attempted). */
export function isCiphertext(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    parseCiphertext(value);
    return true;
  } catch {
    return false;
  }
}

function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES)
    throw new TypeError('data key must be 32 bytes');
}

function b64(data: Buffer): string {
  return data.toString('base64url');
}

function unb64(text: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new DecryptionError('malformed');
  return Buffer.from(text, 'base64url');
}
