import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Pool } from 'pg';
import { LocalTokenIssuer, type Role } from '@remedy/auth';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { parsePosition } from '@remedy/event-store';
import { configureHttpApp, fastifyOptions } from '@remedy/http';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import type { ApiModule as ApiModuleClass } from '../../../apps/api/src/api.module';
import type { WorkerModule as WorkerModuleClass } from '../../../apps/worker/src/worker.module';
import { catchUp, openReadSide, START_POSITION } from '../../cases/read/support/case-writer';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { perSuite } from '../../support/per-suite';
import { collectRoutes, type RouteInfo } from '../../support/routes';

export interface RealApi {
  readonly app: NestFastifyApplication;
  /** Every route the app registered (from Fastify's onRoute hook). */
  readonly routes: readonly RouteInfo[];
  readonly issuer: LocalTokenIssuer;
  token(roles: readonly Role[], organisationId?: string): Promise<string>;
  /** app.inject with an optional bearer token. */
  request(token: string | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** POST of a JSON body with an optional bearer token. */
  post(token: string | undefined, url: string, body: object): Promise<LightMyRequestResponse>;
  /** GET on the API's internal listener (metrics, health details); needs METRICS_PORT in env. */
  internal(path: string): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The real API composition (apps/api's ApiModule) in this process, on Fastify with the body limit
 * and conventions of `createHttpApp`. The environment must name its database (DATABASE_URL) and
 * data directory (REMEDY_DATA_DIR) before the call: ApiModule validates the configuration when it
 * is declared, so it is required only here.
 */
export async function startRealApi(env: Record<string, string | undefined>): Promise<RealApi> {
  setEnvironment(env);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ApiModule } = require('../../../apps/api/src/api.module') as {
    ApiModule: typeof ApiModuleClass;
  };
  const moduleRef = await Test.createTestingModule({ imports: [ApiModule] }).compile();
  const adapter = new FastifyAdapter(fastifyOptions());
  const routes = collectRoutes(adapter);
  const app = moduleRef.createNestApplication<NestFastifyApplication>(adapter, { logger: false });
  configureHttpApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const issuer = await LocalTokenIssuer.load({ dataDir: process.env.REMEDY_DATA_DIR! });
  const { host, apiPort } = app.get<RemedyConfig>(REMEDY_CONFIG).internalListener;
  const request = (token: string | undefined, options: InjectOptions) =>
    app.inject({
      ...options,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(options.headers ?? {}),
      },
    }) as Promise<LightMyRequestResponse>;
  return {
    app,
    routes,
    issuer,
    token: (roles, organisationId = randomUUID()) =>
      issuer.mintToken({ userId: randomUUID(), organisationId, roles }),
    request,
    post: (token, url, body) =>
      request(token, {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: body,
      }),
    internal: (path) => {
      if (apiPort === null)
        throw new Error('startRealApi: set METRICS_PORT to reach the internal listener');
      return fetch(`http://${host}:${apiPort}${path}`);
    },
    close: () => app.close(),
  };
}

/** Sets (or, for `undefined`, deletes) the environment variables named; LOG_LEVEL is `silent` unless set. */
export function setEnvironment(env: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.env.LOG_LEVEL ??= 'silent';
}

/**
 * The real worker composition (apps/worker's WorkerModule) in this process, as `npm start` runs
 * it; the environment as for `startRealApi`.
 */
export async function startRealWorker(
  env: Record<string, string | undefined>,
): Promise<INestApplicationContext> {
  setEnvironment(env);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { WorkerModule } = require('../../../apps/worker/src/worker.module') as {
    WorkerModule: typeof WorkerModuleClass;
  };
  const worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
  await worker.init();
  return worker;
}

/** The real API with a test database and a data directory of its own. */
export interface RealApiOnTestDatabase {
  readonly api: RealApi;
  readonly db: TestDatabase;
  readonly dataDir: string;
  /** A pool on the test database, for assertions on raw tables. */
  readonly pool: Pool;
  /** The real worker composition, when asked for (`{ worker: true }`). */
  readonly worker?: INestApplicationContext;
  /** Closes the API, the worker and the pool, drops the database and removes the data directory. */
  close(): Promise<void>;
}

/**
 * `startRealApi` on a fresh migrated test database and a fresh data directory (named after
 * `name`); `env` is the rest of the environment the test runs the API in. With `{ worker: true }`
 * the real worker composition starts first, on the same database and environment: the whole
 * system as `npm start` runs it.
 */
export async function startRealApiOnTestDatabase(
  name: string,
  env: Record<string, string | undefined>,
  options: { worker?: boolean } = {},
): Promise<RealApiOnTestDatabase> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), `remedy-${name}-`));
  const environment = { DATABASE_URL: db.url, REMEDY_DATA_DIR: dataDir, ...env };
  const worker = options.worker ? await startRealWorker(environment) : undefined;
  const api = await startRealApi(environment);
  const pool = new Pool({ connectionString: db.url, max: 2 });
  return {
    api,
    db,
    dataDir,
    pool,
    worker,
    async close() {
      await api.close();
      await worker?.close();
      await pool.end();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** How long a start of the real API (and worker) may take on a loaded machine. */
const START_TIMEOUT_MS = 120_000;

/**
 * `startRealApiOnTestDatabase` for the enclosing describe block (started in its beforeAll, closed
 * in its afterAll), on PostgreSQL alone (no Redis, no EventStoreDB) unless `env` names them.
 */
export const realApiPerSuite = (
  name: string,
  env: Record<string, string | undefined> = {},
  options: { worker?: boolean } = {},
) =>
  perSuite(
    () =>
      startRealApiOnTestDatabase(
        name,
        { REDIS_URL: undefined, EVENTSTORE_CONNECTION_STRING: undefined, ...env },
        options,
      ),
    START_TIMEOUT_MS,
  );

/**
 * Brings every read model (ALL_PROJECTIONS) of the test database up to `position` (as a command
 * answered it): the real API runs no projection (the worker does).
 */
export async function projectAllUntil(db: TestDatabase, position: string): Promise<void> {
  const until = parsePosition(position)!;
  const readSide = await openReadSide(db.url, ALL_PROJECTIONS);
  try {
    for (const projection of ALL_PROJECTIONS)
      await catchUp(readSide.ds, readSide.store, projection, START_POSITION, 100, until);
  } finally {
    await readSide.close();
  }
}

export const OPEN_CASE_BODY = {
  referralSource: 'Hotline',
  profile: { sexGender: 'Masculine', ageUncertain: false, citizenships: ['UA'], languages: ['uk'] },
  personal: { fullName: 'Fault Test Person', birthDate: '1990-04-02' },
};

/** Registers an organisation (as an administrator) and returns its id; throws unless 201. */
export async function registerOrganisation(api: RealApi, code: string): Promise<string> {
  const res = await api.post(await api.token(['admin']), '/organisations', {
    name: `Organisation ${code}`,
    type: 'NGO',
    services: ['Accommodation'],
    country: 'AT',
    code,
  });
  if (res.statusCode !== 201)
    throw new Error(`register organisation: ${res.statusCode} ${res.body}`);
  return (res.json() as { organisationId: string }).organisationId;
}
