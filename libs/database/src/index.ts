export * from './columns';
export * from './migrate';
export { ALL_MIGRATIONS } from './migrations';
export * from './row-security';
export * from './pool';
