/// <reference lib="dom" />
import { createHash, randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { BrowserContext } from 'playwright-core';

/**
 * A stand-in for the OpenID provider's side of the console's login, answered inside a Playwright
 * browser context (discovery, authorization, token, revocation, end-session under `<origin>/oidc`):
 * it checks what the console sends (PKCE S256, state, nonce, resource, rotation) and hands out the
 * access token `mint` makes (a local-issuer token the API verifies for real). For tests of the
 * console's screens; test/web/login.spec.ts logs in through the real embedded provider.
 */
export const CLIENT_ID = 'remedy-console';

export interface StandInUser {
  readonly userId: string;
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');

/** The provider's side of the login, answered inside the browser context. */
export class StandInProvider {
  readonly authorizations: URLSearchParams[] = [];
  readonly tokenRequests: URLSearchParams[] = [];
  readonly revocations: URLSearchParams[] = [];
  readonly logouts: URLSearchParams[] = [];
  private readonly codes = new Map<
    string,
    { challenge: string; nonce: string; redirect: string }
  >();
  private refreshCount = 0;
  /** Seconds the next access token lives (the console refreshes before then). */
  expiresIn = 300;
  private key!: CryptoKey;
  private refreshed: Array<() => void> = [];

  constructor(
    private readonly origin: string,
    private readonly user: StandInUser,
    private readonly mint: () => Promise<string>,
  ) {}

  get issuer(): string {
    return `${this.origin}/oidc`;
  }

  /** Resolves at the next refresh-token grant. */
  nextRefresh(): Promise<void> {
    return new Promise((resolve) => this.refreshed.push(resolve));
  }

  async install(context: BrowserContext): Promise<void> {
    this.key ??= (await generateKeyPair('RS256')).privateKey;
    await context.route(`${this.issuer}/**`, async (route) => {
      const request = route.request();
      const url = new URL(request.url());
      const json = (status: number, body: unknown) =>
        route.fulfill({
          status,
          contentType: 'application/json',
          headers: { 'cache-control': 'no-store' },
          body: JSON.stringify(body),
        });
      switch (url.pathname) {
        case '/oidc/.well-known/openid-configuration':
          return json(200, {
            issuer: this.issuer,
            authorization_endpoint: `${this.issuer}/auth`,
            token_endpoint: `${this.issuer}/token`,
            revocation_endpoint: `${this.issuer}/token/revocation`,
            end_session_endpoint: `${this.issuer}/session/end`,
            jwks_uri: `${this.issuer}/jwks`,
            response_types_supported: ['code'],
            code_challenge_methods_supported: ['S256'],
            id_token_signing_alg_values_supported: ['RS256'],
          });
        case '/oidc/auth': {
          const p = url.searchParams;
          this.authorizations.push(p);
          const code = randomUUID();
          this.codes.set(code, {
            challenge: p.get('code_challenge') ?? '',
            nonce: p.get('nonce') ?? '',
            redirect: p.get('redirect_uri') ?? '',
          });
          const back = new URL(p.get('redirect_uri')!);
          back.searchParams.set('code', code);
          back.searchParams.set('state', p.get('state') ?? '');
          return route.fulfill({ status: 302, headers: { location: back.href } });
        }
        case '/oidc/token': {
          const p = new URLSearchParams(request.postData() ?? '');
          this.tokenRequests.push(p);
          if (p.get('client_id') !== CLIENT_ID) return json(401, { error: 'invalid_client' });
          let nonce: string | undefined;
          if (p.get('grant_type') === 'authorization_code') {
            const grant = this.codes.get(p.get('code') ?? '');
            this.codes.delete(p.get('code') ?? '');
            const verifier = p.get('code_verifier') ?? '';
            const challenge = b64url(createHash('sha256').update(verifier).digest());
            if (!grant || grant.challenge !== challenge || grant.redirect !== p.get('redirect_uri'))
              return json(400, { error: 'invalid_grant' });
            nonce = grant.nonce;
          } else if (p.get('grant_type') === 'refresh_token') {
            // Rotation: only the last refresh token handed out is good, once.
            if (p.get('refresh_token') !== `refresh-${this.refreshCount}`)
              return json(400, { error: 'invalid_grant' });
            for (const done of this.refreshed.splice(0)) done();
          } else return json(400, { error: 'unsupported_grant_type' });
          this.refreshCount += 1;
          const now = Math.floor(Date.now() / 1000);
          // An ID token at login only (optional on refresh; the page's clock may run ahead).
          const idToken =
            p.get('grant_type') === 'refresh_token'
              ? undefined
              : await new SignJWT({ ...(nonce ? { nonce } : {}) })
                  .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
                  .setIssuer(this.issuer)
                  .setAudience(CLIENT_ID)
                  .setSubject(this.user.userId)
                  .setIssuedAt(now)
                  .setExpirationTime(now + 3600) // the page's clock may run ahead (idle test)
                  .sign(this.key);
          return json(200, {
            access_token: await this.mint(),
            token_type: 'Bearer',
            expires_in: this.expiresIn,
            refresh_token: `refresh-${this.refreshCount}`,
            ...(idToken ? { id_token: idToken } : {}),
          });
        }
        case '/oidc/token/revocation':
          this.revocations.push(new URLSearchParams(request.postData() ?? ''));
          return route.fulfill({ status: 200, body: '' });
        case '/oidc/session/end': {
          this.logouts.push(url.searchParams);
          const back = url.searchParams.get('post_logout_redirect_uri') ?? `${this.origin}/`;
          return route.fulfill({ status: 302, headers: { location: back } });
        }
        default:
          return json(404, { error: 'not_found' });
      }
    });
  }
}
