import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Pool } from 'pg';
import { AuthModule, IssuerVerifierList, LocalTokenIssuer, type Role } from '@remedy/auth';
import { configureHttpApp, fastifyOptions, ReadYourWritesInterceptor } from '@remedy/http';
import { PlatformModule } from '@remedy/platform';
import type { ProjectionDefinition } from '@remedy/projections';
import { createTestDatabase, type TestDatabase } from './database';

export interface ApiAppOptions {
  /** Feature modules under test (e.g. CaseCommandsModule). */
  readonly modules: readonly (Type<unknown> | DynamicModule)[];
  /** Projections the test app runs (in process, so reads can wait on them). */
  readonly projections?: readonly ProjectionDefinition[];
  /** Providers to replace, e.g. `[{ provide: CLOCK, useValue: () => fixedDate }]`. */
  readonly overrides?: readonly { provide: unknown; useValue: unknown }[];
  readonly env?: Readonly<Record<string, string>>;
  /** Runs after the HTTP conventions are applied, before `app.init()` (e.g. serving the console). */
  readonly beforeInit?: (app: NestFastifyApplication) => Promise<unknown> | void;
}

export interface TestUser {
  readonly userId: string;
  readonly organisationId: string;
  readonly roles: readonly Role[];
  readonly token: string;
}

export interface ApiApp {
  readonly app: NestFastifyApplication;
  readonly db: TestDatabase;
  /** A pool on the test database, for assertions on raw tables. */
  readonly pool: Pool;
  readonly dataDir: string;
  user(roles: readonly Role[], organisationId?: string): Promise<TestUser>;
  request(user: TestUser | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  post(
    user: TestUser,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  get(
    user: TestUser,
    url: string,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * The API's composition (apps/api/src/api.module.ts) for end-to-end tests: PlatformModule on a
 * fresh migrated database, AuthModule with the local issuer in a temporary REMEDY_DATA_DIR,
 * CqrsModule, read-your-writes, the modules under test, on Fastify with the project's HTTP
 * conventions. Tokens are minted by the same local issuer.
 */
export async function createApiApp(options: ApiAppOptions): Promise<ApiApp> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'remedy-api-'));
  process.env.DATABASE_URL = db.url;
  process.env.REMEDY_DATA_DIR = dataDir;
  process.env.READ_YOUR_WRITES_TIMEOUT_MS = '2000';
  delete process.env.REDIS_URL;
  delete process.env.EVENTSTORE_CONNECTION_STRING;
  delete process.env.REMEDY_MASTER_KEY;
  delete process.env.REMEDY_BLIND_INDEX_KEY;
  for (const [k, v] of Object.entries(options.env ?? {})) process.env[k] = v;

  const projections = options.projections ?? [];

  @Module({
    imports: [
      // Each running projection holds one connection of the pool for as long as it runs.
      PlatformModule.forRoot({
        projections,
        runProjections: projections.length > 0,
        poolSize: 5 + projections.length,
      }),
      AuthModule.forRootAsync({
        useFactory: async () => new IssuerVerifierList([await LocalTokenIssuer.load({ dataDir })]),
      }),
      CqrsModule.forRoot(),
      ...options.modules,
    ],
    providers: [{ provide: APP_INTERCEPTOR, useClass: ReadYourWritesInterceptor }],
  })
  class TestApiModule {}

  let builder = Test.createTestingModule({ imports: [TestApiModule] });
  for (const o of options.overrides ?? [])
    builder = builder.overrideProvider(o.provide).useValue(o.useValue);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    new FastifyAdapter(fastifyOptions()),
    {
      logger: false,
    },
  );
  // The API's rate limiter runs as in production, with a limit no test reaches.
  configureHttpApp(app, { security: { rateLimit: { perMinute: 1_000_000 } } });
  await options.beforeInit?.(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const issuer = await LocalTokenIssuer.load({ dataDir });
  const pool = new Pool({ connectionString: db.url, max: 4 });

  const request = (user: TestUser | undefined, opts: InjectOptions) =>
    app.inject({
      ...opts,
      headers: {
        ...(user ? { authorization: `Bearer ${user.token}` } : {}),
        ...(opts.headers ?? {}),
      },
    }) as Promise<LightMyRequestResponse>;

  return {
    app,
    db,
    pool,
    dataDir,
    async user(roles, organisationId = randomUUID()) {
      const userId = randomUUID();
      const token = await issuer.mintToken({ userId, organisationId, roles });
      return { userId, organisationId, roles, token };
    },
    request,
    post: (user, url, body = {}, headers = {}) =>
      request(user, {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', ...headers },
        payload: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: (user, url, headers = {}) => request(user, { method: 'GET', url, headers }),
    async close() {
      await app.close();
      await pool.end();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
