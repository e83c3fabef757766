import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from 'jose';
import { keysDir, readOrCreateSecretFile } from '@remedy/crypto';
import { type Actor, isOpaqueId, isRole, type Role } from './actor';
import { JwtIssuerVerifier, type IssuerVerifier } from './verifier';

export const LOCAL_ISSUER = 'remedy-local';
export const API_AUDIENCE = 'remedy-api';
const ALGORITHM = 'EdDSA'; // Ed25519 signatures (RFC 8037)
const SIGNING_KEY_FILE = 'jwt-signing-key.json';

export interface MintTokenInput {
  readonly userId: string;
  readonly organisationId: string;
  readonly roles: readonly Role[];
  /** Seconds, or a duration such as `15m`, `8h`, `1d` (default 8h, at most `maxLifetimeSeconds`). */
  readonly expiresIn?: number | string;
}

export interface LocalIssuerOptions {
  /** REMEDY_DATA_DIR: the signing key lives in `<dataDir>/keys/jwt-signing-key.json`. */
  readonly dataDir: string;
  /** Longest lifetime a minted token may have (default 24 h). */
  readonly maxLifetimeSeconds?: number;
  readonly clockToleranceSeconds?: number;
  readonly now?: () => Date;
}

/**
 * The local token issuer: an Ed25519 key pair generated on first start into
 * `<dataDir>/keys/jwt-signing-key.json` (mode 0600, atomic, race-safe), issuer `remedy-local`,
 * audience `remedy-api`. Tokens carry opaque ids and roles only.
 */
export class LocalTokenIssuer implements IssuerVerifier {
  readonly issuer = LOCAL_ISSUER;
  private readonly verifier: JwtIssuerVerifier;

  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK & { kid: string },
    publicKey: CryptoKey,
    private readonly options: LocalIssuerOptions,
  ) {
    this.verifier = new JwtIssuerVerifier({
      issuer: LOCAL_ISSUER,
      audience: API_AUDIENCE,
      key: publicKey,
      algorithms: [ALGORITHM],
      typ: 'JWT',
      ...(options.clockToleranceSeconds !== undefined
        ? { clockToleranceSeconds: options.clockToleranceSeconds }
        : {}),
    });
  }

  static async load(options: LocalIssuerOptions): Promise<LocalTokenIssuer> {
    const file = await readOrCreateSecretFile(
      join(keysDir(options.dataDir), SIGNING_KEY_FILE),
      async () => {
        const { privateKey } = await generateKeyPair(ALGORITHM, {
          crv: 'Ed25519',
          extractable: true,
        });
        const jwk = await exportJWK(privateKey);
        const kid = await calculateJwkThumbprint(jwk);
        return Buffer.from(`${JSON.stringify({ ...jwk, kid, alg: ALGORITHM, use: 'sig' })}\n`);
      },
    );
    let jwk: JWK;
    try {
      jwk = JSON.parse(file.toString('utf8')) as JWK;
    } catch {
      throw new Error(`${SIGNING_KEY_FILE} is not valid JSON`);
    }
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.d || !jwk.x) {
      throw new Error(`${SIGNING_KEY_FILE} must hold a private Ed25519 JWK`);
    }
    const { d: _d, ...publicPart } = jwk;
    const kid = jwk.kid ?? (await calculateJwkThumbprint(publicPart));
    const privateKey = (await importJWK(jwk, ALGORITHM)) as CryptoKey;
    const publicKey = (await importJWK(publicPart, ALGORITHM)) as CryptoKey;
    return new LocalTokenIssuer(
      privateKey,
      { ...publicPart, kid, alg: ALGORITHM, use: 'sig' },
      publicKey,
      options,
    );
  }

  /** Signs a token for an actor; throws TypeError on ids that are not uuids, unknown roles or a bad lifetime. */
  async mintToken(input: MintTokenInput): Promise<string> {
    if (!isOpaqueId(input.userId)) throw new TypeError('userId must be a uuid');
    if (!isOpaqueId(input.organisationId)) throw new TypeError('organisationId must be a uuid');
    const roles = [...new Set(input.roles)];
    if (roles.length === 0 || !roles.every(isRole))
      throw new TypeError('roles must be a non-empty list of known roles');
    const lifetime = parseDuration(input.expiresIn ?? '8h');
    const max = this.options.maxLifetimeSeconds ?? 24 * 3600;
    if (lifetime > max) throw new TypeError(`expiresIn must be at most ${max} seconds`);
    const now = Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000);
    return new SignJWT({ org: input.organisationId.toLowerCase(), roles })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.publicJwk.kid, typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(API_AUDIENCE)
      .setSubject(input.userId.toLowerCase())
      .setIssuedAt(now)
      .setExpirationTime(now + lifetime)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  verify(token: string): Promise<Actor> {
    return this.verifier.verify(token);
  }

  /** Alias of verify(), the name used in the brief. */
  verifyToken(token: string): Promise<Actor> {
    return this.verifier.verify(token);
  }

  /** The public key set, e.g. to serve at `/.well-known/jwks.json`. */
  jwks(): { keys: JWK[] } {
    return { keys: [{ ...this.publicJwk }] };
  }
}

/** `90`, `90s`, `15m`, `8h`, `1d` → seconds. */
export function parseDuration(value: number | string): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value <= 0)
      throw new TypeError('expiresIn must be a positive number of seconds');
    return value;
  }
  const m = /^\s*(\d{1,7})\s*(s|m|h|d)?\s*$/.exec(value);
  if (!m) throw new TypeError('expiresIn must look like 900, 15m, 8h or 1d');
  const n =
    Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  if (n <= 0) throw new TypeError('expiresIn must be positive');
  return n;
}
