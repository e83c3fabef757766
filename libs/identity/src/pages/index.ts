export { ASSETS_PATH, PAGES_CSP, registerPageAssets } from './assets';
export { CATALOGUES, directionOf, pickLanguage, translator } from './i18n';
export * from './pages';
export { providerPages, type ProviderPagesOptions } from './provider-pages';
export {
  registerLoginRoutes,
  type InteractionProvider,
  type LoginRoutesOptions,
} from './interaction-routes';
export { interactionProviderOf, LoginPagesModule } from './login-pages.module';
