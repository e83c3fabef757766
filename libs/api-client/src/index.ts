import createClient, {
  type Client,
  type ClientOptions,
  type ClientPathsWithMethod,
} from 'openapi-fetch';
import type { paths } from './schema';

export type { components, operations, paths } from './schema';

/** A typed client of the Remedy API: `client.GET('/cases/{caseId}', { params: { path: { caseId } } })`. */
export type RemedyClient = Client<paths>;

export interface RemedyClientOptions {
  /** Where the API answers, e.g. `http://localhost:3000`. */
  readonly baseUrl: string;
  /** A bearer token, sent with every request (omit for /health and /docs-json). */
  readonly token?: string;
  /** Another fetch (tests, instrumentation); the global one by default. */
  readonly fetch?: ClientOptions['fetch'];
}

/**
 * A client of the Remedy API over openapi-fetch, typed by the OpenAPI document of this version
 * of the API (./schema.d.ts, generated from ../openapi.json by `npm run openapi`). Every method
 * resolves to `{ data, error, response }`: nothing is thrown for an HTTP status, only for a
 * network failure.
 */
export function createRemedyClient(options: RemedyClientOptions): RemedyClient {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.token ? { headers: { authorization: `Bearer ${options.token}` } } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** The routes (path templates) that answer a method, e.g. `PathsWithMethod<'post'>`. */
export type PathsWithMethod<M extends 'get' | 'put' | 'post' | 'delete' | 'patch'> =
  ClientPathsWithMethod<RemedyClient, M>;
