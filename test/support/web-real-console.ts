import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { LocalTokenIssuer, type Role } from '@remedy/auth';
import { parsePosition } from '@remedy/event-store';
import {
  configureHttpApp,
  fastifyOptions,
  PROJECTION_WAITER,
  type ProjectionWaiter,
} from '@remedy/http';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import type { ApiModule as ApiModuleClass } from '../../apps/api/src/api.module';
import { serveConsole } from '../../apps/api/src/console/serve-console';
import type { INestApplicationContext } from '@nestjs/common';
import { projectAllUntil, setEnvironment, startRealWorker } from '../faults/support/real-api';
import { createTestDatabase, type TestDatabase } from './database';
import type { Browser } from 'playwright-core';
import { builtConsole } from './web-console';
import { logIn, type Language } from './web-session';

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
 * (the worker does): `project(position)` brings the read models up to a command's answer. With
 * `{ worker: true }` the real worker (apps/worker WorkerModule: the projection runners and queue
 * processors) runs beside it on the same database, as `npm start` runs the two on a fresh
 * zero-setup data folder (PostgreSQL only), and `project(position)` waits for the worker instead.
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
  /** An organisation of the directory (registered by a platform administrator), its staff. */
  organisation(
    name: string,
    code: string,
    services?: readonly string[],
  ): Promise<{ organisationId: string; caseworker: ConsoleUser; supervisor: ConsoleUser }>;
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
  options: { worker?: boolean } = {},
): Promise<RealConsole> {
  const directory = await builtConsole();
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), `remedy-${name}-`));
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const environment = {
    DATABASE_URL: db.url,
    REMEDY_DATA_DIR: dataDir,
    PUBLIC_URL: origin,
    AUTH_LOCAL_TOKENS: 'enabled',
    REDIS_URL: undefined,
    EVENTSTORE_CONNECTION_STRING: undefined,
    OIDC_ISSUER: undefined,
    ...env,
  };
  // The worker first, as `npm start` starts it (the API's reads then find the read models made).
  const worker: INestApplicationContext | undefined = options.worker
    ? await startRealWorker(environment)
    : undefined;
  setEnvironment(environment);
  let app: NestFastifyApplication;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ApiModule } = require('../../apps/api/src/api.module') as {
      ApiModule: typeof ApiModuleClass;
    };
    const moduleRef = await Test.createTestingModule({ imports: [ApiModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(
      new FastifyAdapter(fastifyOptions()),
      { logger: false },
    );
    configureHttpApp(app);
    await serveConsole(app, { directory, issuer: `${origin}/oidc`, publicUrl: origin });
    await app.listen({ port, host: '127.0.0.1' });
  } catch (error) {
    // A start that failed (a loaded machine's PostgreSQL out of connections) leaves nothing running.
    await worker?.close().catch(() => undefined);
    await db.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const issuer = await LocalTokenIssuer.load({ dataDir });
  const request = (user: ConsoleUser | undefined, options: InjectOptions) =>
    app.inject({
      ...options,
      headers: {
        ...(user ? { authorization: `Bearer ${user.token}` } : {}),
        ...(options.headers ?? {}),
      },
    }) as Promise<LightMyRequestResponse>;
  const real: RealConsole = {
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
    async project(position) {
      if (!worker) return projectAllUntil(db, position);
      // The worker's read side, as read your writes waits for it (bounded waits, repeated).
      const waiter = app.get<ProjectionWaiter>(PROJECTION_WAITER, { strict: false });
      const names = ALL_PROJECTIONS.map((p) => p.name);
      for (let i = 0; i < 30; i++)
        if (await waiter.waitFor(names, parsePosition(position)!, 2_000)) return;
      throw new Error(`the worker did not project up to ${position}`);
    },
    async organisation(name, code, services = ['Accommodation', 'Psychological']) {
      const registered = await real.send<{ organisationId: string; position: string }>(
        await real.user(['admin']),
        'POST',
        '/organisations',
        { name, type: 'NGO', services, country: 'AT', code },
      );
      await real.project(registered.position);
      const { organisationId } = registered;
      return {
        organisationId,
        caseworker: await real.user(['caseworker'], organisationId),
        supervisor: await real.user(['supervisor'], organisationId),
      };
    },
    async close() {
      await app.close();
      await worker?.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return real;
}

/**
 * A browser context logged in as `user` on `path`, in `locale`'s language (web-session `logIn`).
 */
export async function loggedInAs(
  browser: Browser,
  api: RealConsole,
  user: ConsoleUser,
  locale: string,
  path: string,
) {
  return logIn(browser, api.origin, user, locale.split('-')[0] as Language, path);
}
