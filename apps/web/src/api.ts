import { createRemedyClient, type RemedyClient } from '@remedy/api-client';
import type { ConsoleAuth } from './auth/session';

/** An answer the console shows as a state, not a crash: 404 (not found or not yours), 503. */
export class ApiError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/**
 * The generated typed client (libs/api-client, openapi-fetch) on this origin, sending the access
 * token from memory. A 401 ends the session (the token expired or was revoked).
 */
export function createApi(auth: ConsoleAuth): RemedyClient {
  return createRemedyClient({
    baseUrl: window.location.origin,
    fetch: async (input: Request) => {
      const token = auth.accessToken();
      if (token) input.headers.set('authorization', `Bearer ${token}`);
      const response = await fetch(input);
      if (response.status === 401 && token) auth.end('expired');
      return response;
    },
  });
}

/** `data` of an openapi-fetch answer, or an ApiError carrying its status. */
export function dataOf<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data === undefined || !answer.response.ok) throw new ApiError(answer.response.status);
  return answer.data;
}
