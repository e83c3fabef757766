import { errors, type KoaContextWithOIDC, Provider } from 'oidc-provider';
import { API_AUDIENCE } from '@remedy/auth';
import type { IdentityAccounts } from '../accounts/ports';
import { type ProviderKeys, SIGNING_ALGORITHM } from './key-store';
import { postgresAdapterFactory, type Sql } from './postgres-adapter';

/** The web console: a public client (no secret), Authorization Code with PKCE (S256). */
export const CONSOLE_CLIENT_ID = 'remedy-console';
/**
 * The resource indicator of the API (RFC 8707). The console need not send it: it is the default
 * resource, so every access token is a JWT for the API, audience {@link API_AUDIENCE}.
 */
export const API_RESOURCE = 'urn:remedy:api';

/** The provider's HTML (the login pages' helper supplies them; oidc-provider's plain ones otherwise). */
export interface ProviderPages {
  /** oidc-provider `renderError(ctx, out, error)`: an error shown to the person (not to a client). */
  renderError?(ctx: KoaContextWithOIDC, out: Record<string, string>, error: Error): Promise<void>;
  /** `features.rpInitiatedLogout.logoutSource(ctx, form)`: "sign out?", with oidc-provider's form. */
  logoutSource?(ctx: KoaContextWithOIDC, form: string): Promise<void>;
  /** `features.rpInitiatedLogout.postLogoutSuccessSource(ctx)`: signed out (no redirect given). */
  postLogoutSuccessSource?(ctx: KoaContextWithOIDC): Promise<void>;
}

export interface ProviderTtls {
  readonly accessTokenSeconds: number;
  /** The whole login: interaction (login page, second factor). */
  readonly interactionSeconds: number;
  /** A login session, its grant and its refresh tokens (rotation never extends it). */
  readonly sessionSeconds: number;
}

export interface ProviderConfigOptions {
  /** `<publicUrl>/oidc`. */
  readonly issuer: string;
  /** Origin people open: the console's redirect URIs are under it. */
  readonly publicUrl: string;
  readonly accounts: Pick<IdentityAccounts, 'claimsOf' | 'recordLogout'>;
  readonly sql: Sql;
  readonly keys: ProviderKeys;
  readonly ttl: ProviderTtls;
  readonly pages?: ProviderPages | undefined;
  /** Browser origins allowed to call the token endpoint cross-origin (CORS_ORIGINS). */
  readonly corsOrigins?: readonly string[];
  /** A logout that could not be audited (the person is signed out all the same). */
  readonly onError?: (message: string, error: unknown) => void;
}

/** Default lifetimes: a working day's session, half an hour to log in. */
export function defaultTtls(accessTokenSeconds: number): ProviderTtls {
  return { accessTokenSeconds, interactionSeconds: 30 * 60, sessionSeconds: 12 * 60 * 60 };
}

/**
 * oidc-provider configured as Remedy's embedded OpenID provider: the console client only,
 * Authorization Code + PKCE (S256, required), no consent page for the console (first party:
 * its grant is created on login), refresh tokens rotated on every use and bound to the login
 * session (logout ends them), JWT access tokens for the API (resource indicators) carrying
 * `sub`, `organisation_id` and `roles` of an active account only, RP-initiated logout, no
 * development interactions (the login pages serve `<issuer>/interaction/:uid`).
 */
