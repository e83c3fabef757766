import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics';

/** What `GET /health` and `GET /health/ready` answer on the internal listener. */
export interface DetailedHealth {
  /** Every detail (dependencies, kinds, event store head, projection positions and lag). */
  readonly report: unknown;
  /** Ready to serve: `/health/ready` answers 200, else 503. */
  readonly ready: boolean;
}

export interface InternalListenerOptions {
  readonly metrics: Pick<Metrics, 'scrape' | 'contentType'>;
  /** Serves `/health` and `/health/ready` with every detail; absent: those are 404. */
  readonly health?: () => Promise<DetailedHealth>;
  /** 0: a free port (tests). */
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Set: every request needs `Authorization: Bearer <token>`, else 401. */
  readonly token?: string;
}

export interface InternalListener {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares in constant time (hashes first, so the lengths match). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (\S+)$/i.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(presented), digest(token));
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));

/**
 * The operators' own listener, apart from the public API port: `GET /metrics` (Prometheus text
 * exposition) and, when given a health source, `GET /health` (200, every detail) and
 * `GET /health/ready` (200 / 503, every detail). Anything else is 404. Bound to 127.0.0.1 unless
 * told otherwise; with a token, a request without `Authorization: Bearer <token>` gets 401.
 * Written on node:http rather than a second Fastify: three read-only routes, no body, no parsing.
 */
export async function serveInternal(options: InternalListenerOptions): Promise<InternalListener> {
  const { metrics, health, token } = options;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      return;
    }
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      const text = await metrics.scrape();
      res
        .writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' })
        .end(text);
      return;
    }
    if (req.method === 'GET' && health && (path === '/health' || path === '/health/ready')) {
      const { report, ready } = await health();
      json(res, path === '/health' || ready ? 200 : 503, report);
      return;
    }
    res.writeHead(404).end();
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  return {
    host,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
