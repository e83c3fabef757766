export * from './embedded-provider';
export * from './embedded-provider.module';
export * from './key-store';
export * from './postgres-adapter';
export * from './provider-config';
