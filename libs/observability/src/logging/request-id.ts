import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

/** 1-128 characters of letters, digits, `.`, `_`, `:`, `-` (a uuid, a trace id, ...). */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function isSafeRequestId(value: unknown): value is string {
  return typeof value === 'string' && SAFE_REQUEST_ID.test(value);
}

/**
 * The id of a request: the incoming `x-request-id` when it is a safe token (so a proxy's id
 * threads through), else a new uuid. Anything else in the header (spaces, quotes, an overlong
 * value) is ignored, never logged.
 */
export function requestIdFor(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string {
  const incoming = headers[REQUEST_ID_HEADER];
  return isSafeRequestId(incoming) ? incoming : randomUUID();
}
