export * from './accounts/ports';
