import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { type Actor, isOpaqueId, isRole, type Role } from './actor';
import { AuthError, IdentityProviderUnavailableError } from './errors';
import { LocalTokenIssuer } from './local-issuer';
import { type IssuerVerifier, IssuerVerifierList, JwtIssuerVerifier } from './verifier';

/** Where the actor's parts are in a provider's claims: claim names or dotted paths. */
export interface OidcClaimMapping {
  /** Default `sub`. */
  readonly user?: string;
  /** Default `organisation_id`. */
  readonly organisation?: string;
  /** Default `roles`; Keycloak realm roles: `realm_access.roles`. */
  readonly roles?: string;
}

export interface OidcVerifierOptions {
  /** The provider's issuer, exactly as its tokens' `iss`. */
  readonly issuer: string;
  /** Required `aud` (e.g. the client id, or Keycloak's audience mapper's value). */
  readonly audience: string;
  /** The key set; default: `jwks_uri` of `<issuer>/.well-known/openid-configuration`. */
  readonly jwksUrl?: string | undefined;
  /**
   * The key set read from a store instead of fetched (the embedded provider's keys, in this
   * API's database): no HTTP call. Takes precedence over `jwksUrl` and discovery.
   */
  readonly keySource?: KeySource | undefined;
  /** Accepted asymmetric algorithms (default RS256); never `none`. */
  readonly algorithms?: readonly string[];
  readonly claims?: OidcClaimMapping;
  /** Only provider roles with this prefix count, without it (`remedy-admin` → admin). */
  readonly rolePrefix?: string | undefined;
  readonly clockToleranceSeconds?: number;
  /** Remote key set tuning (jose createRemoteJWKSet); defaults 30 s, 10 min, 5 s. */
  readonly jwks?: {
    /** After a fetch, no other fetch for this long, even for an unknown `kid`. */
    readonly cooldownMs?: number;
    /** Keys are fetched again once older than this. */
    readonly cacheMaxAgeMs?: number;
    readonly timeoutMs?: number;
  };
}

/** A key set read from a store (see {@link storedKeySet}). */
export interface KeySource {
  readonly load: () => Promise<JSONWebKeySet>;
  /** After a load, no other load for this long, even for an unknown `kid` (default 1 s). */
  readonly cooldownMs?: number;
  /** Keys are loaded again once older than this (default 10 min). */
  readonly maxAgeMs?: number;
}

const HMAC = /^HS\d+$/i;

/**
 * Tokens of an OpenID Connect provider (Keycloak, Entra ID, Auth0, ...): signature against the
 * provider's JWKS (discovered, cached and refreshed on an unknown `kid` by jose), `iss`, `aud`,
 * `exp`, `nbf`, then the claims mapped to an {@link Actor}. A key set that cannot be fetched
 * raises {@link IdentityProviderUnavailableError} (503), not an AuthError (401).
 */
export class OidcIssuerVerifier implements IssuerVerifier {
  readonly issuer: string;
  private readonly verifier: JwtIssuerVerifier;
  private keySet: JWTVerifyGetKey | undefined;
  private discovering: Promise<JWTVerifyGetKey> | undefined;

  constructor(private readonly options: OidcVerifierOptions) {
    const algorithms = options.algorithms ?? ['RS256'];
    if (algorithms.some((a) => HMAC.test(a)))
      throw new Error('an OIDC verifier accepts asymmetric algorithms only');
    this.issuer = options.issuer;
    this.verifier = new JwtIssuerVerifier({
      issuer: options.issuer,
      audience: options.audience,
      algorithms,
      key: async (header, token) => (await this.keys())(header, token),
      toActor: oidcActorMapper(options.claims ?? {}, options.rolePrefix),
      ...(options.clockToleranceSeconds !== undefined
        ? { clockToleranceSeconds: options.clockToleranceSeconds }
        : {}),
    });
  }