export function createProvider(options: ProviderConfigOptions): Provider {
  const { accounts, ttl, pages } = options;
  const issuerPath = new URL(options.issuer).pathname.replace(/\/+$/, '');
  // The console is served by the API at the public URL: its token requests (fetch, with an Origin
  // header even on the same origin) come from there; other origins only by CORS_ORIGINS.
  const cors = new Set([new URL(options.publicUrl).origin, ...(options.corsOrigins ?? [])]);

  const provider = new Provider(options.issuer, {
    adapter: postgresAdapterFactory(options.sql),
    clients: [
      {
        client_id: CONSOLE_CLIENT_ID,
        client_name: 'Remedy',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${options.publicUrl}/callback`],
        post_logout_redirect_uris: [`${options.publicUrl}/`],
        id_token_signed_response_alg: SIGNING_ALGORITHM,
      },
    ],
    jwks: { keys: options.keys.signing.map((k) => ({ ...k })) },
    cookies: {
      keys: [...options.keys.cookies],
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    // ID tokens name the account only: no name, no login name, no e-mail in any token.
    claims: { openid: ['sub'] },
    scopes: ['openid', 'offline_access'],
    enabledJWA: {
      idTokenSigningAlgValues: [SIGNING_ALGORITHM],
      // The only client is public: no client authentication by JWT, no encrypted tokens.
    },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => API_RESOURCE,
        // A refresh token keeps the resource of its grant: access tokens stay JWTs for the API.
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: KoaContextWithOIDC, resource: string) => {
          if (resource !== API_RESOURCE) throw new errors.InvalidGrant('unknown resource');
          return {
            scope: 'api',
            audience: API_AUDIENCE,
            accessTokenTTL: ttl.accessTokenSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: SIGNING_ALGORITHM } },
          };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        ...(pages?.logoutSource ? { logoutSource: pages.logoutSource } : {}),
        ...(pages?.postLogoutSuccessSource
          ? { postLogoutSuccessSource: pages.postLogoutSuccessSource }
          : {}),
      },
    },
    ...(pages?.renderError ? { renderError: pages.renderError } : { renderError: plainError }),
    interactions: {
      url: async (_ctx: KoaContextWithOIDC, interaction: { uid: string }) =>
        `${issuerPath}/interaction/${interaction.uid}`,
    },
    // An unknown or deactivated account: no token, no refresh (invalid_grant).
    findAccount: async (_ctx: KoaContextWithOIDC, sub: string) => {
      const claims = await accounts.claimsOf(sub);
      if (!claims) return undefined;
      return { accountId: claims.userId, claims: async () => ({ sub: claims.userId }) };
    },
    extraTokenClaims: async (_ctx: KoaContextWithOIDC, token: TokenLike) => {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const claims = await accounts.claimsOf(token.accountId);
      if (!claims) throw new errors.InvalidGrant('account not active');
      return { organisation_id: claims.organisationId, roles: [...claims.roles] };
    },
    // First party: the console's grant is made at login (no consent page), for what it may ask.
    loadExistingGrant: async (ctx: GrantContext) => {
      const clientId = ctx.oidc.client!.clientId;
      const session = ctx.oidc.session!;
      const existing = session.grantIdFor(clientId);
      if (existing) {
        const grant = await ctx.oidc.provider.Grant.find(existing);
        if (grant) return grant;
      }
      if (clientId !== CONSOLE_CLIENT_ID || !session.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId: session.accountId });
      grant.addOIDCScope('openid offline_access');
      grant.addResourceScope(API_RESOURCE, 'api');
      await grant.save();
      return grant;
    },
    // The console gets a refresh token without asking for offline_access: it then lives with the
    // login session (logout, revocation and the session's end end it).
    issueRefreshToken: async (_ctx: KoaContextWithOIDC, client: ClientLike) =>
      client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    clientBasedCORS: (_ctx: KoaContextWithOIDC, origin: string) => cors.has(origin),
    ttl: {
      AccessToken: ttl.accessTokenSeconds,
      IdToken: ttl.accessTokenSeconds,
      AuthorizationCode: 60,
      Interaction: ttl.interactionSeconds,
      Session: ttl.sessionSeconds,
      Grant: ttl.sessionSeconds,
      // A rotated refresh token inherits what is left of its predecessor's lifetime.
      RefreshToken: (ctx: KoaContextWithOIDC | undefined) => {
        const rotated = ctx?.oidc?.entities.RotatedRefreshToken as
          { remainingTTL: number } | undefined;
        return rotated ? rotated.remainingTTL : ttl.sessionSeconds;
      },
    },
  });

  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    const accountId = ctx.oidc.session?.accountId;
    if (accountId)
      void accounts
        .recordLogout(accountId)
        .catch((error: unknown) => options.onError?.('logout not audited', error));
  });
  return provider;
}

interface TokenLike {
  readonly kind: string;
  readonly accountId?: string;
}
interface ClientLike {
  grantTypeAllowed(type: string): boolean;
}
type GrantContext = KoaContextWithOIDC & {
  oidc: {
    session?: { accountId?: string; grantIdFor(clientId: string): string | undefined };
  };
};

/** oidc-provider's error page without its third-party font: the error code only. */
async function plainError(ctx: KoaContextWithOIDC, out: Record<string, string>): Promise<void> {
  ctx.type = 'html';
  const code = String(out.error ?? 'error').replace(/[^a-z_]/g, '');
  ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body><h1>Error</h1><p>${code}</p></body></html>`;
}
