import { randomUUID } from 'node:crypto';
import {
  decryptWithDataKey,
  encryptWithDataKey,
  generateDataKey,
  isCiphertext,
  parseCiphertext,
} from './envelope';
import { DecryptionError } from './errors';

describe('envelope encryption of one value (AES-256-GCM, case id as associated data)', () => {
  const key = generateDataKey();
  const caseId = randomUUID();

  it('given a data key, when a value is encrypted then decrypted for the same case, then it round-trips', () => {
    const plaintext = 'Ana María Núñez 🙂';
    const ct = encryptWithDataKey(key, caseId, plaintext);
    expect(decryptWithDataKey(key, caseId, ct).toString('utf8')).toBe(plaintext);
  });

  it('uses the compact versioned format v1.<dataKeyVersion>.<iv>.<tag>.<ct> with a fresh 96-bit IV each time', () => {
    const a = encryptWithDataKey(key, caseId, 'same');
    const b = encryptWithDataKey(key, caseId, 'same');
    expect(a).toMatch(/^v1\.1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/);
    expect(a).not.toBe(b);
    expect(parseCiphertext(a).iv).toHaveLength(12);
    expect(isCiphertext(a)).toBe(true);
    expect(isCiphertext('Ana')).toBe(false);
    expect(a).not.toContain('same');
  });

  it('given a ciphertext of one case, when decrypted as another case, then it fails (AAD binds the case id)', () => {
    const ct = encryptWithDataKey(key, caseId, 'secret');
    expect(() => decryptWithDataKey(key, randomUUID(), ct)).toThrow(DecryptionError);
  });

  it('treats the case id case-insensitively (canonical uuid)', () => {
    const ct = encryptWithDataKey(key, caseId.toUpperCase(), 'x');
    expect(decryptWithDataKey(key, caseId, ct).toString()).toBe('x');
  });

  it('given a tampered ciphertext, tag, IV or key version, when decrypted, then it fails', () => {
    const ct = encryptWithDataKey(key, caseId, 'a longer secret value');
    const [v, kv, iv, tag, body] = ct.split('.') as [string, string, string, string, string];
    const flip = (s: string) => {
      const buf = Buffer.from(s, 'base64url');
      buf[0] = buf[0]! ^ 0x01;
      return buf.toString('base64url');
    };
    for (const bad of [
      [v, kv, iv, tag, flip(body)],
      [v, kv, iv, flip(tag), body],
      [v, kv, flip(iv), tag, body],
      [v, '2', iv, tag, body],
    ]) {
      expect(() => decryptWithDataKey(key, caseId, bad.join('.'))).toThrow(DecryptionError);
    }
  });

  it('given another data key, when decrypting, then it fails', () => {
    const ct = encryptWithDataKey(key, caseId, 'secret');
    expect(() => decryptWithDataKey(generateDataKey(), caseId, ct)).toThrow(
      expect.objectContaining({ reason: 'authentication_failed' }),
    );
  });

  it('rejects malformed and unknown-version strings without echoing them', () => {
    for (const bad of [
      '',
      'v1.1.a.b',
      'v2.1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AA',
      'v1.1.!!.??.$$',
      'v1.0.a.b.c',
    ]) {
      try {
        decryptWithDataKey(key, caseId, bad);
        throw new Error('should have failed');
      } catch (error) {
        expect(error).toBeInstanceOf(DecryptionError);
        if (bad) expect((error as Error).message).not.toContain(bad);
      }
    }
  });

  it('refuses a case id that is not a uuid', () => {
    expect(() => encryptWithDataKey(key, 'José Pérez', 'x')).toThrow(TypeError);
  });
});
