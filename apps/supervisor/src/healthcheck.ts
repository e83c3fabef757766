/**
 * Container health checks (docker/Dockerfile HEALTHCHECK, docker/compose.yml):
 *   node dist/apps/supervisor/src/healthcheck.js api     → GET http://127.0.0.1:$PORT/health is 200
 *        (the public port's status-only answer: the API process answers)
 *   node dist/apps/supervisor/src/healthcheck.js worker  → GET /health on the worker's internal
 *        listener (WORKER_METRICS_PORT, with METRICS_TOKEN when set) is 200: the worker process
 *        answers. With WORKER_METRICS_PORT=0: its dependencies answer instead, PostgreSQL
 *        (SELECT 1) and, when REDIS_URL is set, Redis (PING).
 * Exit 0 healthy, 1 unhealthy; at most ~4 s. Prints no URL or secret.
 */
import http from 'node:http';
import net from 'node:net';
import { Client } from 'pg';
import { loadConfig } from '@remedy/config';

const TIMEOUT_MS = 3000;

function answers200(host: string, port: number, token?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const headers = token ? { authorization: `Bearer ${token}` } : undefined;
    const req = http.get({ host, port, path: '/health', headers, timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

async function postgresHealthy(url: string): Promise<boolean> {
  const c = new Client({
    connectionString: url,
    connectionTimeoutMillis: TIMEOUT_MS,
    query_timeout: TIMEOUT_MS,
  });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

function redisHealthy(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({
      host: u.hostname,
      port: Number(u.port || 6379),
      timeout: TIMEOUT_MS,
    });
    const auth = u.password
      ? `AUTH ${u.username ? `${decodeURIComponent(u.username)} ` : ''}${decodeURIComponent(u.password)}\r\n`
      : '';
    let buf = '';
    socket.on('connect', () => socket.write(`${auth}PING\r\n`));
    socket.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('+PONG')) {
        socket.end();
        resolve(true);
      } else if (buf.includes('-')) {
        socket.destroy();
        resolve(false);
      }
    });
    socket.on('timeout', () => socket.destroy());
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

/** Where to reach a listener bound to `host` from this machine (a wildcard address: loopback). */
const reachable = (host: string) =>
  host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;

async function main(role: string | undefined): Promise<boolean> {
  if (role === 'api') return answers200('127.0.0.1', Number(process.env.PORT || 3000));
  if (role === 'worker') {
    const { host, workerPort, token } = loadConfig(process.env, {
      requireDatabase: false,
    }).internalListener;
    if (workerPort !== null) return answers200(reachable(host), workerPort, token);
    const db = process.env.DATABASE_URL;
    if (!db || !(await postgresHealthy(db))) return false;
    return process.env.REDIS_URL ? redisHealthy(process.env.REDIS_URL) : true;
  }
  process.stderr.write('usage: healthcheck.js api|worker\n');
  return false;
}

main(process.argv[2]).then(
  (ok) => process.exit(ok ? 0 : 1),
  () => process.exit(1),
);
