import type { MantineColorSchemeManager } from '@mantine/core';

/** Mantine keeps the colour scheme in localStorage by default: here it is in memory, light. */
export const memoryColorScheme: MantineColorSchemeManager = {
  get: () => 'light',
  set: () => undefined,
  subscribe: () => undefined,
  unsubscribe: () => undefined,
  clear: () => undefined,
};
