import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  type INestApplication,
  Logger,
} from '@nestjs/common';
import { normalizeIp, type ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { Redis } from 'ioredis';
import { problem, sendProblem } from './problem';

type HttpArgumentsHost = ReturnType<ExecutionContext['switchToHttp']>;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

export interface RateLimitOptions {
  /** Requests per window per user (by token subject), or per address for a request without one. */
  readonly perMinute: number;
  /** The window, milliseconds (default 60 000). */
  readonly windowMs?: number;
  /** Set: counts shared by every API process in Redis. Unset: counted in this process. */
  readonly redisUrl?: string | undefined;
  /** Paths never limited (exact, query ignored); default `/health`, `/health/ready`. */
  readonly exemptPaths?: readonly string[];
}

export interface HttpSecurityOptions {
  /** Browser origins allowed by CORS; none (the default): no Access-Control-Allow-Origin at all. */
  readonly corsOrigins?: readonly string[];
  /** Rate limiting; unset or false: none. */
  readonly rateLimit?: RateLimitOptions | false;
  /**
   * Path prefixes of HTML pages (default `/docs` (Swagger UI) and `/admin/queues` (the queue
   * dashboard)): they get {@link UI_CSP} instead of the API's `default-src 'none'`.
   */
  readonly uiPaths?: readonly string[];
}

export const DEFAULT_EXEMPT_PATHS = ['/health', '/health/ready'];

/** JSON answers: nothing may be loaded, framed or submitted from them. */
const API_CSP = {
  defaultSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};

/**
 * HTML pages (Swagger UI, the queue dashboard): their own scripts (no inline script), their own
 * and inline styles, data: images and fonts, fetches to this origin only. (The dashboard's web
 * fonts from Google are not allowed: it falls back to a system font.)
 */
export const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

const DEFAULT_UI_PATHS = ['/docs', '/admin/queues'];

/**
 * The web console (apps/web, served at `/`): its own scripts, styles and fonts only (no inline
 * script or style element: Mantine's styles are CSS files, its theme variables are not injected),
 * data: images (Mantine's inline SVG icons in CSS), fetches to this origin and to the OpenID
 * provider's origin when it is another one (`OIDC_ISSUER`: its token endpoint). Nothing from any
 * other origin.
 */
export function consoleCsp(otherConnectOrigins: readonly string[] = []): string {
  const connect = ["'self'", ...otherConnectOrigins].join(' ');
  return (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    `font-src 'self'; connect-src ${connect}; object-src 'none'; base-uri 'self'; ` +
    "form-action 'self'; frame-ancestors 'none'"
  );
}

/** helmet's options: strict CSP, HSTS, nosniff, frame denial, no referrer. */
const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  crossOriginResourcePolicy: { policy: 'same-origin' },
};

/**
 * The headers helmet's middleware sets for `options`, computed once: with no per-request
 * directive (none here) they are the same on every answer, so the middleware runs once, at
 * start-up, on a response that records them. (@fastify/helmet runs `helmet(options)` on every
 * request, re-parsing the CSP each time: ~8 % of a trivial request's CPU.)
 */
export function helmetHeaders(options: HelmetOptions = HELMET_OPTIONS): [string, string][] {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string) => void headers.set(name.toLowerCase(), value),
    removeHeader: (name: string) => void headers.delete(name.toLowerCase()),
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error) => {
    if (error) throw error;
  });
  return [...headers];
}

let apiHeaders: Readonly<Record<string, string>> | undefined;
/** {@link helmetHeaders} of the API's options, computed once. */
const securityHeaders = () => (apiHeaders ??= Object.fromEntries(helmetHeaders()));

/**
 * For a route that hijacks its reply and answers on the raw response (the embedded OpenID
 * provider), where the headers of Fastify's reply are never written: the security headers set on
 * the raw response.
 */
export function setSecurityHeadersOnRaw(response: ServerResponse): void {
  for (const [name, value] of Object.entries(securityHeaders())) response.setHeader(name, value);
}

