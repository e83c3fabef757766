import { randomUUID } from 'node:crypto';
import {
  CanActivate,
  Controller,
  ForbiddenException,
  Get,
  Module,
  Param,
  ParseUUIDPipe,
  UseGuards,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PostgresEventStore, WrongExpectedVersionError, type NewEvent } from '@remedy/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { withAppendMetrics } from './append-metrics';
import { createMetrics, type Metrics, type ProjectionStatus, type QueueDepth } from './metrics';
import { METRICS, MetricsModule, QUEUE_DEPTH_SOURCE } from './metrics.module';
import { serveInternal, type InternalListener } from './internal-listener';

interface Series {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parses the Prometheus text exposition format (no escaped quotes in our label values). */
function parseExposition(text: string): Series[] {
  const series: Series[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`Unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g))
      labels[pair[1]] = pair[2];
    series.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return series;
}

function find(series: Series[], name: string, labels: Record<string, string>): Series[] {
  return series.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

function value(series: Series[], name: string, labels: Record<string, string>): number | undefined {
  const found = find(series, name, labels);
  if (found.length > 1)
    throw new Error(`${found.length} series match ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

class DenyGuard implements CanActivate {
  canActivate(): boolean {
    throw new ForbiddenException();
  }
}

@Controller()
class CasesController {
  @Get('cases/:caseId')
  get(@Param('caseId', ParseUUIDPipe) caseId: string) {
    return { caseId };
  }

  @Get('admin')
  @UseGuards(DenyGuard)
  admin() {
    return { never: true };
  }
}

let projections: ProjectionStatus[] = [];
let projectionCalls = 0;
const queues: QueueDepth[] = [
  { queue: 'notifications', state: 'waiting', count: 5 },
  { queue: 'notifications', state: 'failed', count: 1 },
  { queue: 'exports', state: 'active', count: 2 },
];

/** Provides the queue-depth source under its token, as a queue module of the app would. */
@Module({
  providers: [{ provide: QUEUE_DEPTH_SOURCE, useValue: async () => queues }],
  exports: [QUEUE_DEPTH_SOURCE],
})
class FakeQueueSourceModule {}

@Module({
  imports: [
    MetricsModule.forRootAsync({
      imports: [FakeQueueSourceModule],
      useFactory: () => ({
        app: 'test',
        projectionStatus: async () => {
          projectionCalls++;
          return projections;
        },
      }),
    }),
  ],
  controllers: [CasesController],
})
class TestAppModule {}

describe('MetricsModule on Fastify', () => {
  let app: NestFastifyApplication;
  let internal: InternalListener;
  let baseUrl: string;
  const get = (path: string) => fetch(baseUrl + path);
  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${internal.port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    return { text, series: parseExposition(text) };
  };

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(TestAppModule, new FastifyAdapter(), {
      logger: false,
      abortOnError: false,
    });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
    internal = await serveInternal({ metrics: app.get<Metrics>(METRICS), port: 0 });
  });
  afterAll(async () => {
    await internal?.close();
    await app.close();
  });

  it('counts requests and their latency by method, route template and status code, 4xx from pipes, guards and 404s included', async () => {
    const ids = [randomUUID(), randomUUID()];
    expect((await get(`/cases/${ids[0]}`)).status).toBe(200);
    expect((await get(`/cases/${ids[1]}?q=1`)).status).toBe(200);
    expect((await get('/cases/not-a-uuid')).status).toBe(400);
    expect((await get('/admin')).status).toBe(403);
    expect((await get(`/nowhere/${ids[0]}`)).status).toBe(404);

    const { text, series } = await scrape();
    const ok = { method: 'GET', route: '/cases/:caseId', app: 'test' };
    expect(value(series, 'remedy_http_requests_total', { ...ok, status_code: '200' })).toBe(2);
    expect(value(series, 'remedy_http_requests_total', { ...ok, status_code: '400' })).toBe(1);
    expect(
      value(series, 'remedy_http_requests_total', {
        method: 'GET',
        route: '/admin',
        status_code: '403',
      }),
    ).toBe(1);
    expect(
      value(series, 'remedy_http_requests_total', {
        method: 'GET',
        route: 'unmatched',
        status_code: '404',
      }),
    ).toBe(1);
    expect(
      value(series, 'remedy_http_request_duration_seconds_count', { ...ok, status_code: '200' }),
    ).toBe(2);
    expect(
      value(series, 'remedy_http_request_duration_seconds_bucket', {
        ...ok,
        status_code: '200',
        le: '+Inf',
      }),
    ).toBe(2);
    expect(
      value(series, 'remedy_http_request_duration_seconds_sum', { ...ok, status_code: '200' }),
    ).toBeGreaterThan(0);

    // No raw URLs, ids or query strings in any label.
    for (const id of ids) expect(text).not.toContain(id);
    expect(text).not.toContain('not-a-uuid');
    expect(text).not.toContain('/nowhere');
    expect(text).not.toContain('q=1');
  });

  it('shows the projection lag and queue depths the injected sources return at each scrape', async () => {
    projections = [
      { name: 'case_list', lagEvents: 42, lagSeconds: 3.5 },
      { name: 'statistics', lagEvents: 0, lagSeconds: 0 },
    ];
    const callsBefore = projectionCalls;
    let { series } = await scrape();
    expect(projectionCalls).toBe(callsBefore + 1); // one call per scrape for both lag gauges
    expect(value(series, 'remedy_projection_lag_events', { projection: 'case_list' })).toBe(42);
    expect(value(series, 'remedy_projection_lag_seconds', { projection: 'case_list' })).toBe(3.5);
    expect(value(series, 'remedy_projection_lag_events', { projection: 'statistics' })).toBe(0);
    expect(value(series, 'remedy_queue_jobs', { queue: 'notifications', state: 'waiting' })).toBe(
      5,
    );
    expect(value(series, 'remedy_queue_jobs', { queue: 'notifications', state: 'failed' })).toBe(1);
    expect(value(series, 'remedy_queue_jobs', { queue: 'exports', state: 'active' })).toBe(2);

    projections = [{ name: 'case_list', lagEvents: 7, lagSeconds: 0.25 }];
    ({ series } = await scrape());
    expect(value(series, 'remedy_projection_lag_events', { projection: 'case_list' })).toBe(7);
    expect(value(series, 'remedy_projection_lag_seconds', { projection: 'case_list' })).toBe(0.25);
    // a projection the source no longer reports is gone, not frozen at its last value
    expect(find(series, 'remedy_projection_lag_events', { projection: 'statistics' })).toEqual([]);
  });

  it('counts failed jobs by queue through the injected METRICS, and serves default process metrics', async () => {
    const metrics = app.get<Metrics>(METRICS);
    metrics.recordJobFailed('notifications');
    metrics.recordJobFailed('notifications');
    metrics.recordJobFailed('exports');
    const { series } = await scrape();
    expect(value(series, 'remedy_jobs_failed_total', { queue: 'notifications' })).toBe(2);
    expect(value(series, 'remedy_jobs_failed_total', { queue: 'exports' })).toBe(1);
    expect(value(series, 'process_cpu_user_seconds_total', {})).toBeGreaterThan(0);
    expect(value(series, 'nodejs_heap_size_used_bytes', {})).toBeGreaterThan(0);
  });

  it("adds no route to the app's own port: GET /metrics there is an unknown path (404)", async () => {
    const response = await get('/metrics');
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('remedy_');
  });
});

describe('createMetrics', () => {
  it('keeps a registry per instance: two instances count independently', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.recordJobFailed('q');
    const sa = parseExposition(await a.scrape());
    const sb = parseExposition(await b.scrape());
    expect(value(sa, 'remedy_jobs_failed_total', { queue: 'q' })).toBe(1);
    expect(value(sb, 'remedy_jobs_failed_total', { queue: 'q' })).toBeUndefined();
  });

  it('still answers a scrape when a source fails: its gauges are absent and the failure is counted', async () => {
    const metrics = createMetrics({
      defaultMetrics: false,
      projectionStatus: async () => {
        throw new Error('database unreachable');
      },
      queueDepths: async () => [{ queue: 'exports', state: 'waiting', count: 3 }],
    });
    const series = parseExposition(await metrics.scrape());
    expect(find(series, 'remedy_projection_lag_events', {})).toEqual([]);
    expect(value(series, 'remedy_metrics_source_errors_total', { source: 'projections' })).toBe(1);
    expect(value(series, 'remedy_queue_jobs', { queue: 'exports', state: 'waiting' })).toBe(3);
  });

  it('never puts a value that is not a code identifier into a label', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.recordAppend(['CaseOpened', 'jane.doe@example.org', 'Note for Jane Doe']);
    metrics.recordHttpRequest('BREW', '/cases/:caseId', 200, 0.01);
    const text = await metrics.scrape();
    expect(text).not.toContain('example.org');
    expect(text).not.toContain('Jane');
    const series = parseExposition(text);
    expect(value(series, 'remedy_events_appended_total', { type: 'CaseOpened' })).toBe(1);
    expect(value(series, 'remedy_events_appended_total', { type: 'other' })).toBe(2);
    expect(value(series, 'remedy_http_requests_total', { method: 'OTHER' })).toBe(1);
  });

