export * from './accounts/ports';
export * from './provider';
