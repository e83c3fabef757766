import type { RemedyClient } from '@remedy/api-client';
import type { QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { AuthState, ConsoleAuth } from './auth/session';

export interface Console {
  readonly auth: ConsoleAuth;
  readonly api: RemedyClient;
  readonly queryClient: QueryClient;
}

export const ConsoleContext = createContext<Console | undefined>(undefined);

export function useConsole(): Console {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside Root');
  return value;
}

export function useAuthState(): AuthState {
  const { auth } = useConsole();
  return useSyncExternalStore(auth.subscribe, () => auth.state);
}
