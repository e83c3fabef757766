import { hkdfSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InteractionDetails, Provider } from 'oidc-provider';
import type { IdentityAccounts, SessionRevoker } from '../accounts/ports';
import { OidcKeyStore } from './key-store';
import { revokeAccount, type Sql, sweepExpired } from './postgres-adapter';
import { createProvider, type ProviderPages, type ProviderTtls } from './provider-config';

/** The DI token of the {@link EmbeddedProvider} (null when OIDC_ISSUER is set: provider off). */
export const EMBEDDED_PROVIDER = Symbol('EMBEDDED_PROVIDER');

/** The DI token of the login pages' {@link ProviderPages} (optional). */
export const PROVIDER_PAGES = Symbol('PROVIDER_PAGES');

/** What the login pages submit when an interaction ends (oidc-provider's interaction result). */
export type InteractionResult =
  | {
      readonly login: {
        readonly accountId: string;
        /** Authentication methods (RFC 8176): `pwd`, `otp`, `hwk`/`swk` (passkey), `mfa`. */
        readonly amr?: readonly string[];
        readonly acr?: string;
        /** Remember the login in a session cookie (default true). */
        readonly remember?: boolean;
      };
    }
  | { readonly error: 'access_denied' | 'login_required'; readonly error_description?: string };

export interface EmbeddedProviderOptions {
  readonly issuer: string;
  readonly publicUrl: string;
  readonly accounts: Pick<IdentityAccounts, 'claimsOf' | 'recordLogout'>;
  readonly sql: Sql;
  readonly keyStore: OidcKeyStore;
  readonly ttl: ProviderTtls;
  readonly pages?: ProviderPages | undefined;
  readonly corsOrigins?: readonly string[];
  /** How often keys are re-read (a rotation by the CLI) and expired rows swept; default 60 s. */
  readonly refreshMs?: number;
  readonly onError?: (message: string, error: unknown) => void;
}

/**
 * The embedded OpenID provider of one API instance: oidc-provider on the shared PostgreSQL
 * state, rebuilt when the signing keys change (a rotation by another process is noticed within
 * `refreshMs`), mounted at the issuer's path by {@link handle}. The login pages use
 * {@link interactionDetails} and {@link interactionFinished} on the raw request and response.
 */
export class EmbeddedProvider implements SessionRevoker {
  private current:
    | {
        readonly provider: Provider;
        readonly handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
        readonly version: string;
      }
    | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly issuerUrl: URL;
  readonly mountPath: string;

  constructor(private readonly options: EmbeddedProviderOptions) {
    this.issuerUrl = new URL(options.issuer);
    this.mountPath = this.issuerUrl.pathname.replace(/\/+$/, '');
  }

  get issuer(): string {
    return this.options.issuer;
  }

