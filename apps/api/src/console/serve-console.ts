import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { repoRoot } from '@remedy/config';
import { consoleCsp } from '@remedy/http';

/** Where `npm run build` writes the console (apps/web/vite.config.ts). */
export const CONSOLE_BUILD_DIR = join(repoRoot(), 'dist', 'web');

/**
 * The console's client routes (apps/web/src/router.tsx): a reload or a link opened there gets
 * index.html. None is a path of the API (test/web/console-serving.spec.ts checks the OpenAPI
 * document), so the history fallback never shadows an API route: the console's screens live under
 * `/console/`, plus `/` and the login's `/callback` (the OpenID redirect URI).
 */
export const CONSOLE_CLIENT_ROUTES = ['/callback', '/console', '/console/*'] as const;

/** Hashed file names (Vite: `name-<hash>.js`) live under /assets and never change. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface ServeConsoleOptions {
  /** The built console (default dist/web). */
  readonly directory?: string;
  /** The OpenID provider's origin when it is not this one (OIDC_ISSUER): the CSP lets fetches go there. */
  readonly issuer?: string | undefined;
  readonly publicUrl?: string;
}

/**
 * Serves the built console at `/` (its files, the history fallback of its client routes) with the
 * console's Content-Security-Policy, a year's cache for hashed assets and revalidation for
 * index.html. Everything else keeps the API's headers (`default-src 'none'`, `no-store`): the
 * routes are registered in their own Fastify context, so the hook below sees only them.
 * Returns false (and says so in the log) when the console was not built: the API serves alone.
 * Call before `app.init()` / `listen`.
 */
export async function serveConsole(
  app: NestFastifyApplication,
  options: ServeConsoleOptions = {},
): Promise<boolean> {
  const directory = options.directory ?? CONSOLE_BUILD_DIR;
  const logger = new Logger('Console');
  if (!existsSync(join(directory, 'index.html'))) {
    logger.warn(
      `the web console is not built (${join(directory, 'index.html')} missing; \`npm run build\` builds it): serving the API only`,
    );
    return false;
  }
  const csp = consoleCsp(otherOrigins(options.issuer, options.publicUrl));
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  await fastify.register(async (instance: FastifyInstance) => {
    instance.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
      void reply.header('content-security-policy', csp);
      const path = (request.url ?? '').split('?')[0]!;
      const hashed = path.startsWith('/assets/') && reply.statusCode === 200;
      void reply.header('cache-control', hashed ? IMMUTABLE : 'no-cache');
      return payload;
    });
    await instance.register(fastifyStatic, {
      root: directory,
      prefix: '/',
      // One route per file found now (the build is immutable while the API runs): no wildcard,
      // so nothing of the API's path space is taken but the console's own files.
      wildcard: false,
      index: ['index.html'],
      // `<file>.gz` written by the build (scripts/console-size.mjs) when the browser accepts gzip.
      preCompressed: true,
      cacheControl: false,
      serveDotFiles: false,
      globIgnore: ['**/.*', '**/*.gz', '**/.vite/**'],
    });
    const index = (_request: FastifyRequest, reply: FastifyReply) =>
      reply.type('text/html; charset=utf-8').sendFile('index.html');
    for (const path of CONSOLE_CLIENT_ROUTES) instance.get(path, index);
  });
  logger.log(`the web console is served at / from ${directory}`);
  return true;
}

/** The issuer's origin when it is not the console's own. */
function otherOrigins(issuer: string | undefined, publicUrl: string | undefined): string[] {
  if (!issuer) return [];
  const origin = new URL(issuer).origin;
  return publicUrl && new URL(publicUrl).origin === origin ? [] : [origin];
}
