import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { loadConfig, type RemedyConfig } from '@remedy/config';
import { installContractCheck } from './contract-check';
import { frameworkErrorProblem, ProblemExceptionFilter } from './exception-filter';
import { jsonTooDeep, MAX_JSON_DEPTH, tooDeep } from './input';
import { createOpenApiDocument, optionalProvider } from './openapi';
import { RULE_TITLES, sendProblem, type RuleTitles } from './problem';
import { scopeGlobalInterceptorsToRoutes } from './route-interceptors';
import { applyRateLimit, applySecurityHeaders, type HttpSecurityOptions } from './security';
import { createValidationPipe } from './validation';

export interface HttpAppOptions {
  /** Largest accepted request body, bytes (default 256 KiB; larger: 413). */
  readonly bodyLimit?: number;
  readonly title?: string;
  readonly logger?: false | undefined;
  /**
   * CORS origins and rate limiting. `createHttpApp`: from the settings (CORS_ORIGINS,
   * RATE_LIMIT_PER_MINUTE, REDIS_URL) unless given. `configureHttpApp`: only what is given
   * (CORS closed, no rate limit otherwise). Security headers and `no-store` are always on.
   */
  readonly security?: HttpSecurityOptions;
}

/** Largest request body by default, bytes. */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

/**
 * Longest path parameter the router matches (Fastify's default is 100, above which it answers
 * its own 414 quoting the URL before any hook, so before authentication). 16 KiB is Node's whole
 * request head: any URL an HTTP client can send matches its route, and the answers keep their
 * order (401, then 404 for an id that is no id). Longer ones (only in-process injection) get the
 * problem shape through `frameworkErrors`.
 */
export const MAX_PARAM_LENGTH = 16 * 1024;

/**
 * The Fastify options of every Remedy app (`createHttpApp`, and tests that build the adapter
 * themselves): body limit, router parameter length, and the router's own errors (malformed
 * URL, over-long parameter) answered in the problem shape without quoting the URL.
 */
export function fastifyOptions(
  options: Pick<HttpAppOptions, 'bodyLimit'> = {},
): FastifyServerOptions {
  return {
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      void reply.headers({
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      });
      sendProblem(reply, frameworkErrorProblem(error));
    },
  };
}

/** The security options the settings ask for. */
export function securityFromConfig(
  config: Pick<RemedyConfig, 'corsOrigins' | 'rateLimitPerMinute' | 'redisUrl'>,
): HttpSecurityOptions {
  return {
    corsOrigins: config.corsOrigins,
    rateLimit: { perMinute: config.rateLimitPerMinute, redisUrl: config.redisUrl },
  };
}

/**
 * The HTTP application on Fastify with the project's conventions: validation (400 naming
 * fields), one error shape, OpenAPI at /docs and /docs-json, shutdown hooks, a body limit,
 * security headers, `Cache-Control: no-store`, CORS for the configured origins only and rate
 * limiting per user (see `security.ts`).
 */
export async function createHttpApp(
  rootModule: Type<unknown>,
  options: HttpAppOptions = {},
): Promise<NestFastifyApplication> {
  const security =
    options.security ?? securityFromConfig(loadConfig(process.env, { requireDatabase: false }));
  const adapter = new FastifyAdapter(fastifyOptions(options));
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bufferLogs: true,
    ...(options.logger === false ? { logger: false } : {}),
  });
  configureHttpApp(app, { ...options, security });
  return app;
}

/** Everything of {@link createHttpApp} but the adapter; call before `app.init()`. */
export function configureHttpApp(app: INestApplication, options: HttpAppOptions = {}): void {
  // Global interceptors that do nothing on a route are left out of it (e.g. GET /session: none).
  scopeGlobalInterceptorsToRoutes();
  installContractCheck(app.getHttpAdapter().getInstance() as FastifyInstance);
  applySecurityHeaders(app, options.security ?? {});
  if (options.security?.rateLimit) applyRateLimit(app, options.security.rateLimit);
  useDepthLimitedJson(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemExceptionFilter(optionalProvider<RuleTitles>(app, RULE_TITLES)));
  // SIGTERM/SIGINT: stop accepting, finish the requests in flight, close the pools, then exit 0
  // (without useProcessExit Nest re-raises the signal: the process dies "by SIGTERM" and a
  // supervisor cannot tell a clean stop from a kill; pino also flushes on exit).
  app.enableShutdownHooks([], { useProcessExit: true });
  const exempt = options.security?.rateLimit ? options.security.rateLimit.exemptPaths : undefined;
  const document = createOpenApiDocument(app, {
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(exempt ? { rateLimitExempt: exempt } : {}),
  });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/**
 * `application/json` bodies: nesting deeper than {@link MAX_JSON_DEPTH} is refused (400) on the
 * raw bytes, before JSON.parse and anything recursive after it; then Fastify's own parser
 * (secure-json-parse: `__proto__` / `constructor` refused). secure-json-parse has no depth
 * option, hence the one-pass scan (`jsonTooDeep`). Fastify only.
 */
function useDepthLimitedJson(app: INestApplication): void {
  if (app.getHttpAdapter().getType() !== 'fastify') return;
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const parse = fastify.getDefaultJsonParser('error', 'error');
  (app.getHttpAdapter() as FastifyAdapter).useBodyParser(
    'application/json',
    false,
    { bodyLimit: fastify.initialConfig.bodyLimit },
    (request, body, done) => {
      if (jsonTooDeep(body)) return done(tooDeep(MAX_JSON_DEPTH), undefined);
      parse(request, body as unknown as string, done);
    },
  );
}