  /** Keys created when there are none (first start), provider built, periodic refresh started. */
  async start(): Promise<void> {
    await this.options.keyStore.ensureKeys();
    await this.refreshKeys();
    const every = this.options.refreshMs ?? 60_000;
    this.timer = setInterval(() => {
      void this.tick().catch((error: unknown) =>
        this.options.onError?.('embedded OpenID provider: refresh failed', error),
      );
    }, every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Rebuilds the provider when the key set changed; answers whether it did. */
  async refreshKeys(): Promise<boolean> {
    const keys = await this.options.keyStore.providerKeys();
    if (this.current?.version === keys.version) return false;
    const provider = createProvider({
      issuer: this.options.issuer,
      publicUrl: this.options.publicUrl,
      accounts: this.options.accounts,
      sql: this.options.sql,
      keys,
      ttl: this.options.ttl,
      pages: this.options.pages,
      corsOrigins: this.options.corsOrigins ?? [],
      ...(this.options.onError ? { onError: this.options.onError } : {}),
    });
    // URLs, cookies' `secure` and the client address come from the headers set by `trusted`,
    // never from what a client sent.
    provider.proxy = true;
    provider.on('server_error', (_ctx: unknown, error: unknown) =>
      this.options.onError?.('embedded OpenID provider: server error', error),
    );
    this.current = { provider, handler: provider.callback(), version: keys.version };
    return true;
  }

  /** The oidc-provider instance now in use (rebuilt on a key rotation: do not keep it). */
  get provider(): Provider {
    if (!this.current) throw new Error('the embedded OpenID provider is not started');
    return this.current.provider;
  }

  /**
   * Serves a request under the mount path (`/oidc/...`) with oidc-provider, as its docs say for
   * a mounted provider: `req.url` without the prefix, `req.originalUrl` with it. The body is
   * unread (oidc-provider parses its own form posts).
   */
  async handle(req: IncomingMessage, res: ServerResponse, clientIp: string): Promise<void> {
    if (!this.current) throw new Error('the embedded OpenID provider is not started');
    const { handler } = this.current;
    const url = req.url ?? '/';
    this.trusted(req, clientIp);
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
    req.url = url.slice(this.mountPath.length) || '/';
    if (!req.url.startsWith('/')) req.url = `/${req.url}`;
    await handler(req, res);
  }

  /** The interaction of this request (`/oidc/interaction/:uid`), from its cookie. */
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails> {
    this.trusted(req, undefined);
    return this.provider.interactionDetails(req, res);
  }

  /**
   * Ends the interaction with `result` and answers 303 to the authorisation endpoint's resume
   * URL (oidc-provider writes the answer on `res`).
   */
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: InteractionResult,
    options: { mergeWithLastSubmission?: boolean } = {},
  ): Promise<void> {
    this.trusted(req, undefined);
    return this.provider.interactionFinished(
      req,
      res,
      result as unknown as Record<string, unknown>,
      options,
    );
  }

  /** As {@link interactionFinished}, answering the resume URL instead of redirecting. */
  interactionResult(
    req: IncomingMessage,
    res: ServerResponse,
    result: InteractionResult,
    options: { mergeWithLastSubmission?: boolean } = {},
  ): Promise<string> {
    this.trusted(req, undefined);
    return this.provider.interactionResult(
      req,
      res,
      result as unknown as Record<string, unknown>,
      options,
    );
  }

  /**
   * A 32-byte secret for `purpose` (e.g. the login pages' state cookie), derived with HKDF-SHA-256
   * from the provider's first cookie secret: in PostgreSQL (never in the repository), the same on
   * every API instance, different for every purpose.
   */
  async derivedSecret(purpose: string): Promise<Uint8Array> {
    await this.options.keyStore.ensureKeys();
    const { cookies } = await this.options.keyStore.providerKeys();
    const first = cookies[cookies.length - 1]!;
    return new Uint8Array(hkdfSync('sha256', first, '', `remedy:${purpose}`, 32));
  }

  /** SessionRevoker: the user's sessions, grants, codes, access and refresh tokens, deleted. */
  async revokeSessionsOf(userId: string): Promise<void> {
    await revokeAccount(this.options.sql, userId);
  }

  private async tick(): Promise<void> {
    await this.refreshKeys();
    await sweepExpired(this.options.sql);
  }

  /**
   * The forwarded headers oidc-provider reads with `proxy` on, set from PUBLIC_URL (scheme and
   * host of every URL it writes: issuer, endpoints, redirects; `secure` cookies) and from the
   * address Fastify determined; whatever a client sent in them is replaced.
   */
  private trusted(req: IncomingMessage, clientIp: string | undefined): void {
    req.headers['x-forwarded-proto'] = this.issuerUrl.protocol.replace(':', '');
    req.headers['x-forwarded-host'] = this.issuerUrl.host;
    if (clientIp !== undefined) req.headers['x-forwarded-for'] = clientIp;
    else delete req.headers['x-forwarded-for'];
  }
}
