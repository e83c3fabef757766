import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One projection's distance behind the event store, as its runner reports it. */
export interface ProjectionStatus {
  /** The projection's stable name (a code identifier, never an id). */
  readonly name: string;
  /** Events in the store after the projection's checkpoint (that it would handle, or all). */
  readonly lagEvents: number;
  /** Age of the oldest event it has not applied yet; 0 when caught up. */
  readonly lagSeconds: number;
}

/** Jobs of one queue in one state (waiting, active, delayed, failed, ...). */
export interface QueueDepth {
  readonly queue: string;
  readonly state: string;
  readonly count: number;
}

/** Called at every scrape: read the checkpoints and the store head, never a cache. */
export type ProjectionStatusSource = () => Promise<readonly ProjectionStatus[]>;
/** Called at every scrape: ask the queue backend for its counts. */
export type QueueDepthSource = () => Promise<readonly QueueDepth[]>;

export interface MetricsOptions {
  /** Added as the `app` label of every series (e.g. `api`, `worker`). */
  readonly app?: string;
  /** Node.js process metrics (CPU, memory, event-loop lag, GC, handles); default true. */
  readonly defaultMetrics?: boolean;
  readonly projectionStatus?: ProjectionStatusSource;
  readonly queueDepths?: QueueDepthSource;
}

export type AppendFailureReason = 'wrong_expected_version' | 'unavailable' | 'error';

/**
 * The metrics of one app instance, in a registry of their own (never prom-client's global one),
 * so two apps in one process (tests) do not collide. Every label value is a method, a route
 * template, a status code, an event type, a projection, queue or state name: never an id or
 * personal data (values that do not look like a code identifier are reported as `other`).
 */
export interface Metrics {
  readonly registry: Registry;
  /** Prometheus text exposition of every metric (runs the scrape-time sources). */
  scrape(): Promise<string>;
  readonly contentType: string;
  /** `route` is the route template (`/cases/:caseId`), `undefined` for unmatched requests. */
  recordHttpRequest(
    method: string,
    route: string | undefined,
    statusCode: number,
    seconds: number,
  ): void;
  /** Counts appended events by type. */
  recordAppend(types: readonly string[]): void;
  recordAppendFailure(reason: AppendFailureReason): void;
  recordJobFailed(queue: string): void;
}

export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type HttpLabels = Record<'method' | 'route' | 'status_code', string>;

/** Label sets of HTTP responses whose count is kept in recordHttpRequest between scrapes. */
const HTTP_SERIES_KEPT = 1_000;

