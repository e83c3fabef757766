import type { IncomingMessage, ServerResponse } from 'node:http';
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
import { REQUEST_ID_HEADER, requestIdFor } from './request-id';

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

/** Set by the request-context hook: the raw Node request → its Fastify request. */
export const FASTIFY_REQUEST = Symbol.for('remedy.observability.fastifyRequest');

interface RawRequest extends IncomingMessage {
  originalUrl?: string;
  actor?: unknown;
  [FASTIFY_REQUEST]?: { actor?: unknown; routeOptions?: { url?: string } };
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

/**
 * Fields of the "request completed" line: method, path (query stripped), the route template, and
 * the acting user's and organisation's ids when the auth guard set them.
 */
function completionFields(req: RawRequest): Record<string, unknown> {
  const fastifyRequest = req[FASTIFY_REQUEST];
  const fields: Record<string, unknown> = {
    req: { method: req.method, url: pathOnly(req.originalUrl ?? req.url) },
  };
  const route = fastifyRequest?.routeOptions?.url;
  if (route) fields.route = route;
  const actor = actorOf(fastifyRequest) ?? actorOf(req);
  if (actor) {
    fields.userId = actor.userId;
    fields.organisationId = actor.organisationId;
  }
  return fields;
}

export interface HttpLoggingConfig extends LoggerConfig {
  /** Paths (exact, without query) whose requests are not logged; default `/health`, `/health/ready`. */
  readonly ignorePaths?: readonly string[];
}

/**
 * The `pino-http` options: one line per request ("request completed") with method, path (query
 * stripped), status, response time, request id, route template, user and organisation ids; no
 * headers, no body, no query, no client address. Logs made while handling a request carry its
 * `requestId`.
 *
 * Cost: pino-http binds the request to one child logger per request under the key
 * `customAttributeKeys.req`; that key is `requestId` here and its serializer yields the id alone,
 * which puts a top-level `requestId` on every request line with a single child. (Its
 * `quietReqLogger` would do the same with two nested children per request: measured ~3x the
 * CPU per request, see bench/http-overhead.ts.) The completion line gets its fields from
 * `customSuccessObject` / `customErrorObject`, which create no child at all.
 */
export function httpLoggerOptions(
  config: HttpLoggingConfig = {},
): PinoHttpOptions<RawRequest, ServerResponse> {
  const ignored = new Set(config.ignorePaths ?? ['/health', '/health/ready']);
  const transport = config.destination ? undefined : prettyTransport(config.pretty);
  return {
    ...loggerOptions(config),
    ...(transport ? { transport } : {}),
    customAttributeKeys: { req: 'requestId' },
    // Fastify assigns `request.id` itself (see the request-context hook); this serves other adapters.
    genReqId: (req, res) => {
      const id = requestIdFor(req.headers);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    autoLogging: { ignore: (req) => ignored.has(pathOnly(req.originalUrl ?? req.url)) },
    customSuccessObject: (req, _res, value) => ({ ...completionFields(req), ...value }),
    customErrorObject: (req, _res, _error, value) => ({ ...completionFields(req), ...value }),
    serializers: {
      requestId: (req: { id?: unknown }) => String(req.id),
      res: (res: { raw?: ServerResponse; statusCode?: number | null }) => ({
        statusCode: res.raw?.statusCode ?? res.statusCode,
      }),
    },
  };
}
