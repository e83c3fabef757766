import * as oauth from 'oauth4webapi';

/** GET /console-config.json (apps/api ConsoleConfigController). */
export interface ConsoleSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly resource: string;
  readonly idleTimeoutSeconds: number;
  /** The jurisdiction's minimum recovery and reflection period, in days. */
  readonly minReflectionDays: number;
}

export type EndReason = 'idle' | 'expired' | 'failed' | 'logged-out';

export type AuthState =
  | { readonly status: 'anonymous'; readonly reason?: EndReason }
  | { readonly status: 'authenticated' };

/**
 * What must survive the round trip to the provider (a full page load): the PKCE verifier, state
 * and nonce, and where to return (a console path: opaque ids only). Kept in sessionStorage from
 * the redirect until the callback reads and removes it; never a token, never personal data.
 */
interface PendingLogin {
  readonly state: string;
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly returnTo: string;
}
const PENDING_KEY = 'remedy.pending-login';

interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly idToken: string | undefined;
}

/** Refresh this long before the access token expires (or at 80 % of a short lifetime). */
const REFRESH_MARGIN_SECONDS = 30;

/**
 * The console's login: OpenID Connect Authorization Code with PKCE (S256) as a public client,
 * with oauth4webapi (a certified, dependency-free client). Tokens live in this object's memory
 * only (never in localStorage, sessionStorage or a cookie): a reload logs in again, silently while
 * the provider's session lasts. The access token is renewed by the refresh token before it
 * expires; the provider rotates the refresh token on each use. Logout goes to the provider's
 * end_session endpoint.
 */
export class ConsoleAuth {
  private server: Promise<oauth.AuthorizationServer> | undefined;
  private tokens: Tokens | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();
  private current: AuthState = { status: 'anonymous' };
  /** Bumped by `end`: a refresh answered after the session ended is dropped. */
  private generation = 0;
  private readonly client: oauth.Client;

  constructor(
    readonly settings: ConsoleSettings,
    private readonly origin: string = window.location.origin,
  ) {
    this.client = { client_id: settings.clientId };
  }

  get state(): AuthState {
    return this.current;
  }