const SAFE_LABEL = /^[A-Za-z0-9_.:/*{}-]{1,128}$/;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** A label value that is a code identifier, else `other`. */
export function labelValue(value: string | undefined, fallback = 'other'): string {
  return value !== undefined && SAFE_LABEL.test(value) ? value : fallback;
}

/** Runs `fn` once for all callers that ask while it is running (the gauges of one scrape). */
function shared(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn().finally(() => (running = undefined)));
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.app) registry.setDefaultLabels({ app: labelValue(options.app) });
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  /** A gauge that `collect` fills at scrape time. */
  const scrapeGauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: () => Promise<void>,
  ) => new Gauge<L>({ name, help, labelNames, registers, collect });

  // Per response, the labels of each (method, route template, status code) are made once, and
  // the responses counted here, then added to the counter when it is read (its `collect`, run by
  // every scrape): prom-client hashes and checks the labels on each call (recordHttpRequest was
  // ~4.5 % of GET /session's CPU profile at saturation). Methods are the parser's known ones and
  // routes are templates, so the keys are few; past HTTP_SERIES_KEPT, straight to prom-client.
  const httpSeries = new Map<string, { labels: HttpLabels; responses: number }>();
  const httpRequests = new Counter({
    name: 'remedy_http_requests_total',
    help: 'HTTP responses sent, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers,
    collect() {
      for (const series of httpSeries.values()) {
        if (series.responses === 0) continue;
        httpRequests.inc(series.labels, series.responses);
        series.responses = 0;
      }
    },
  });
  const httpDuration = new Histogram({
    name: 'remedy_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to sending its response, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_DURATION_BUCKETS,
    registers,
  });
  const eventsAppended = counter(
    'remedy_events_appended_total',
    'Events appended to the event store, by event type',
    ['type'],
  );
  const appendFailures = counter(
    'remedy_event_append_failures_total',
    'Failed appends to the event store, by reason (wrong_expected_version is a concurrency conflict)',
    ['reason'],
  );
  const jobsFailed = counter('remedy_jobs_failed_total', 'Jobs that failed an attempt, by queue', [
    'queue',
  ]);
  // The gauges below read their source at scrape time; prom-client collects all metrics of a
  // scrape concurrently, so each source is read once per scrape (`shared`), and this counter
  // waits for the reads of the same scrape before it reports.
  const refreshes: (() => Promise<void>)[] = [];
  const sourceErrors = new Counter({
    name: 'remedy_metrics_source_errors_total',
    help: 'Scrapes in which a scrape-time source (projections, queues) failed; its gauges are then absent',
    labelNames: ['source'] as const,
    registers,
    async collect() {
      await Promise.all(refreshes.map((refresh) => refresh()));
    },
  });

  const { projectionStatus, queueDepths } = options;
  if (projectionStatus) {
    const lagEvents = scrapeGauge(
      'remedy_projection_lag_events',
      'Events in the store that a projection has not applied yet (computed at scrape time)',
      ['projection'],
      () => refresh(),
    );
    const lagSeconds = scrapeGauge(
      'remedy_projection_lag_seconds',
      'Age of the oldest event a projection has not applied yet, 0 when caught up (computed at scrape time)',
      ['projection'],
      () => refresh(),
    );
    const refresh = shared(async () => {
      lagEvents.reset();
      lagSeconds.reset();
      try {
        for (const p of await projectionStatus()) {
          const projection = labelValue(p.name);
          lagEvents.set({ projection }, p.lagEvents);
          lagSeconds.set({ projection }, p.lagSeconds);
        }
      } catch {
        lagEvents.reset();
        lagSeconds.reset();
        sourceErrors.inc({ source: 'projections' });
      }
    });
    refreshes.push(refresh);
  }
  if (queueDepths) {
    const jobs = scrapeGauge(
      'remedy_queue_jobs',
      'Jobs in a queue by state (computed at scrape time)',
      ['queue', 'state'],
      () => refresh(),
    );
    const refresh = shared(async () => {
      jobs.reset();
      try {
        for (const d of await queueDepths())
          jobs.set({ queue: labelValue(d.queue), state: labelValue(d.state) }, d.count);
      } catch {
        jobs.reset();
        sourceErrors.inc({ source: 'queues' });
      }
    });
    refreshes.push(refresh);
  }

  return {
    registry,
    contentType: registry.contentType,
    scrape: () => registry.metrics(),
    recordHttpRequest(method, route, statusCode, seconds) {
      const key = `${method} ${statusCode} ${route}`;
      let series = httpSeries.get(key);
      if (!series) {
        const upper = method.toUpperCase();
        const labels = {
          method: METHODS.has(upper) ? upper : 'OTHER',
          route: route === undefined ? 'unmatched' : labelValue(route),
          status_code: String(statusCode),
        };
        if (httpSeries.size >= HTTP_SERIES_KEPT) {
          httpRequests.inc(labels);
          httpDuration.observe(labels, seconds);
          return;
        }
        httpSeries.set(key, (series = { labels, responses: 0 }));
      }
      series.responses += 1;
      httpDuration.observe(series.labels, seconds);
    },
    recordAppend(types) {
      const counts = new Map<string, number>();
      for (const type of types) {
        const label = labelValue(type);
        counts.set(label, (counts.get(label) ?? 0) + 1);
      }
      for (const [type, n] of counts) eventsAppended.inc({ type }, n);
    },
    recordAppendFailure(reason) {
      appendFailures.inc({ reason });
    },
    recordJobFailed(queue) {
      jobsFailed.inc({ queue: labelValue(queue) });
    },
  };
}
