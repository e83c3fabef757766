import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AuthModule, IssuerVerifierList, LocalTokenIssuer } from '@remedy/auth';
import { EVENT_STORE, EventStore, formatPosition } from '@remedy/event-store';
import { configureHttpApp, ReadsProjections, ReadYourWritesInterceptor } from '@remedy/http';
import { PlatformModule } from '@remedy/platform';
import { HealthController } from '../../apps/api/src/health/health.controller';
import { createTestDatabase, TestDatabase } from '../support/database';
import { collectRoutes, concreteUrl, RouteInfo } from '../support/routes';
import {
  COUNTED,
  counterProjection,
  counterTableSql,
} from '../projections/support/counter-projection';

/**
 * The foundation end to end: identity on every route but the public list, health, OpenAPI, and
 * read-your-writes through X-Min-Position against a real projection runner (no sleeps).
 */
const PUBLIC_ROUTES = ['/health', '/health/ready', '/docs', '/docs-json', '/metrics'];
const projection = counterProjection({ name: 'test.counters', table: 'test_counters' });

@Controller('counters')
class CountersController {
  constructor(private readonly ds: DataSource) {}
  @Get()
  @ReadsProjections('test.counters')
  async list() {
    return this.ds.query('SELECT stream_id, events FROM test_counters ORDER BY stream_id');
  }
}

describe('API foundation (Fastify, local issuer, read your writes)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let app: NestFastifyApplication;
  let issuer: LocalTokenIssuer;
  let token: string;
  let routes: RouteInfo[];

  beforeAll(async () => {
    db = await createTestDatabase();
    const { Client } = await import('pg');
    const c = new Client({ connectionString: db.url });
    await c.connect();
    await c.query(counterTableSql('test_counters'));
    await c.end();
    dataDir = mkdtempSync(join(tmpdir(), 'remedy-api-'));
    process.env.DATABASE_URL = db.url;
    process.env.REMEDY_DATA_DIR = dataDir;
    process.env.READ_YOUR_WRITES_TIMEOUT_MS = '2000';
    delete process.env.REDIS_URL;
    delete process.env.EVENTSTORE_CONNECTION_STRING;

    @Module({
      imports: [
        PlatformModule.forRoot({ projections: [projection], runProjections: true }),
        AuthModule.forRootAsync({
          useFactory: async () =>
            new IssuerVerifierList([await LocalTokenIssuer.load({ dataDir })]),
        }),
      ],
      controllers: [CountersController],
      providers: [{ provide: APP_INTERCEPTOR, useClass: ReadYourWritesInterceptor }],
    })
    class TestApiModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [TestApiModule],
      controllers: [HealthController],
    }).compile();
    const adapter = new FastifyAdapter();
    routes = collectRoutes(adapter);
    app = moduleRef.createNestApplication<NestFastifyApplication>(adapter, { logger: false });
    configureHttpApp(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    issuer = await LocalTokenIssuer.load({ dataDir });
    token = await issuer.mintToken({
      userId: randomUUID(),
      organisationId: randomUUID(),
      roles: ['caseworker'],
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers });

  it('serves /health with every dependency and projection, and /health/ready', async () => {
    const res = await get('/health');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.database.status).toBe('up');
    expect(body.eventStore).toMatchObject({ status: 'up', kind: 'postgres' });
    expect(body.queue).toMatchObject({ status: 'up', kind: 'postgres' });
    expect(body.projections.map((p: { name: string }) => p.name)).toEqual(['test.counters']);
    expect((await get('/health/ready')).statusCode).toBe(200);
  });

  it('serves the OpenAPI document without a token', async () => {
    const res = await get('/docs-json');
    expect(res.statusCode).toBe(200);
    expect(res.json().paths).toHaveProperty('/counters');
  });

  it('requires a valid bearer token on every route outside the public list', async () => {
    const isPublic = (url: string) =>
      PUBLIC_ROUTES.some((p) => url === p || url.startsWith('/docs'));
    const guarded = routes.filter((r) => !isPublic(r.url));
    expect(guarded.map((r) => r.url)).toContain('/counters');
    for (const route of guarded) {
      const url = concreteUrl(route.url, randomUUID());
      const method = route.method as 'GET';
      expect((await app.inject({ method, url })).statusCode).toBe(401);
      expect(
        (await app.inject({ method, url, headers: { authorization: 'Bearer not.a.token' } }))
          .statusCode,
      ).toBe(401);
    }
    const other = await LocalTokenIssuer.load({
      dataDir: mkdtempSync(join(tmpdir(), 'remedy-other-')),
    });
    const forged = await other.mintToken({
      userId: randomUUID(),
      organisationId: randomUUID(),
      roles: ['admin'],
    });
    expect((await get('/counters', { authorization: `Bearer ${forged}` })).statusCode).toBe(401);
    expect((await get('/counters', { authorization: `Bearer ${token}` })).statusCode).toBe(200);
  });

  it('waits for the projection to reach the position a write produced (read your writes)', async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    const streamId = `counter-${randomUUID()}`;
    const result = await store.append(
      streamId,
      [
        {
          id: randomUUID(),
          type: COUNTED,
          schemaVersion: 1,
          data: { amount: 3 },
          metadata: {
            correlationId: randomUUID(),
            userId: randomUUID(),
            organisationId: randomUUID(),
          },
          occurredAt: new Date(),
        },
      ],
      'no_stream',
    );
    const res = await get('/counters', {
      authorization: `Bearer ${token}`,
      'x-min-position': formatPosition(result.position),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toContainEqual({ stream_id: streamId, events: 1 });
  });

  it('answers 503 when the projection cannot reach the position in time, and 400 for a bad position', async () => {
    const far = { commit: 9_000_000_000n, prepare: 1n };
    const late = await get('/counters', {
      authorization: `Bearer ${token}`,
      'x-min-position': formatPosition(far),
    });
    expect(late.statusCode).toBe(503);
    expect(late.json().message).toMatch(/not yet reached/);
    const bad = await get('/counters', {
      authorization: `Bearer ${token}`,
      'x-min-position': 'yesterday',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields[0].field).toBe('x-min-position');
  });

  // Last: it takes the database away from the running app.
  it('answers 503 on /health/ready (and details on /health) when the database is gone', async () => {
    await db.drop({ immediately: true }); // DROP DATABASE ... WITH (FORCE): every connection of the app is cut
    const ready = await get('/health/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.json().database.status).toBe('down');
    expect(ready.json().eventStore.status).toBe('down');
    const health = await get('/health');
    expect(health.statusCode).toBe(200);
    expect(health.json().status).toBe('degraded');
  });
});
