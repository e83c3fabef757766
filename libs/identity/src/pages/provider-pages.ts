import { PAGES_CSP } from './assets';
import { pickLanguage } from './i18n';
import { errorPage, loggedOutPage, logoutPage } from './pages';

/**
 * The part of oidc-provider's Koa context these hooks read (oidc-provider ships no types).
 * `ctx.oidc.params.ui_locales` is the OpenID request's, when there is one.
 */
export interface ProviderPageContext {
  type: string;
  body: unknown;
  get(header: string): string;
  set(header: string, value: string): void;
  readonly oidc?: { readonly params?: { readonly ui_locales?: unknown } } | undefined;
}

const languageOf = (ctx: ProviderPageContext) => {
  const uiLocales = ctx.oidc?.params?.ui_locales;
  return pickLanguage(
    typeof uiLocales === 'string' ? uiLocales : undefined,
    ctx.get('accept-language') || undefined,
  );
};

const send = (ctx: ProviderPageContext, html: string) => {
  ctx.set('content-security-policy', PAGES_CSP);
  ctx.set('cache-control', 'no-store');
  ctx.type = 'html';
  ctx.body = html;
};

export interface ProviderPagesOptions {
  /** Where "back to the application" leads (the console), e.g. `<publicUrl>/`. */
  readonly appUrl?: string;
}

/**
 * oidc-provider's page hooks (`renderError`, `features.rpInitiatedLogout.logoutSource` and
 * `postLogoutSuccessSource`), rendered as the login pages are: the person's language, RTL for
 * Arabic, the same CSS and CSP. The error page shows the OpenID error code only.
 */
export function providerPages(options: ProviderPagesOptions = {}) {
  return {
    async renderError(ctx: ProviderPageContext, out: { error?: unknown }): Promise<void> {
      const code =
        typeof out.error === 'string' && /^[\w.-]{1,64}$/.test(out.error) ? out.error : undefined;
      send(ctx, errorPage({ language: languageOf(ctx), ...(code ? { code } : {}) }));
    },
    async logoutSource(ctx: ProviderPageContext, form: string): Promise<void> {
      send(ctx, logoutPage({ language: languageOf(ctx), providerForm: form }));
    },
    async postLogoutSuccessSource(ctx: ProviderPageContext): Promise<void> {
      send(
        ctx,
        loggedOutPage({
          language: languageOf(ctx),
          ...(options.appUrl ? { appUrl: options.appUrl } : {}),
        }),
      );
    },
  };
}
