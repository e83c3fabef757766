import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loadConfig, type RemedyConfig } from '@remedy/config';
import { ProblemExceptionFilter } from './exception-filter';
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
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimit ?? 256 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bufferLogs: true,
    ...(options.logger === false ? { logger: false } : {}),
  });
  configureHttpApp(app, { ...options, security });
  return app;
}

/** Everything of {@link createHttpApp} but the adapter; call before `app.init()`. */
export function configureHttpApp(app: INestApplication, options: HttpAppOptions = {}): void {
  applySecurityHeaders(app, options.security ?? {});
  if (options.security?.rateLimit) applyRateLimit(app, options.security.rateLimit);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemExceptionFilter());
  // SIGTERM/SIGINT: stop accepting, finish the requests in flight, close the pools, then exit 0
  // (without useProcessExit Nest re-raises the signal: the process dies "by SIGTERM" and a
  // supervisor cannot tell a clean stop from a kill; pino also flushes on exit).
  app.enableShutdownHooks([], { useProcessExit: true });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title ?? 'Remedy API')
      .setDescription(
        'Event-sourced case management for assisting victims of human trafficking. ' +
          'Every route but /health, /health/ready (their status only), /docs and /docs-json needs a bearer token. ' +
          'Metrics and detailed health are on the internal listener (METRICS_HOST, METRICS_PORT), not here.',
      )
      .setVersion('0.1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
