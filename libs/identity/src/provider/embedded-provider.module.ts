import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { DataSource } from 'typeorm';
import { API_AUDIENCE, type OidcVerifierOptions } from '@remedy/auth';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { setSecurityHeadersOnRaw } from '@remedy/http';
import {
  IDENTITY_ACCOUNTS,
  type IdentityAccounts,
  SESSION_REVOKER,
  type SessionRevoker,
} from '../accounts/ports';
import { EMBEDDED_PROVIDER, EmbeddedProvider, PROVIDER_PAGES } from './embedded-provider';
import { keyDbOf, keyRetentionSeconds, OidcKeyStore, SIGNING_ALGORITHM } from './key-store';
import { revokeAccount, type Sql } from './postgres-adapter';
import { defaultTtls, type ProviderPages } from './provider-config';

/**
 * The provider's own answers (its error, logout and form-post pages): scripts and styles of this
 * origin only (oidc-provider adds the hash of its one inline form-post script), forms posted to
 * this origin only, never framed. The login pages' routes under `/oidc` set their own.
 */
export const PROVIDER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Statements on the app's TypeORM DataSource (its pool). */
export function sqlOf(dataSource: DataSource): Sql {
  return async (text, params) =>
    (await dataSource.query(text, params ? [...params] : undefined)) as Record<string, unknown>[];
}

/** The embedded provider's key store on this DataSource, with the retention its TTLs need. */
export function keyStoreOf(dataSource: DataSource, accessTokenTtlSeconds: number): OidcKeyStore {
  return new OidcKeyStore(keyDbOf(dataSource), keyRetentionSeconds(accessTokenTtlSeconds));
}

/**
 * What `createTokenVerifier` needs to verify the embedded provider's tokens, exactly as an
 * external provider's (issuer, audience, algorithm, key by `kid` refreshed on an unknown one),
 * with the key set read from the key store rather than fetched from `/oidc/jwks` (no HTTP call
 * to itself). Undefined when OIDC_ISSUER is set (the embedded provider is off: its tokens are
 * refused as of an unknown issuer).
 */
export function embeddedVerifierOptions(
  config: Pick<RemedyConfig, 'identity'>,
  dataSource: DataSource,
  options: { readonly refreshCooldownMs?: number } = {},
): OidcVerifierOptions | undefined {
  const issuer = config.identity.embeddedIssuer;
  if (!issuer) return undefined;
  const store = keyStoreOf(dataSource, config.identity.accessTokenTtlSeconds);
  return {
    issuer,
    audience: API_AUDIENCE,
    algorithms: [SIGNING_ALGORITHM],
    keySource: {
      load: () => store.publicKeys(),
      ...(options.refreshCooldownMs !== undefined ? { cooldownMs: options.refreshCooldownMs } : {}),
    },
  };
}

/**
 * Mounts the provider at its path in the app's Fastify, in an encapsulated plugin: the reply is
 * hijacked and the raw request and response handed to oidc-provider (the project's JSON parser
 * and its other body parsers do not run here: form posts reach oidc-provider unread); the
 * security headers of every answer are set on the raw response (setSecurityHeadersOnRaw: the
 * reply's own headers are not written for a hijacked reply), with the CSP replaced by
 * {@link PROVIDER_CSP}. More specific routes under the same path (the login
 * pages' `/oidc/interaction/:uid`, `/oidc/setup`, `/oidc/assets/*`) win over this catch-all.
 */
export function mountEmbeddedProvider(
  fastify: FastifyInstance,
  embedded: EmbeddedProvider,
  onError: (error: unknown) => void = () => undefined,
): void {
  void fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    scope.route({
      method: ['GET', 'POST'],
      url: `${embedded.mountPath}/*`,
      handler: async (request, reply) => {
        reply.hijack();
        setSecurityHeadersOnRaw(reply.raw);
        reply.raw.setHeader('content-security-policy', PROVIDER_CSP);
        try {
          await embedded.handle(request.raw, reply.raw, request.ip);
        } catch (error) {
          onError(error);
          if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-length': '0' });
          reply.raw.end();
        }
      },
    });
  });
}

@Injectable()
class EmbeddedProviderLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('EmbeddedProvider');

  constructor(
    @Inject(EMBEDDED_PROVIDER) private readonly embedded: EmbeddedProvider | null,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.embedded) return;
    await this.embedded.start();
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'fastify') return;
    mountEmbeddedProvider(adapter.getInstance<FastifyInstance>(), this.embedded, (error) =>
      this.logger.error({ msg: 'embedded OpenID provider: request failed', err: error }),
    );
  }

  onApplicationShutdown(): void {
    this.embedded?.stop();
  }
}

export interface EmbeddedProviderModuleOptions {
  /** Modules providing IDENTITY_ACCOUNTS (and PROVIDER_PAGES), when they are not global. */
  readonly imports?: ModuleMetadata['imports'];
  /** The login pages' hooks, when not provided as PROVIDER_PAGES. */
  readonly pages?: ProviderPages;
  /** Key re-read and sweep period (default 60 s). */
  readonly refreshMs?: number;
}

/**
 * The embedded OpenID provider in the API (issue 15), on while `config.identity.embeddedIssuer`
 * is set (OIDC_ISSUER unset): EMBEDDED_PROVIDER (null when off) for the login pages, and
 * SESSION_REVOKER for the accounts (deletes a user's sessions and tokens; harmless when off).
 * Needs IDENTITY_ACCOUNTS (the accounts module) when on; optional PROVIDER_PAGES.
 */
@Module({})
export class EmbeddedProviderModule {
  static forRoot(options: EmbeddedProviderModuleOptions = {}): DynamicModule {
    return {
      module: EmbeddedProviderModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: EMBEDDED_PROVIDER,
          inject: [
            REMEDY_CONFIG,
            DataSource,
            { token: IDENTITY_ACCOUNTS, optional: true },
            { token: PROVIDER_PAGES, optional: true },
          ],
          useFactory: (
            config: RemedyConfig,
            dataSource: DataSource,
            accounts: IdentityAccounts | undefined,
            pages: ProviderPages | undefined,
          ): EmbeddedProvider | null => {
            const issuer = config.identity.embeddedIssuer;
            if (!issuer) return null;
            if (!accounts)
              throw new Error(
                'the embedded OpenID provider needs the accounts (IDENTITY_ACCOUNTS): import their module',
              );
            const logger = new Logger('EmbeddedProvider');
            return new EmbeddedProvider({
              issuer,
              publicUrl: config.identity.publicUrl,
              accounts,
              sql: sqlOf(dataSource),
              keyStore: keyStoreOf(dataSource, config.identity.accessTokenTtlSeconds),
              ttl: defaultTtls(config.identity.accessTokenTtlSeconds),
              pages: options.pages ?? pages,
              corsOrigins: config.corsOrigins,
              ...(options.refreshMs !== undefined ? { refreshMs: options.refreshMs } : {}),
              onError: (message, error) => logger.error({ msg: message, err: error }),
            });
          },
        },
        {
          provide: SESSION_REVOKER,
          inject: [DataSource],
          useFactory: (dataSource: DataSource): SessionRevoker => ({
            revokeSessionsOf: (userId) => revokeAccount(sqlOf(dataSource), userId),
          }),
        },
        EmbeddedProviderLifecycle,
      ],
      exports: [EMBEDDED_PROVIDER, SESSION_REVOKER],
    };
  }
}
