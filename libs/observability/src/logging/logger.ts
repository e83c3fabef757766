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
 * stdout written in chunks: once 32 KiB of lines are waiting, or every {@link LOG_FLUSH_MS}
 * (pino's default destination writes each line at once: that write was ~15 % of a trivial
 * request's CPU; buffered by 4 KiB, one write per ten request lines, its main-thread part still ~10 % of
 * GET /session's CPU profile at saturation; by 32 KiB, one write per ~80 lines, ~2.5 %). pino flushes it synchronously
 * when the process exits (also after an uncaught exception); a SIGKILL loses at most the last
 * {@link LOG_FLUSH_MS} of lines.
 */
export function bufferedStdout(): DestinationStream {
  const stream = pino.destination({ dest: 1, minLength: 32_768, maxWrite: 65_536, sync: false });
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
  request: { actor?: unknown } | object | undefined,
): Pick<RequestActor, 'userId' | 'organisationId'> | undefined {
  const actor = (request as { actor?: unknown } | undefined)?.actor as
    Partial<RequestActor> | undefined;
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

/**
 * The request being handled: its id, and the request itself, whose actor (`request.actor`, once
 * the auth guard has set it) is read only when a line is logged.
 */
export interface RequestLogContext {
  readonly requestId: string;
  readonly request?: object;
}

/** The fields a line logged while handling a request carries: its id, and the actor's ids. */
export interface RequestLogFields {
  readonly requestId: string;
  readonly userId?: string;
  readonly organisationId?: string;
}

/**
 * The request being handled, per request (AsyncLocalStorage): every line logged while handling
 * it carries {@link RequestLogFields} through the root logger's `mixin` ({@link
 * httpLoggerOptions}). No child logger per request (building one, with its bindings serialized
 * and scrubbed, cost ~4 % of a trivial request's CPU, twice: the id, then the actor), and no
 * interceptor to add the actor: the mixin reads it from the request when a line is logged. Set by
 * `installRequestLogging`.
 */
export const requestLogFields = new AsyncLocalStorage<RequestLogContext>();

/** The fields of the request being handled (none outside a request). */
export function currentRequestLogFields(): RequestLogFields | undefined {
  const context = requestLogFields.getStore();
  if (!context) return undefined;
  const actor = actorOf(context.request);
  return actor
    ? { requestId: context.requestId, userId: actor.userId, organisationId: actor.organisationId }
    : { requestId: context.requestId };
}

/** pino `mixin`: a new object (pino merges the line's own fields into what it returns). */
function requestFieldsMixin(): object {
  return currentRequestLogFields() ?? {};
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

/** What {@link requestLineWriter} writes for an answer below 500: pino's numeric level and msg. */
const FAST_LEVELS = { info: 30, warn: 40 } as const;

const { streamSym, timeSym } = pino.symbols;

let lastMs = -1;
let lastTime = '';
/** pino's `isoTime` (`,"time":"<ISO 8601>"`), one Date per millisecond. */
function isoTimeOncePerMs(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

/**
 * Writes the one line per request of {@link requestLogLine} through `logger` (its level, its
 * bindings, its destination), the line pino would write for it, byte for byte but the time
 * (tested: logging.spec.ts), without pino's per-line machinery: the fields are fixed (ids that
 * passed {@link actorOf}'s or the request id's token check, the method, the path without its
 * query, the route template, the status and the time), none of them a personal field or a
 * redacted path (checked when the writer is made), so redaction and the personal-field scrub have
 * nothing to do on it: the line is concatenated, its strings escaped by `JSON.stringify`. A 5xx
 * line (with its error) goes through pino. Cost: ~4 µs per line where pino's took ~15
 * (bench/README.md, hook table).
 */
export function requestLineWriter(
  logger: Logger,
  ignored: ReadonlySet<string>,
): (request: LoggedRequest, statusCode: number, responseTime: number) => void {
  assertNothingToRedact();
  const pinoTime = logger[timeSym as keyof Logger] as unknown as () => string;
  const time = pinoTime === pino.stdTimeFunctions.isoTime ? isoTimeOncePerMs : pinoTime;
  return (request, statusCode, responseTime) => {
    if (statusCode >= 500) {
      const line = requestLogLine(ignored, request, statusCode, responseTime);
      if (line) logger[line[0]](line[1], line[2]);
      return;
    }
    const url = pathOnly(request.url);
    if (ignored.has(url)) return;
    const level = statusCode >= 400 ? FAST_LEVELS.warn : FAST_LEVELS.info;
    if (level < logger.levelVal) return;
    const actor = actorOf(request);
    const route = request.routeOptions?.url;
    const line =
      `{"level":${level}${time()}${(logger as unknown as Record<symbol, string>)[chindingsSym]}` +
      `,"requestId":${JSON.stringify(request.id)}` +
      (actor
        ? `,"userId":${JSON.stringify(actor.userId)},"organisationId":${JSON.stringify(actor.organisationId)}`
        : '') +
      `,"req":{"method":${JSON.stringify(request.method)},"url":${JSON.stringify(url)}}` +
      (route ? `,"route":${JSON.stringify(route)}` : '') +
      `,"res":{"statusCode":${statusCode}},"responseTime":${responseTime},"msg":"request completed"}\n`;
    (logger as unknown as Record<symbol, DestinationStream>)[streamSym].write(line);
  };
}

/** The paths of the request line's fields ({@link requestLogLine} below 500). */
export const REQUEST_LINE_PATHS: readonly string[] = Object.freeze([
  'level',
  'time',
  'requestId',
  'userId',
  'organisationId',
  'req',
  'req.method',
  'req.url',
  'route',
  'res',
  'res.statusCode',
  'responseTime',
  'msg',
]);

/** Whether pino's redaction path (`a.b`, `*.b`, `a["b"]`) reaches the field at `path`. */
function reaches(redactPath: string, path: string): boolean {
  const want = redactPath.replace(/\["([^"]*)"\]/g, '.$1').split('.');
  const have = path.split('.');
  return (
    want.length === have.length &&
    want.every((segment, i) => segment === '*' || segment === have[i])
  );
}

/**
 * The request line's fields are no personal field (scrubbed at any depth) and no redacted path:
 * else the line must go through pino. Checked when a writer is made.
 */
export function assertNothingToRedact(paths: readonly string[] = redactPaths()): void {
  for (const field of REQUEST_LINE_PATHS) {
    const key = field.split('.').pop()!;
    if (PERSONAL_FIELD_SET.has(key) || paths.some((p) => reaches(p, field)))
      throw new Error(`the request line's field ${field} would be redacted: log it through pino`);
  }
}
