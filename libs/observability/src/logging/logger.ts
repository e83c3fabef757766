import { AsyncLocalStorage } from 'node:async_hooks';
import { hostname } from 'node:os';
import { pino, type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import {
  PERSONAL_FIELD_SET,
  PERSONAL_KEY_PATTERN,
  REDACTED,
  redactPaths,
  scrubPersonalFields,
} from './redaction';

export type LogLevel = Level | 'silent';

export interface LoggerConfig {
  /** Minimum level; default `info`. */
  readonly level?: LogLevel;
  /** Human-readable output through `pino-pretty` when that package is installed (dev only). */
  readonly pretty?: boolean;
  /** Where the JSON lines go; default stdout. Tests pass a stream to capture them. */
  readonly destination?: DestinationStream;
  /** Bound to every line as `app` (e.g. `api`, `worker`). */
  readonly app?: string;
}

/** The acting user, as the auth guard attaches it to the request (`request.actor`). */
export interface RequestActor {
  readonly userId: string;
  readonly organisationId: string;
  readonly roles?: readonly string[];
}

/**
 * The pino options every logger of this project uses: level, redaction of credentials, bodies and
 * personal fields (see `redaction.ts`), ISO timestamps.
 */
export function loggerOptions(config: Pick<LoggerConfig, 'level' | 'app'> = {}): LoggerOptions {
  return {
    level: config.level ?? 'info',
    redact: { paths: redactPaths(), censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(config.app ? { base: { pid: process.pid, hostname: hostname(), app: config.app } } : {}),
    formatters: {
      log: (object) => scrubPersonalFields(object, PERSONAL_FIELD_SET),
    },
    onChild: scrubChildBindings,
  };
}

const { chindingsSym } = pino.symbols;

/**
 * pino applies no formatter to a child's bindings (`logger.child({...})`), so they are scrubbed
 * here, after the child is made: only when the serialized bindings hold a personal key at all.
 */
function scrubChildBindings(child: Logger): void {
  const serialized = (child as unknown as Record<symbol, string>)[chindingsSym];
  if (!PERSONAL_KEY_PATTERN.test(serialized)) return;
  // The whole serialized bindings (`,"pid":1,...`), base fields included (`bindings()` drops pid/hostname).
  const bindings = JSON.parse(`{${serialized.slice(1)}}`) as Record<string, unknown>;
  const scrubbed = scrubPersonalFields(bindings, PERSONAL_FIELD_SET);
  if (scrubbed === bindings) return;
  (child as unknown as Record<symbol, string>)[chindingsSym] = '';
  child.setBindings(scrubbed);
}

function prettyTransport(pretty: boolean | undefined): LoggerOptions['transport'] | undefined {
  if (!pretty) return undefined;
  try {
    require.resolve('pino-pretty');
  } catch {
    return undefined; // not installed: plain JSON lines
  }
  return { target: 'pino-pretty', options: { colorize: true, singleLine: true } };
}

/** How long a line may wait in {@link bufferedStdout} before it is written. */
export const LOG_FLUSH_MS = 250;

/**
 * stdout written in chunks: once 4 KiB of lines are waiting, or every {@link LOG_FLUSH_MS}
 * (pino's default destination writes each line at once: that write was ~15 % of a trivial
 * request's CPU; buffered, about one write per ten request lines). pino flushes it synchronously
 * when the process exits (also after an uncaught exception); a SIGKILL loses at most the last
 * {@link LOG_FLUSH_MS} of lines.
 */
export function bufferedStdout(): DestinationStream {
  const stream = pino.destination({ dest: 1, minLength: 4096, sync: false });
  setInterval(() => {
    try {
      stream.flush();
    } catch {
      // destroyed (closed at exit): nothing left to write
    }
  }, LOG_FLUSH_MS).unref();
  return stream;
}

/**
 * A plain pino logger with the project's redaction, for code outside Nest (supervisor, scripts,
 * the CLI). Nest apps use {@link ObservabilityLoggerModule} instead.
 */
export function createLogger(config: LoggerConfig = {}): Logger {
  const options = loggerOptions(config);
  const transport = config.destination ? undefined : prettyTransport(config.pretty);
  if (transport) return pino({ ...options, transport });
  return config.destination ? pino(options, config.destination) : pino(options);
}

const OPAQUE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The actor's opaque ids, when the request carries a well-formed actor. */
export function actorOf(
  request: { actor?: unknown } | undefined,
): Pick<RequestActor, 'userId' | 'organisationId'> | undefined {
  const actor = request?.actor as Partial<RequestActor> | undefined;
  if (!actor || typeof actor !== 'object') return undefined;
  const { userId, organisationId } = actor;
  if (typeof userId !== 'string' || !OPAQUE_ID.test(userId)) return undefined;
  return typeof organisationId === 'string' && OPAQUE_ID.test(organisationId)
    ? { userId, organisationId }
    : { userId, organisationId: 'unknown' };
}

function pathOnly(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export interface HttpLoggingConfig extends LoggerConfig {
  /** Paths (exact, without query) whose requests are not logged; default `/health`, `/health/ready`. */
  readonly ignorePaths?: readonly string[];
}

/** The request being handled: its id, and the actor once the auth guard has set one. */
export interface RequestLogFields {
  readonly requestId: string;
  userId?: string;
  organisationId?: string;
}

/**
 * The fields of the request being handled, per request (AsyncLocalStorage), added to every line
 * logged while handling it by the root logger's `mixin` ({@link httpLoggerOptions}): no child
 * logger per request (building one, with its bindings serialized and scrubbed, cost ~4 % of a
 * trivial request's CPU, twice: the id, then the actor). Set by `installRequestLogging` and
 * `ActorLogInterceptor`.
 */
export const requestLogFields = new AsyncLocalStorage<RequestLogFields>();

/** pino `mixin`: a copy (pino merges the line's own fields into what it returns). */
function requestFieldsMixin(): object {
  const fields = requestLogFields.getStore();
  return fields ? { ...fields } : {};
}

/**
 * The options of the root logger of a Nest app (handed to nestjs-pino as `pinoHttp`, which
 * builds the root from them): {@link loggerOptions}, the request's fields on every line logged
 * while handling it ({@link requestLogFields}) and, in development, pino-pretty. Requests are
 * logged by {@link requestLogLine}'s hook, not by pino-http's middleware.
 */
export function httpLoggerOptions(config: HttpLoggingConfig = {}): PinoHttpOptions {
  const transport = config.destination ? undefined : prettyTransport(config.pretty);
  return {
    ...loggerOptions(config),
    mixin: requestFieldsMixin,
    ...(transport ? { transport } : {}),
    // pino-http wraps its root's `res` serializer in one expecting a Node response.
    serializers: {
      res: (res: { raw?: { statusCode?: number } }) => ({ statusCode: res.raw?.statusCode }),
    },
  };
}

/** What the completion line reads of a request (a Fastify request and its reply). */
export interface LoggedRequest {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  readonly actor?: unknown;
  readonly routeOptions?: { readonly url?: string };
}

/**
 * The one line per request: `[level, fields, msg]`, or undefined for an ignored path. Fields:
 * request id, method, path (query stripped), route template, the acting user's and
 * organisation's ids when the auth guard set them, status and response time (ms); no headers,
 * no body, no query, no client address. Level: error for 5xx (msg "request errored", with the
 * error pino-http used to add), warn for 4xx, else info ("request completed").
 */
export function requestLogLine(
  ignored: ReadonlySet<string>,
  request: LoggedRequest,
  statusCode: number,
  responseTime: number,
): [Level, Record<string, unknown>, string] | undefined {
  const url = pathOnly(request.url);
  if (ignored.has(url)) return undefined;
  const fields: Record<string, unknown> = {
    requestId: request.id,
    req: { method: request.method, url },
  };
  const route = request.routeOptions?.url;
  if (route) fields.route = route;
  const actor = actorOf(request);
  if (actor) {
    fields.userId = actor.userId;
    fields.organisationId = actor.organisationId;
  }
  fields.res = { statusCode };
  if (statusCode >= 500) {
    fields.err = new Error(`failed with status code ${statusCode}`);
    fields.responseTime = responseTime;
    return ['error', fields, 'request errored'];
  }
  fields.responseTime = responseTime;
  return [statusCode >= 400 ? 'warn' : 'info', fields, 'request completed'];
}
