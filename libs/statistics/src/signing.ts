import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { join } from 'node:path';
import { keysDir, readOrCreateSecretFile } from '@remedy/crypto';

export const SIGNING_KEY_FILE = 'statistics-signing-key.pem';

/**
 * The installation's release-signing key: Ed25519, generated on first use into
 * `<REMEDY_DATA_DIR>/keys/statistics-signing-key.pem` (PKCS#8 PEM, mode 0600, atomic and
 * race-safe like the local token issuer's key). Releases are signed over their exact JSON bytes;
 * the public key (SPKI PEM) is published at GET /statistics/public-key.
 */
export class ReleaseSigner {
  private constructor(
    private readonly privateKey: KeyObject,
    readonly publicKeyPem: string,
  ) {}

  static async load(dataDir: string): Promise<ReleaseSigner> {
    const pem = await readOrCreateSecretFile(join(keysDir(dataDir), SIGNING_KEY_FILE), () => {
      const { privateKey } = generateKeyPairSync('ed25519');
      return Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    });
    const privateKey = createPrivateKey(pem);
    const publicKeyPem = createPublicKey(privateKey).export({
      type: 'spki',
      format: 'pem',
    }) as string;
    return new ReleaseSigner(privateKey, publicKeyPem);
  }

  /** Base64 Ed25519 signature of the body's UTF-8 bytes. */
  sign(body: string): string {
    return sign(null, Buffer.from(body, 'utf8'), this.privateKey).toString('base64');
  }
}

export const sha256Hex = (body: string): string =>
  createHash('sha256').update(body, 'utf8').digest('hex');

/** Checks a release signature with a public key in SPKI PEM (what a recipient does). */
export const verifyRelease = (body: string, signature: string, publicKeyPem: string): boolean =>
  verify(
    null,
    Buffer.from(body, 'utf8'),
    createPublicKey(publicKeyPem),
    Buffer.from(signature, 'base64'),
  );