  it('serves a registry on a port of its own (apps without HTTP)', async () => {
    const metrics = createMetrics({ defaultMetrics: false, app: 'worker' });
    metrics.recordJobFailed('exports');
    const server = await serveInternal({ metrics, port: 0 });
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(response.status).toBe(200);
      const series = parseExposition(await response.text());
      expect(value(series, 'remedy_jobs_failed_total', { queue: 'exports', app: 'worker' })).toBe(
        1,
      );
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('withAppendMetrics on the PostgreSQL event store', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ connectionString: db.url, poolSize: 2 });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  const event = (type: string): NewEvent => ({
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data: { code: 'x' },
    metadata: { correlationId: randomUUID(), userId: randomUUID(), organisationId: randomUUID() },
    occurredAt: new Date(),
  });

  it('counts appended events by type, and failed appends by reason, passing reads through', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const counted = withAppendMetrics(store, metrics);
    const streamId = `case-${randomUUID()}`;

    await counted.append(
      streamId,
      [event('CaseOpened'), event('NoteAdded'), event('NoteAdded')],
      'no_stream',
    );
    await counted.append(streamId, [event('NoteAdded')], 2n);
    await expect(
      counted.append(streamId, [event('CaseClosed')], 'no_stream'),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);

    const recorded = await counted.readStream(streamId);
    expect(recorded.map((e) => e.type)).toEqual([
      'CaseOpened',
      'NoteAdded',
      'NoteAdded',
      'NoteAdded',
    ]);

    const text = await metrics.scrape();
    expect(text).not.toContain(streamId);
    const series = parseExposition(text);
    expect(value(series, 'remedy_events_appended_total', { type: 'CaseOpened' })).toBe(1);
    expect(value(series, 'remedy_events_appended_total', { type: 'NoteAdded' })).toBe(3);
    expect(value(series, 'remedy_events_appended_total', { type: 'CaseClosed' })).toBeUndefined();
    expect(
      value(series, 'remedy_event_append_failures_total', { reason: 'wrong_expected_version' }),
    ).toBe(1);
  });
});