/** `/docs` matches `/docs`, `/docs/...` and `/docs-json`. */
const underAny = (prefixes: readonly string[]) => (path: string) =>
  prefixes.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}-`));

const pathOf = (url: string | undefined) => (url ?? '').split('?')[0]!;

/**
 * Security headers (helmet: strict CSP, HSTS, nosniff, frame denial, no referrer),
 * `Cache-Control: no-store` on every answer but the Swagger UI's assets (answers carry case data,
 * errors included, and shared caches must keep none of it), and CORS only for listed origins.
 * Fastify only; call before `app.init()`.
 */
export function applySecurityHeaders(
  app: INestApplication,
  options: HttpSecurityOptions = {},
): void {
  if (app.getHttpAdapter().getType() !== 'fastify') return;
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const headers = securityHeaders();
  // On Fastify's reply, written with its other headers by one writeHead: with no header set on
  // the raw response, Node takes writeHead's header object as it is, whereas one header set there
  // first makes it copy every header through setHeader (measured ~2x the header work per answer;
  // issue 18). A route that hijacks its reply sets them itself (setSecurityHeadersOnRaw).
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
  const isUi = underAny(options.uiPaths ?? DEFAULT_UI_PATHS);
  const isDocs = underAny(['/docs']);
  // A callback hook, not an async one: no promise per answer.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const path = pathOf(request.url);
    if (isUi(path)) void reply.header('content-security-policy', UI_CSP);
    // The API documentation is the same for everyone; everything else may carry case data.
    if (!isDocs(path)) void reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  const origins = options.corsOrigins ?? [];
  if (origins.length > 0) {
    app.enableCors({
      origin: [...origins],
      credentials: false, // bearer tokens, never cookies
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'authorization',
        'content-type',
        'if-match',
        'x-min-position',
        'x-request-id',
      ],
      exposedHeaders: [
        'etag',
        'location',
        'retry-after',
        'x-position',
        'x-access-pending',
        'x-request-id',
      ],
      maxAge: 600,
    });
  }
}

/**
 * In-process counts with the algorithm of the Redis store's script (a fixed window from the first
 * hit; over the limit, blocked for `blockDuration`), so both deployments limit alike. O(1) per
 * request; expired entries are swept once a minute. (@nestjs/throttler's own in-memory storage
 * keeps one timer per hit for the whole window: measured ~3x slower per request at high rates.)
 */
export class MemoryRateLimitStorage implements ThrottlerStorage {
  private readonly entries = new Map<
    string,
    { hits: number; expiresAt: number; blockedUntil: number }
  >();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
  ): Promise<ThrottlerStorageRecord> {
    return this.count(key, ttl, limit, blockDuration);
  }

  /** {@link increment} without a promise (the guard's path when the counts are in process). */
  count(key: string, ttl: number, limit: number, blockDuration: number): ThrottlerStorageRecord {
    const now = this.now();
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { hits: 0, expiresAt: now + ttl, blockedUntil: 0 };
      this.entries.set(key, entry);
    } else if (entry.expiresAt <= now) {
      entry.hits = 0;
      entry.expiresAt = now + ttl;
    }
    entry.hits += 1;
    if (entry.blockedUntil <= now && entry.hits > limit) entry.blockedUntil = now + blockDuration;
    const isBlocked = entry.blockedUntil > now;
    return {
      totalHits: entry.hits,
      timeToExpire: Math.ceil((entry.expiresAt - now) / 1000),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.ceil((entry.blockedUntil - now) / 1000) : 0,
    };
  }

  /** Forgets entries whose window and block are over. */
  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries)
      if (entry.expiresAt <= now && entry.blockedUntil <= now) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    clearInterval(this.sweeper);
    this.entries.clear();
  }
}

/**
 * Counts that fail (Redis unreachable, or no answer within 1 s: the client's `commandTimeout`)
 * let the request through, logged at most once a minute. No timer per request: the in-memory
 * store answers at once, and the Redis client times its own commands out.
 */
class FailOpenStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private lastWarning = 0;

  constructor(private readonly inner: ThrottlerStorage) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    name: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      return await this.inner.increment(key, ttl, limit, blockDuration, name);
    } catch (error) {
      if (Date.now() - this.lastWarning > 60_000) {
        this.lastWarning = Date.now();
        const e = error as { name?: string; code?: string };
        this.logger.warn(
          `rate limit store unavailable (${e?.name ?? 'Error'}${e?.code ? ` ${e.code}` : ''}): requests are not limited`,
        );
      }
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}

/**
 * The store key of a tracker: a hash, never an id or an address. Memoised (at most 10,000
 * trackers, then forgotten all at once): a user's requests hash their tracker once, not each time.
 */
const hashedKeys = new Map<string, string>();
function rateKey(prefix: string, tracker: string): string {
  const memo = `${prefix}\u0000${tracker}`;
  let key = hashedKeys.get(memo);
  if (key === undefined) {
    if (hashedKeys.size >= 10_000) hashedKeys.clear();
    key = `${prefix}:${createHash('sha256').update(tracker).digest('base64url')}`;
    hashedKeys.set(memo, key);
  }
  return key;
}

interface TrackedRequest {
  actor?: { userId?: unknown };
  ip?: string;
  url?: string;
  routeOptions?: { url?: string };
}

/**
 * The rate limit of @nestjs/throttler's guard, keyed by the authenticated user
 * (`request.actor.userId`, set by the auth guard, which runs first) or else by the client
 * address, one budget across all routes, counted in a @nestjs/throttler `ThrottlerStorage` (the
 * Redis one of @nest-lab/throttler-storage-redis, or {@link MemoryRateLimitStorage}). Keys hold a
 * hash, never an id or an address. Answers carry `X-RateLimit-Limit`, `-Remaining` and `-Reset`
 * as @nestjs/throttler sets them; 429 answers carry `Retry-After` (seconds).
 *
 * Hand-written over @nestjs/throttler's `ThrottlerGuard` (whose storages it keeps): that guard
 * reads five pieces of route metadata and awaits eight times per request to support per-route
 * limits, which this API does not use (one budget across all routes); measured ~10 % of the
 * trivial route's CPU (bench section 2, hook rows). Here: one lookup, one count, one await.
 */
export class RateLimitGuard implements CanActivate {
  private readonly exempt: ReadonlySet<string>;
  private readonly ttl: number;
  private readonly limit: number;

  constructor(
    private readonly storage: ThrottlerStorage,
    limit: RateLimitOptions,
  ) {
    this.exempt = new Set(limit.exemptPaths ?? DEFAULT_EXEMPT_PATHS);
    this.ttl = limit.windowMs ?? 60_000;
    this.limit = limit.perMinute;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<TrackedRequest>();
    if (this.exempt.has(pathOf(request.url))) return true;
    const key = rateKey(`remedy:rate:${THROTTLER_NAME}`, trackerOf(request));
    // The block lasts a window, as @nestjs/throttler's default (blockDuration = ttl).
    // Counted in process: answered without a promise (Nest awaits a guard's promise, not a
    // boolean), one of the trivial route's few remaining per-request costs (issue 18).
    if (this.storage instanceof MemoryRateLimitStorage)
      return this.answer(http, this.storage.count(key, this.ttl, this.limit, this.ttl));
    return this.storage
      .increment(key, this.ttl, this.limit, this.ttl, THROTTLER_NAME)
      .then((record) => this.answer(http, record));
  }

  /** 429 for a blocked tracker, else the request goes on with the `X-RateLimit-*` headers. */
  private answer(http: HttpArgumentsHost, record: ThrottlerStorageRecord): true {
    const reply = http.getResponse<{ header(name: string, value: unknown): unknown }>();
    if (record.isBlocked) {
      reply.header('Retry-After', record.timeToBlockExpire);
      throw new HttpException(
        problem(429, `Too many requests; retry after ${record.timeToBlockExpire} s`, {
          retryAfter: record.timeToBlockExpire,
        }),
        429,
      );
    }
    reply.header('X-RateLimit-Limit', this.limit);
    reply.header('X-RateLimit-Remaining', Math.max(0, this.limit - record.totalHits));
    reply.header('X-RateLimit-Reset', record.timeToExpire);
    return true;
  }
}

/** The name of the one budget (@nestjs/throttler's default throttler). */
const THROTTLER_NAME = 'default';

/** The authenticated user, else the client address. */
function trackerOf(request: TrackedRequest): string {
  const userId = request.actor?.userId;
  if (typeof userId === 'string' && userId !== '') return `user:${userId}`;
  return `address:${normalizeIp(request.ip ?? 'unknown')}`;
}

/**
 * Installs {@link RateLimitGuard} as a global guard (after the app's APP_GUARD guards, so after
 * authentication), counting in Redis when `redisUrl` is set, else in memory. The Redis
 * connection is closed with the app.
 */
export function applyRateLimit(app: INestApplication, options: RateLimitOptions): RateLimitGuard {
  let storage: ThrottlerStorage;
  const closers: Array<() => unknown> = [];
  const readiness: Array<() => Promise<void>> = [];
  if (options.redisUrl) {
    const redis = new Redis(options.redisUrl, {
      // While Redis is unreachable, counting fails at once (and the request goes through)
      // rather than waiting for a reconnection.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      disconnectTimeout: 100, // closing the app does not wait 2 s on a socket that never opened
      connectionName: 'remedy-rate-limit',
      commandTimeout: 1_000, // a store that does not answer within 1 s counts as unavailable
    });
    redis.on('error', () => undefined); // reported by FailOpenStorage, without the URL
    storage = new ThrottlerStorageRedisService(redis);
    closers.push(() => redis.disconnect());
    // Start-up waits (at most 2 s) for the connection, so the first requests are counted.
    readiness.push(() => untilReady(redis, 2_000));
  } else {
    const memory = new MemoryRateLimitStorage();
    storage = memory;
    closers.push(() => memory.close());
  }
  const counted = new FailOpenStorage(storage);
  // The in-process counts cannot fail: the guard counts in them directly (without a promise).
  const guard = new RateLimitGuard(
    storage instanceof MemoryRateLimitStorage ? storage : counted,
    options,
  );
  app.useGlobalGuards(guard);
  if (app.getHttpAdapter().getType() === 'fastify') {
    const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
    limitRefusedTokens(fastify, counted, options);
    fastify.addHook('onReady', async () => {
      for (const ready of readiness) await ready();
    });
    fastify.addHook('onClose', async () => {
      for (const close of closers) await close();
    });
  }
  return guard;
}

/**
 * Requests without a valid token never reach the guard (the auth guard answers 401 first), so
 * their 401s are counted here, per client address, with the same limit: an address over it gets
 * 429 for every request until its block ends (each process learns the block from its own 401s;
 * the counts are shared when the store is Redis).
 */
function limitRefusedTokens(
  fastify: FastifyInstance,
  storage: ThrottlerStorage,
  options: RateLimitOptions,
): void {
  const windowMs = options.windowMs ?? 60_000;
  const exempt = new Set(options.exemptPaths ?? DEFAULT_EXEMPT_PATHS);
  const blockedUntil = new Map<string, number>();
  const addressOf = (request: FastifyRequest) => normalizeIp(request.ip ?? 'unknown');
  // Callback hooks, not async ones: an authenticated request passes both without a promise.
  fastify.addHook('onRequest', (request, reply, done) => {
    const until =
      blockedUntil.size === 0 || exempt.has(pathOf(request.url))
        ? undefined
        : blockedUntil.get(addressOf(request));
    if (until === undefined) return done();
    const left = until - Date.now();
    if (left <= 0) {
      blockedUntil.delete(addressOf(request));
      return done();
    }
    const seconds = Math.ceil(left / 1000);
    // Answered here: the request goes no further (done is not called).
    sendProblem(
      reply,
      problem(429, `Too many requests; retry after ${seconds} s`, { retryAfter: seconds }),
    );
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    done();
    if (reply.statusCode === 401) void countRefused(request);
  });
  const countRefused = async (request: FastifyRequest) => {
    const address = addressOf(request);
    const key = rateKey('remedy:rate:unauthenticated', address);
    const record = await storage.increment(
      key,
      windowMs,
      options.perMinute,
      windowMs,
      'unauthenticated',
    );
    if (!record.isBlocked) return;
    if (blockedUntil.size >= 10_000) {
      const now = Date.now();
      for (const [a, t] of blockedUntil) if (t <= now) blockedUntil.delete(a);
      if (blockedUntil.size >= 10_000) blockedUntil.clear();
    }
    blockedUntil.set(address, Date.now() + record.timeToBlockExpire * 1000);
  };
}

/** Resolves once the client is ready, or after `ms` (then counting fails open until it is). */
function untilReady(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.once('ready', done);
  });
}
