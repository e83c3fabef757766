export * from './catalogue';
export * from './code-lists';
export { chooseLanguage } from './language';
export { CODE_LIST_ROUTES, CodeListsController } from './code-lists.controller';
export { CodeListsModule } from './code-lists.module';
