import type { KeyManagementService } from '@remedy/crypto';

/**
 * TOTP secrets at rest: encrypted under the master key (REMEDY_MASTER_KEY or the key files of
 * `<dataDir>/keys`, the same KMS that wraps the cases' data keys: AES-256-GCM, versioned for
 * rotation), bound to the account's user id as associated data, so a secret copied to another
 * account's row does not decrypt. Stored as JSON `{k, v, w}` (key id, key version, base64).
 */
export class SecretBox {
  constructor(private readonly kms: KeyManagementService) {}

  async seal(userId: string, secret: string): Promise<string> {
    const wrapped = await this.kms.wrapKey(Buffer.from(secret, 'utf8'), { caseId: userId });
    return JSON.stringify({
      k: wrapped.keyId,
      v: wrapped.keyVersion,
      w: wrapped.wrapped.toString('base64'),
    });
  }

  async open(userId: string, sealed: string): Promise<string> {
    const { k, v, w } = JSON.parse(sealed) as { k: string; v: number; w: string };
    const secret = await this.kms.unwrapKey(
      { keyId: k, keyVersion: v, wrapped: Buffer.from(w, 'base64') },
      { caseId: userId },
    );
    return secret.toString('utf8');
  }
}
