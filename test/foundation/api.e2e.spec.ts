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
import { MetricsModule } from '@remedy/observability';
import { InternalListenerModule, PlatformModule } from '@remedy/platform';
import { freePort } from '../faults/support/processes';
import { HealthController } from '../../apps/api/src/health/health.controller';
import { createTestDatabase, TestDatabase } from '../support/database';
import { collectRoutes, concreteUrl, RouteInfo } from '../support/routes';
import {
  COUNTED,
  counterProjection,
  counterTableSql,
} from '../projections/support/counter-projection';

/**
 * The foundation end to end: identity on every route but the public list, health (the status on
 * the public port, the details on the internal listener), OpenAPI, and read-your-writes through
 * X-Min-Position against a real projection runner (no sleeps).
 */
const PUBLIC_ROUTES = ['/health', '/health/ready', '/docs', '/docs-json'];
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

/** The internal listener's /health body (HealthReport of @remedy/platform), as far as read here. */
type HealthDetails = Record<string, { status: string; head?: string }> & {
  projections: { name: string }[];
};

describe('API foundation (Fastify, local issuer, read your writes)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let app: NestFastifyApplication;
  let issuer: LocalTokenIssuer;
  let token: string;
  let routes: RouteInfo[];
  let internalUrl: string;

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
    const metricsPort = await freePort();
    process.env.METRICS_PORT = String(metricsPort);
    internalUrl = `http://127.0.0.1:${metricsPort}`;

    @Module({
      imports: [
        PlatformModule.forRoot({ projections: [projection], runProjections: true }),
        AuthModule.forRootAsync({
          useFactory: async () =>
            new IssuerVerifierList([await LocalTokenIssuer.load({ dataDir })]),
        }),
        MetricsModule.forRoot({ app: 'api', defaultMetrics: false }),
        InternalListenerModule.forRoot({ app: 'api' }),
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

  it('answers anonymous /health and /health/ready with the status only, and /metrics with 404', async () => {
    for (const url of ['/health', '/health/ready']) {
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
      expect(res.body).not.toMatch(/postgres|head|position|projection|kind/);
    }
    // Not a route at all: the same 404 as any unknown path, with or without a token.
    const metrics = await get('/metrics');
    expect(metrics.statusCode).toBe(404);
    expect(metrics.body).not.toContain('remedy_');
    expect((await get('/metrics', { authorization: `Bearer ${token}` })).statusCode).toBe(404);
    const unknown = await get(`/no-such-path-${randomUUID()}`);
    expect([metrics.statusCode, metrics.headers['content-type']]).toEqual([
      unknown.statusCode,
      unknown.headers['content-type'],
    ]);
  });

  it('serves every dependency and projection on the internal listener, bound to 127.0.0.1', async () => {
    const res = await fetch(`${internalUrl}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as HealthDetails;
    expect(body.status).toBe('ok');
    expect(body.database.status).toBe('up');
    expect(body.eventStore).toMatchObject({ status: 'up', kind: 'postgres' });
    expect(body.eventStore.head).toEqual(expect.any(String));
    expect(body.queue).toMatchObject({ status: 'up', kind: 'postgres' });
    expect(body.projections.map((p: { name: string }) => p.name)).toEqual(['test.counters']);
    expect((await fetch(`${internalUrl}/health/ready`)).status).toBe(200);
    const scrape = await fetch(`${internalUrl}/metrics`);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toMatch(/remedy_http_requests_total\{[^}]*route="\/health"/);
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
    expect(late.json().detail).toMatch(/not yet reached/);
    const bad = await get('/counters', {
      authorization: `Bearer ${token}`,
      'x-min-position': 'yesterday',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields[0].name).toBe('x-min-position');
  });

  // Last: it takes the database away from the running app.
  it('answers 503 on /health/ready (details on the internal listener only) when the database is gone', async () => {
    await db.drop({ immediately: true }); // DROP DATABASE ... WITH (FORCE): every connection of the app is cut
    const ready = await get('/health/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'error' });
    const health = await get('/health');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'degraded' });
    const details = await fetch(`${internalUrl}/health/ready`);
    expect(details.status).toBe(503);
    const body = (await details.json()) as HealthDetails;
    expect(body.database.status).toBe('down');
    expect(body.eventStore.status).toBe('down');
  });
});
