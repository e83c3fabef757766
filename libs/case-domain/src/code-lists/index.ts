export * from './assistance';
export * from './best-interests';
export * from './case-lifecycle';
export * from './claims';
export * from './consent';
export * from './cooperation';
export * from './countries';
export * from './currencies';
export * from './exploitation';
export * from './htcds-mapping';
export * from './languages';
export * from './organisations';
export * from './person';
export * from './remedy';
export * from './status';

/** Type guard: is `value` one of the codes of `list`? */
export const isCode = <T extends string>(list: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (list as readonly string[]).includes(value);
