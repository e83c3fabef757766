import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { LocalTokenIssuer, type Role } from '@remedy/auth';
import { configureHttpApp, fastifyOptions } from '@remedy/http';
import type { ApiModule as ApiModuleClass } from '../../apps/api/src/api.module';
import { serveConsole } from '../../apps/api/src/console/serve-console';
import { projectAllUntil, setEnvironment } from '../faults/support/real-api';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { openReadSide, projectionRunner } from '../cases/read/support/case-writer';
import { createTestDatabase, type TestDatabase } from './database';
import type { Browser } from 'playwright-core';
import { watchCspViolations } from './web-browser';
import { builtConsole, consoleCatalogue } from './web-console';
import { StandInProvider } from './web-login';

/** A user of a local-issuer token: who the stand-in provider logs in. */
export interface ConsoleUser {
  readonly userId: string;
  readonly organisationId: string;
  readonly roles: readonly Role[];
  readonly token: string;
}

/**
 * The real API (apps/api ApiModule: every route, the embedded OpenID provider at /oidc, the
 * accounts) serving the built console at `/`, listening on a free port of localhost as
 * `npm start` does, on a fresh test database and data directory; local-issuer tokens enabled
 * (AUTH_LOCAL_TOKENS) so tests can also act through the API directly. The API runs no projection
 * (the worker does): `project(position)` brings the read models up to a command's answer.
 */
export interface RealConsole {
  readonly origin: string;
  readonly app: NestFastifyApplication;
  readonly db: TestDatabase;
  readonly issuer: LocalTokenIssuer;
  user(roles: readonly Role[], organisationId?: string, userId?: string): Promise<ConsoleUser>;
  request(user: ConsoleUser | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** A JSON command; throws unless 2xx; answers the body. */
  send<T = Record<string, unknown>>(
    user: ConsoleUser,
    method: 'POST' | 'PUT',
    url: string,
    body?: object,
  ): Promise<T>;
  project(position: string): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startRealConsole(
  name: string,
  env: Record<string, string | undefined> = {},
  options: {
    /**
     * Run every projection continuously, as the worker does (screens that send commands read
     * their own writes through X-Min-Position, which waits for the projections).
     */
    readonly projections?: boolean;
  } = {},
): Promise<RealConsole> {
  const directory = await builtConsole();
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), `remedy-${name}-`));
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  setEnvironment({
    DATABASE_URL: db.url,
    REMEDY_DATA_DIR: dataDir,
    PUBLIC_URL: origin,
    AUTH_LOCAL_TOKENS: 'enabled',
    REDIS_URL: undefined,
    EVENTSTORE_CONNECTION_STRING: undefined,
    OIDC_ISSUER: undefined,
    ...env,
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ApiModule } = require('../../apps/api/src/api.module') as {
    ApiModule: typeof ApiModuleClass;
  };
  const moduleRef = await Test.createTestingModule({ imports: [ApiModule] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    new FastifyAdapter(fastifyOptions()),
    { logger: false },
  );
  configureHttpApp(app);
  await serveConsole(app, { directory, issuer: `${origin}/oidc`, publicUrl: origin });
  await app.listen({ port, host: '127.0.0.1' });
  const issuer = await LocalTokenIssuer.load({ dataDir });
  const readSide = options.projections ? await openReadSide(db.url, ALL_PROJECTIONS) : undefined;
  const runners = readSide ? ALL_PROJECTIONS.map((p) => projectionRunner(readSide, p)) : [];
  for (const runner of runners) runner.start();
  const request = (user: ConsoleUser | undefined, options: InjectOptions) =>
    app.inject({
      ...options,
      headers: {
        ...(user ? { authorization: `Bearer ${user.token}` } : {}),
        ...(options.headers ?? {}),
      },
    }) as Promise<LightMyRequestResponse>;
  return {
    origin,
    app,
    db,
    issuer,
    async user(roles, organisationId = randomUUID(), userId = randomUUID()) {
      const token = await issuer.mintToken({ userId, organisationId, roles });
      return { userId, organisationId, roles, token };
    },
    request,
    async send(user, method, url, body = {}) {
      const res = await request(user, {
        method,
        url,
        headers: { 'content-type': 'application/json' },
        payload: body,
      });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.json();
    },
    project: (position) => projectAllUntil(db, position),
    async close() {
      await Promise.all(runners.map((runner) => runner.stop()));
      await readSide?.close();
      await app.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A browser context logged in as `user` (the stand-in provider hands out the user's local-issuer
 * token) on `path`, in `locale` (its language is the console's first): the page once the
 * navigation shows. Content-Security-Policy violations are collected in `csp`.
 */
export async function loggedInAs(
  browser: Browser,
  api: RealConsole,
  user: ConsoleUser,
  locale: string,
  path: string,
) {
  const context = await browser.newContext({ locale });
  await new StandInProvider(api.origin, user, async () => user.token).install(context);
  const page = await context.newPage();
  const csp = watchCspViolations(page);
  await page.goto(`${api.origin}${path}`);
  const messages = consoleCatalogue(locale.split('-')[0]!);
  await page.getByRole('button', { name: messages['login.button'] }).click();
  await page.getByRole('navigation', { name: messages['nav.label'] }).waitFor();
  return { context, page, csp };
}
