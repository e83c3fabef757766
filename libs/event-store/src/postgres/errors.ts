import { EventStoreUnavailableError } from '../port';

/** Socket-level failures (Node) and PostgreSQL states that mean "the server cannot serve now". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
]);

const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection terminated unexpectedly',
  'connect ECONNREFUSED',
];

/** Duck-typed: errors may come from another realm (e.g. Node's net module under Jest). */
export function isConnectionFailure(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message, errors } = err as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08')))
    return true;
  if (Array.isArray(errors) && errors.some(isConnectionFailure)) return true; // AggregateError
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.includes(m));
}

/**
 * Connection failures become EventStoreUnavailableError (the API answers 503). The message names
 * no data: only the failure's code.
 */
export function mapPgError(err: unknown): unknown {
  if (err instanceof EventStoreUnavailableError) return err;
  if (isConnectionFailure(err)) {
    const code = (err as { code?: unknown }).code;
    return new EventStoreUnavailableError(
      `PostgreSQL event store unavailable${typeof code === 'string' ? ` (${code})` : ''}`,
      err,
    );
  }
  return err;
}

export function pgErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function pgConstraint(err: unknown): string | undefined {
  const c = (err as { constraint?: unknown } | null)?.constraint;
  return typeof c === 'string' ? c : undefined;
}