  get redirectUri(): string {
    return `${this.origin}/callback`;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The access token, in memory; undefined when nobody is logged in. */
  accessToken(): string | undefined {
    return this.tokens?.accessToken;
  }

  /** http:// issuers are allowed on a loopback host only (the settings refuse any other). */
  private requestOptions(): { [oauth.allowInsecureRequests]?: boolean } {
    return new URL(this.settings.issuer).protocol === 'http:'
      ? { [oauth.allowInsecureRequests]: true }
      : {};
  }

  /** The provider's metadata (discovery), fetched once. */
  authorizationServer(): Promise<oauth.AuthorizationServer> {
    this.server ??= (async () => {
      const issuer = new URL(this.settings.issuer);
      const response = await oauth.discoveryRequest(issuer, {
        algorithm: 'oidc',
        ...this.requestOptions(),
      });
      return oauth.processDiscoveryResponse(issuer, response);
    })();
    this.server.catch(() => (this.server = undefined));
    return this.server;
  }

  /**
   * The authorization request (PKCE S256, state, nonce, the API as resource, the person's
   * language for the login pages), and what the callback needs to finish it.
   */
  async authorizationRequest(
    returnTo: string,
    language: string,
  ): Promise<{ url: URL; pending: PendingLogin }> {
    const as = await this.authorizationServer();
    if (!as.authorization_endpoint) throw new Error('the provider names no authorization endpoint');
    const pending: PendingLogin = {
      state: oauth.generateRandomState(),
      codeVerifier: oauth.generateRandomCodeVerifier(),
      nonce: oauth.generateRandomNonce(),
      returnTo: safeReturnPath(returnTo),
    };
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set('client_id', this.client.client_id);
    url.searchParams.set('redirect_uri', this.redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', 'openid');
    url.searchParams.set(
      'code_challenge',
      await oauth.calculatePKCECodeChallenge(pending.codeVerifier),
    );
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('state', pending.state);
    url.searchParams.set('nonce', pending.nonce);
    url.searchParams.set('resource', this.settings.resource);
    url.searchParams.set('ui_locales', language);
    return { url, pending };
  }

  /** Leaves for the provider's login page; the provider sends the browser back to /callback. */
  async login(returnTo: string, language: string): Promise<void> {
    const { url, pending } = await this.authorizationRequest(returnTo, language);
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    window.location.assign(url.href);
  }

  /**
   * At /callback: checks the answer (state, issuer), exchanges the code with the PKCE verifier,
   * checks the ID token (nonce), keeps the tokens in memory. Answers the path to return to.
   */
  async completeLogin(callbackUrl: URL): Promise<string> {
    const raw = sessionStorage.getItem(PENDING_KEY);
    sessionStorage.removeItem(PENDING_KEY);
    if (!raw) throw new Error('no login in progress');
    const pending = JSON.parse(raw) as PendingLogin;
    try {
      const as = await this.authorizationServer();
      const parameters = oauth.validateAuthResponse(as, this.client, callbackUrl, pending.state);
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        this.client,
        oauth.None(),
        parameters,
        this.redirectUri,
        pending.codeVerifier,
        { additionalParameters: { resource: this.settings.resource }, ...this.requestOptions() },
      );
      const result = await oauth.processAuthorizationCodeResponse(as, this.client, response, {
        expectedNonce: pending.nonce,
        requireIdToken: true,
      });
      this.accept(result);
      return pending.returnTo;
    } catch (error) {
      this.end('failed');
      throw error;
    }
  }

  private accept(result: oauth.TokenEndpointResponse): void {
    if (result.token_type.toLowerCase() !== 'bearer') throw new Error('not a bearer token');
    this.tokens = {
      accessToken: result.access_token,
      // Rotation: the provider answers a new refresh token with every refresh.
      refreshToken: result.refresh_token ?? this.tokens?.refreshToken,
      idToken: result.id_token ?? this.tokens?.idToken,
    };
    this.scheduleRefresh(result.expires_in);
    this.set({ status: 'authenticated' });
  }

  private scheduleRefresh(expiresIn: number | undefined): void {
    clearTimeout(this.refreshTimer);
    if (expiresIn === undefined) return;
    const lead = Math.min(REFRESH_MARGIN_SECONDS, expiresIn * 0.2);
    const delay = Math.max(1, expiresIn - lead) * 1000;
    this.refreshTimer = setTimeout(() => void this.refresh(), delay);
  }

  /** A new access token by the refresh token (rotated); without one, the session ends. */
  async refresh(): Promise<void> {
    const refreshToken = this.tokens?.refreshToken;
    if (!refreshToken) return this.end('expired');
    const generation = this.generation;
    try {
      const as = await this.authorizationServer();
      const response = await oauth.refreshTokenGrantRequest(
        as,
        this.client,
        oauth.None(),
        refreshToken,
        { additionalParameters: { resource: this.settings.resource }, ...this.requestOptions() },
      );
      const result = await oauth.processRefreshTokenResponse(as, this.client, response);
      if (generation === this.generation) this.accept(result);
    } catch {
      if (generation === this.generation) this.end('expired');
    }
  }

  /**
   * Ends the session in this page: forgets the tokens (the caller clears cached answers). After
   * idle time, the refresh token is also revoked at the provider (best effort).
   */
  end(reason: EndReason): void {
    const refreshToken = this.tokens?.refreshToken;
    clearTimeout(this.refreshTimer);
    this.generation += 1;
    this.tokens = undefined;
    if (reason === 'idle' && refreshToken) void this.revoke(refreshToken);
    this.set({ status: 'anonymous', reason });
  }

  private async revoke(token: string): Promise<void> {
    try {
      const as = await this.authorizationServer();
      if (!as.revocation_endpoint) return;
      await oauth.revocationRequest(as, this.client, oauth.None(), token, this.requestOptions());
    } catch {
      // The refresh token expires on its own; nothing else to do.
    }
  }

  /** RP-initiated logout: the provider ends its session and sends the browser back to `/`. */
  async logout(): Promise<void> {
    const idToken = this.tokens?.idToken;
    this.end('logged-out');
    const as = await this.authorizationServer().catch(() => undefined);
    if (!as?.end_session_endpoint) return;
    const url = new URL(as.end_session_endpoint);
    if (idToken) url.searchParams.set('id_token_hint', idToken);
    url.searchParams.set('client_id', this.client.client_id);
    url.searchParams.set('post_logout_redirect_uri', `${this.origin}/`);
    window.location.assign(url.href);
  }

  private set(state: AuthState): void {
    this.current = state;
    for (const listener of this.listeners) listener();
  }
}

/** Only a path of this console (never another origin) is a place to return to after login. */
export function safeReturnPath(path: string): string {
  return /^\/(?!\/)[A-Za-z0-9/_-]*$/.test(path) && path !== '/callback' ? path : '/';
}