  async verify(token: string): Promise<Actor> {
    try {
      return await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof AuthError || error instanceof IdentityProviderUnavailableError)
        throw error;
      // Anything else on the way to the keys (refused connection, timeout, a 5xx, a key set
      // that is not JSON) means the token could not be checked at all.
      throw new IdentityProviderUnavailableError(error);
    }
  }

  private keys(): Promise<JWTVerifyGetKey> {
    if (this.keySet) return Promise.resolve(this.keySet);
    this.discovering ??= this.discover().finally(() => {
      this.discovering = undefined;
    });
    return this.discovering;
  }

  /** Concurrent requests share one discovery; a failed one is not remembered (the next request asks again). */
  private async discover(): Promise<JWTVerifyGetKey> {
    try {
      if (this.options.keySource) {
        this.keySet = storedKeySet(this.options.keySource);
        return this.keySet;
      }
      const url = this.options.jwksUrl ?? (await this.jwksUriFromDiscovery());
      const tuning = this.options.jwks ?? {};
      this.keySet = createRemoteJWKSet(new URL(url), {
        cooldownDuration: tuning.cooldownMs ?? 30_000,
        cacheMaxAge: tuning.cacheMaxAgeMs ?? 600_000,
        timeoutDuration: tuning.timeoutMs ?? 5_000,
      });
      return this.keySet;
    } catch (error) {
      throw new IdentityProviderUnavailableError(error);
    }
  }

  private async jwksUriFromDiscovery(): Promise<string> {
    const url = `${this.options.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, {
      signal: AbortSignal.timeout(this.options.jwks?.timeoutMs ?? 5_000),
      redirect: 'error',
      headers: { accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`discovery document: HTTP ${response.status}`);
    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (document.issuer !== this.options.issuer)
      throw new Error('discovery document: its issuer is not OIDC_ISSUER');
    if (typeof document.jwks_uri !== 'string') throw new Error('discovery document: no jwks_uri');
    const jwksUri = new URL(document.jwks_uri);
    if (jwksUri.protocol !== new URL(this.options.issuer).protocol)
      throw new Error('discovery document: jwks_uri does not use the issuer scheme');
    return jwksUri.toString();
  }
}

/**
 * A key resolver over a key set kept in a store, as jose's remote key set behaves over HTTP: the
 * set is loaded once, reloaded when older than `maxAgeMs`, and reloaded at once for a `kid` it
 * does not hold (a rotation), at most once per `cooldownMs`. Concurrent reloads share one load.
 */
export function storedKeySet(source: KeySource, now: () => number = Date.now): JWTVerifyGetKey {
  const cooldownMs = source.cooldownMs ?? 1_000;
  const maxAgeMs = source.maxAgeMs ?? 600_000;
  let local: { resolve: JWTVerifyGetKey; loadedAt: number } | undefined;
  let loading: Promise<JWTVerifyGetKey> | undefined;
  const reload = (): Promise<JWTVerifyGetKey> => {
    loading ??= source
      .load()
      .then((jwks) => {
        const resolve = createLocalJWKSet(jwks);
        local = { resolve, loadedAt: now() };
        return resolve;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };
  return async (header, token) => {
    const resolve = local && now() - local.loadedAt < maxAgeMs ? local.resolve : await reload();
    try {
      return await resolve(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      if (local && now() - local.loadedAt < cooldownMs) throw error;
      return (await reload())(header, token);
    }
  };
}

/** The value at a claim name or dotted path (`realm_access.roles`); own properties only. */
export function claimAt(claims: unknown, path: string): unknown {
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Maps a provider's verified claims to an actor: user and organisation ids must be uuids (opaque
 * ids, never an e-mail address or a name), roles are the listed names that are Remedy roles
 * (after removing `rolePrefix`, when set: names without it are ignored), at least one.
 */
export function oidcActorMapper(
  mapping: OidcClaimMapping,
  rolePrefix?: string,
): (claims: JWTPayload) => Actor {
  const userPath = mapping.user ?? 'sub';
  const organisationPath = mapping.organisation ?? 'organisation_id';
  const rolesPath = mapping.roles ?? 'roles';
  return (claims) => {
    // Keycloak marks ID tokens `typ: ID`: an ID token is not an access token for this API.
    if (claims.typ === 'ID') throw new AuthError('invalid_claims');
    const userId = claimAt(claims, userPath);
    const organisationId = claimAt(claims, organisationPath);
    if (!isOpaqueId(userId) || !isOpaqueId(organisationId)) throw new AuthError('invalid_claims');
    const raw = claimAt(claims, rolesPath);
    const names = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
    const roles = new Set<Role>();
    for (const name of names) {
      if (typeof name !== 'string') continue;
      if (rolePrefix !== undefined && !name.startsWith(rolePrefix)) continue;
      const role = rolePrefix !== undefined ? name.slice(rolePrefix.length) : name;
      if (isRole(role)) roles.add(role);
    }
    if (roles.size === 0) throw new AuthError('invalid_claims');
    return {
      userId: userId.toLowerCase(),
      organisationId: organisationId.toLowerCase(),
      roles: [...roles],
    };
  };
}

/**
 * The API's verifier: the local issuer (while `localTokens`: AUTH_LOCAL_TOKENS), plus an OpenID
 * Connect provider when configured (the OIDC_* settings), plus the embedded provider when on
 * (OIDC_ISSUER unset; its keys from its key store); each token goes to the verifier of its `iss`.
 * Both providers' tokens go through the same {@link OidcIssuerVerifier} checks.
 */
export async function createTokenVerifier(options: {
  readonly dataDir: string;
  readonly oidc?: OidcVerifierOptions | undefined;
  /** Whether local-issuer (CLI-minted) tokens are accepted; default true. */
  readonly localTokens?: boolean;
  readonly embedded?: OidcVerifierOptions | undefined;
}): Promise<IssuerVerifierList> {
  const verifiers: IssuerVerifier[] = [];
  if (options.localTokens !== false)
    verifiers.push(await LocalTokenIssuer.load({ dataDir: options.dataDir }));
  if (options.oidc) verifiers.push(new OidcIssuerVerifier(options.oidc));
  if (options.embedded) verifiers.push(new OidcIssuerVerifier(options.embedded));
  return new IssuerVerifierList(verifiers);
}
