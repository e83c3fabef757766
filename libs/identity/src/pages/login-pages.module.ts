import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { IDENTITY_ACCOUNTS, type IdentityAccounts } from '../accounts/ports';
import {
  EMBEDDED_PROVIDER,
  type EmbeddedProvider,
  PROVIDER_PAGES,
} from '../provider/embedded-provider';
import { type InteractionProvider, registerLoginRoutes } from './interaction-routes';
import { providerPages } from './provider-pages';

/**
 * What the pages use of the embedded provider, read through its wrapper on every call: the
 * wrapper rebuilds its oidc-provider instance when the signing keys rotate, so no instance is
 * kept here (and the wrapper sets the trusted forwarded headers oidc-provider reads).
 */
export function interactionProviderOf(embedded: EmbeddedProvider): InteractionProvider {
  return {
    interactionDetails: (req, res) =>
      embedded.interactionDetails(req, res) as unknown as ReturnType<
        InteractionProvider['interactionDetails']
      >,
    interactionResult: (req, res, result, options) =>
      embedded.interactionResult(req, res, result as never, options),
    get Grant() {
      return embedded.provider.Grant as unknown as InteractionProvider['Grant'];
    },
  };
}

@Injectable()
class LoginPagesLifecycle implements OnModuleInit {
  constructor(
    @Inject(EMBEDDED_PROVIDER) private readonly embedded: EmbeddedProvider | null,
    @Optional() @Inject(IDENTITY_ACCOUNTS) private readonly accounts: IdentityAccounts | undefined,
    @Inject(REMEDY_CONFIG) private readonly config: RemedyConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.embedded || !this.accounts) return;
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'fastify') return;
    const { publicUrl, loginPostsPerMinute } = this.config.identity;
    await registerLoginRoutes(adapter.getInstance<FastifyInstance>(), {
      provider: interactionProviderOf(this.embedded),
      accounts: this.accounts,
      // Shared by every API instance (derived from the provider's secret in PostgreSQL).
      stateKey: await this.embedded.derivedSecret('login-pages-setup-state'),
      appUrl: `${publicUrl}/`,
      secureCookies: new URL(publicUrl).protocol === 'https:',
      postsPerMinute: loginPostsPerMinute,
    });
  }
}

/**
 * The login pages in the API (issue 15), while the embedded provider is on: their routes on the
 * API's Fastify (`/oidc/interaction/:uid...`, `/oidc/setup...`, `/oidc/assets/*`: exact routes,
 * which win over the provider's `/oidc/*`), and PROVIDER_PAGES, oidc-provider's error and logout
 * pages in the person's language. Global (EmbeddedProviderModule reads PROVIDER_PAGES); import
 * it once, in the root module, with EmbeddedProviderModule and AccountsModule.
 */
@Module({})
export class LoginPagesModule {
  static forRoot(): DynamicModule {
    return {
      module: LoginPagesModule,
      global: true,
      providers: [
        {
          provide: PROVIDER_PAGES,
          inject: [REMEDY_CONFIG],
          useFactory: (config: RemedyConfig) =>
            providerPages({ appUrl: `${config.identity.publicUrl}/` }),
        },
        LoginPagesLifecycle,
      ],
      exports: [PROVIDER_PAGES],
    };
  }
}
