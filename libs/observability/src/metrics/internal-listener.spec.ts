import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { createMetrics } from './metrics';
import { serveInternal, type DetailedHealth, type InternalListener } from './internal-listener';

/** What Prometheus 2.x/3.x sends with a scrape (its Accept header asks for text 0.0.4 as a fallback). */
const PROMETHEUS_HEADERS = {
  accept:
    'application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
  'user-agent': 'Prometheus/3.5.0',
  'x-prometheus-scrape-timeout-seconds': '10',
};

const TOKEN = 'scrape-token-0123456789abcdefghijklmnop';

/** A non-loopback IPv4 address of this machine, if it has one. */
const outsideAddress = () =>
  Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

/** Resolves with the status, or with the connection error's code. */
function probe(host: string, port: number, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    req.end();
  });
}

describe('serveInternal: the internal listener', () => {
  let health: DetailedHealth = {
    report: { status: 'ok', eventStore: { head: '7/7' } },
    ready: true,
  };
  const metrics = createMetrics({ defaultMetrics: false, app: 'api' });
  metrics.recordHttpRequest('POST', '/cases', 201, 0.01);
  let open: InternalListener;
  let guarded: InternalListener;
  const url = (l: InternalListener, path: string) => `http://127.0.0.1:${l.port}${path}`;

  beforeAll(async () => {
    open = await serveInternal({ metrics, health: async () => health, port: 0 });
    guarded = await serveInternal({ metrics, health: async () => health, port: 0, token: TOKEN });
  });
  afterAll(async () => {
    await open?.close();
    await guarded?.close();
  });

  it('serves the Prometheus exposition at /metrics to a scrape as Prometheus sends it', async () => {
    const res = await fetch(url(open, '/metrics'), { headers: PROMETHEUS_HEADERS });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toMatch(
      /^remedy_http_requests_total\{method="POST",route="\/cases",status_code="201",app="api"\} 1$/m,
    );
  });

  it('serves every health detail at /health (200) and /health/ready (200, or 503 when not ready)', async () => {
    const all = await fetch(url(open, '/health'));
    expect(all.status).toBe(200);
    expect(await all.json()).toEqual({ status: 'ok', eventStore: { head: '7/7' } });
    expect((await fetch(url(open, '/health/ready'))).status).toBe(200);
    health = { report: { status: 'degraded' }, ready: false };
    const notReady = await fetch(url(open, '/health/ready'));
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'degraded' });
    expect((await fetch(url(open, '/health'))).status).toBe(200);
    health = { report: { status: 'ok' }, ready: true };
  });

  it('answers 404 to any other path or method, and 500 without a word when a source fails', async () => {
    expect((await fetch(url(open, '/'))).status).toBe(404);
    expect((await fetch(url(open, '/metrics/x'))).status).toBe(404);
    expect((await fetch(url(open, '/metrics'), { method: 'POST', body: 'x' })).status).toBe(404);
    const failing = await serveInternal({
      metrics: {
        contentType: 'text/plain',
        scrape: () => Promise.reject(new Error('db at 10.0.0.9')),
      },
      health: () => Promise.reject(new Error('db at 10.0.0.9')),
      port: 0,
    });
    try {
      for (const path of ['/metrics', '/health']) {
        const res = await fetch(url(failing, path));
        expect(res.status).toBe(500);
        expect(await res.text()).toBe('');
      }
    } finally {
      await failing.close();
    }
  });

  it('is bound to 127.0.0.1 by default: another address of this machine is refused', async () => {
    expect(open.host).toBe('127.0.0.1');
    expect(await probe('127.0.0.1', open.port, '/metrics')).toBe(200);
    const outside = outsideAddress();
    if (outside) expect(await probe(outside, open.port, '/metrics')).toBe('ECONNREFUSED');
  });

  it('with a token, answers 401 to a request without it or with another, on every path', async () => {
    for (const path of ['/metrics', '/health', '/health/ready', '/other']) {
      const none = await fetch(url(guarded, path));
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      expect(await none.text()).toBe('');
      for (const authorization of [`Bearer ${TOKEN}x`, `Basic ${TOKEN}`, TOKEN, 'Bearer '])
        expect((await fetch(url(guarded, path), { headers: { authorization } })).status).toBe(401);
    }
    const scrape = await fetch(url(guarded, '/metrics'), {
      headers: { ...PROMETHEUS_HEADERS, authorization: `Bearer ${TOKEN}` },
    });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('remedy_http_requests_total');
    const details = await fetch(url(guarded, '/health'), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(details.status).toBe(200);
  });

  it('refuses to start on a port in use', async () => {
    await expect(serveInternal({ metrics, port: open.port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });
});
