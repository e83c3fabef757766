import {
  type CryptoKey,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { TtlLruCache } from '@remedy/crypto';
import { type Actor, isOpaqueId, isRole } from './actor';
import { AuthError } from './errors';

/** Verifies a bearer token and yields the acting user, or throws AuthError. */
export interface TokenVerifier {
  verify(token: string): Promise<Actor>;
  /**
   * The actor of a token this verifier has verified before and that is still valid, answered
   * without a promise; undefined otherwise (then `verify`). Optional: a verifier without a
   * cache has none.
   */
  verified?(token: string): Actor | undefined;
}

/** A verifier for the tokens of one issuer (the local one now; OIDC providers later). */
export interface IssuerVerifier extends TokenVerifier {
  readonly issuer: string;
}

/** Longest token accepted at all (bytes); anything longer is refused before parsing. */
const MAX_TOKEN_LENGTH = 8192;

export interface JwtIssuerVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  /** A public key, or a key resolver (e.g. jose `createRemoteJWKSet` for an OIDC provider). */
  readonly key: CryptoKey | JWTVerifyGetKey;
  /** Accepted signature algorithms; never `none`. */
  readonly algorithms: readonly string[];
  readonly clockToleranceSeconds?: number;
  /** Required `typ` header, when the issuer sets one (the local issuer: `JWT`). */
  readonly typ?: string;
  /** Maps verified claims to an actor; the default reads `sub`, `org` and `roles`. */
  readonly toActor?: (claims: JWTPayload) => Actor;
}

/** Verifies signature, algorithm, issuer, audience, expiry, then maps the claims to an Actor. */
export class JwtIssuerVerifier implements IssuerVerifier {
  readonly issuer: string;

  constructor(private readonly options: JwtIssuerVerifierOptions) {
    if (
      options.algorithms.some((a) => a.toLowerCase() === 'none') ||
      options.algorithms.length === 0
    ) {
      throw new Error('a verifier needs signature algorithms, never "none"');
    }
    this.issuer = options.issuer;
  }

  async verify(token: string): Promise<Actor> {
    assertWellFormed(token);
    let payload: JWTPayload;
    try {
      const verifyOptions = {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: [...this.options.algorithms],
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
        requiredClaims: ['exp', 'iat', 'sub'],
        ...(this.options.typ ? { typ: this.options.typ } : {}),
      };
      const key = this.options.key;
      ({ payload } =
        typeof key === 'function'
          ? await jwtVerify(token, key, verifyOptions)
          : await jwtVerify(token, key, verifyOptions));
    } catch (error) {
      throw toAuthError(error);
    }
    return (this.options.toActor ?? defaultActor)(payload);
  }
}

/**
 * Several trusted issuers (the local issuer, later OIDC providers): picks the verifier by the
 * token's `iss` claim, and that verifier checks everything again, signature included.
 */
export class IssuerVerifierList implements TokenVerifier {
  private readonly byIssuer: Map<string, IssuerVerifier>;

  /** With no verifier at all (local tokens disabled, no provider), every token is refused. */
  constructor(verifiers: readonly IssuerVerifier[]) {
    this.byIssuer = new Map(verifiers.map((v) => [v.issuer, v]));
    if (this.byIssuer.size !== verifiers.length)
      throw new Error('two verifiers for the same issuer');
  }

  async verify(token: string): Promise<Actor> {
    assertWellFormed(token);
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new AuthError('malformed');
    }
    const verifier = typeof issuer === 'string' ? this.byIssuer.get(issuer) : undefined;
    if (!verifier) throw new AuthError('wrong_issuer');
    return verifier.verify(token);
  }
}

/** The local issuer's claims: `sub` (user), `org` (organisation), `roles`. */
export function defaultActor(claims: JWTPayload): Actor {
  const { sub, org, roles } = claims as JWTPayload & { org?: unknown; roles?: unknown };
  if (!isOpaqueId(sub) || !isOpaqueId(org)) throw new AuthError('invalid_claims');
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole))
    throw new AuthError('invalid_claims');
  return {
    userId: sub.toLowerCase(),
    organisationId: org.toLowerCase(),
    roles: [...new Set(roles)],
  };
}

function assertWellFormed(token: string): void {
  if (typeof token !== 'string' || token.length === 0) throw new AuthError('missing');
  if (
    token.length > MAX_TOKEN_LENGTH ||
    !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(token)
  ) {
    throw new AuthError('malformed');
  }
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw new AuthError('malformed');
  }
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none') throw new AuthError('unsigned');
}

/** jose's errors → AuthError; anything else (e.g. a JWKS endpoint down) is not the caller's fault and propagates. */
export function toAuthError(error: unknown): unknown {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTExpired) return new AuthError('expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return new AuthError('wrong_issuer');
    if (error.claim === 'aud') return new AuthError('wrong_audience');
    if (error.claim === 'nbf' || (error.claim === 'iat' && error.reason === 'check_failed'))
      return new AuthError('not_yet_valid');
    return new AuthError('invalid_claims');
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new AuthError('bad_signature');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new AuthError('bad_algorithm');
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return new AuthError('malformed');
  }
  return error;
}

export interface CachingVerifierOptions {
  /** Verified tokens remembered (default 10,000). */
  readonly maxEntries?: number;
  /** How long a verification result is reused at most (default 60 s); never past the token's `exp`. */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

/**
 * Remembers successful verifications, keyed by the whole token (signature included), so a
 * client sending the same token on every request pays for one signature check per minute.
 * A hit is only the exact bytes already verified; expiry is checked again on every hit.
 * Failures are never cached.
 */
export class CachingTokenVerifier implements TokenVerifier {
  private readonly cache: TtlLruCache<string, { actor: Actor; expiresAtMs: number }>;
  private readonly now: () => number;

  constructor(
    private readonly inner: TokenVerifier,
    options: CachingVerifierOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.cache = new TtlLruCache(options.maxEntries ?? 10_000, options.ttlMs ?? 60_000, this.now);
  }

  verified(token: string): Actor | undefined {
    const hit = typeof token === 'string' ? this.cache.get(token) : undefined;
    if (!hit) return undefined;
    if (hit.expiresAtMs > this.now()) return hit.actor;
    this.cache.delete(token);
    return undefined;
  }

  async verify(token: string): Promise<Actor> {
    const known = this.verified(token);
    if (known) return known;
    const actor = await this.inner.verify(token);
    const exp = decodeJwt(token).exp;
    if (typeof exp === 'number') this.cache.set(token, { actor, expiresAtMs: exp * 1000 });
    return actor;
  }
}
