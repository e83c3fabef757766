/**
 * The real system as `npm start` runs it with DATABASE_URL set: the built API
 * (dist/apps/api/src/main.js) and worker (dist/apps/worker/src/main.js) as child processes, with
 * the supervisor's environment (DATABASE_URL, REMEDY_DATA_DIR, REMEDY_EMBEDDED_DATABASE=false,
 * REDIS_URL when set), default log level, and a per-user rate limit the load cannot reach. Tokens come from the local issuer of the same data
 * directory (libs/auth LocalTokenIssuer), as `npm run cli -- token mint` makes them.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Pool } from 'pg';
import { LocalTokenIssuer, type Role } from '@remedy/auth';
import { comparePositions, createPostgresEventStore } from '@remedy/event-store';
import { CHECKPOINT_CHANNEL, readCheckpoints } from '@remedy/projections';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { DIST, freePort, startNode, waitForHttp, type NodeChild } from '../lib/processes';

export interface Caller {
  readonly userId: string;
  readonly organisationId: string;
  readonly token: string;
}

export interface SystemUnderTest {
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly logFile: string;
  api: NodeChild;
  worker: NodeChild;
  mint(roles: readonly Role[], organisationId?: string): Promise<Caller>;
  /** JSON request with this caller's token; throws unless the status is `expect`. */
  call<T = Record<string, unknown>>(
    caller: Caller,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    expect?: number | readonly number[],
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T }>;
  startWorker(): Promise<NodeChild>;
  stop(): Promise<void>;
}

export async function startSystem(options: {
  databaseUrl: string;
  logDir: string;
  log: (line: string) => void;
}): Promise<SystemUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'remedy-bench-data-'));
  const issuer = await LocalTokenIssuer.load({ dataDir }); // creates the signing key first
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    REMEDY_DATA_DIR: dataDir,
    REMEDY_EMBEDDED_DATABASE: 'false',
    PORT: String(port),
    // One caseworker token makes every request: the per-user limit (default 600/min) would answer
    // 429 to the load itself. The limiter still runs, with a limit the load cannot reach.
    RATE_LIMIT_PER_MINUTE: process.env.RATE_LIMIT_PER_MINUTE ?? '1000000',
  };
  if (!process.env.REDIS_URL) delete env.REDIS_URL;
  for (const k of [
    'BENCH_DATABASE_URL',
    'BENCH_API_NODE_ARGS',
    'BENCH_WORKER_NODE_ARGS',
    'REMEDY_API_ENTRY',
    'REMEDY_WORKER_ENTRY',
    'NODE_OPTIONS',
  ])
    delete env[k];
  const logFile = join(options.logDir, 'system.log');
  const entry = (app: string) => resolve(DIST, 'apps', app, 'src', 'main.js');
  // BENCH_WORKER_NODE_ARGS: the same for the worker (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
  const workerNodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const startWorker = async () =>
    startNode('worker', entry('worker'), env, logFile, [], workerNodeArgs);
  const worker = await startWorker();
  // BENCH_API_NODE_ARGS: node flags for the API only, space-separated (e.g. `--cpu-prof
  // --cpu-prof-dir=/tmp/prof` or `--trace-gc`), for profiling a run.
  const apiNodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const api = startNode('api', entry('api'), env, logFile, [], apiNodeArgs);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    // Up to 3 minutes: on the 2 shared cores under load (average 15-20) a start took over 60 s.
    await waitForHttp(api, `${baseUrl}/health`, 180_000);
  } catch (e) {
    await api.stop();
    await worker.stop();
    throw new Error(`${(e as Error).message}; see ${logFile}`, { cause: e });
  }
  options.log(`api (pid ${api.pid}) on ${baseUrl}, worker (pid ${worker.pid}); logs in ${logFile}`);

  const sut: SystemUnderTest = {
    baseUrl,
    dataDir,
    logFile,
    api,
    worker,
    async mint(roles, organisationId = randomUUID()) {
      const userId = randomUUID();
      return {
        userId,
        organisationId,
        token: await issuer.mintToken({ userId, organisationId, roles }),
      };
    },
    async call(caller, method, path, body, expect = [200, 201], headers = {}) {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${caller.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      const ok = Array.isArray(expect) ? expect.includes(res.status) : res.status === expect;
      if (!ok)
        throw new Error(
          `${method} ${path.replace(/[0-9a-f-]{36}/g, ':id')}: ${res.status} ${text.slice(0, 300)}`,
        );
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as never };
    },
    async startWorker() {
      sut.worker = await startWorker();
      return sut.worker;
    },
    async stop() {
      await Promise.all([sut.api.stop(), sut.worker.stop()]);
    },
  };
  return sut;
}

/** Registers an organisation (as an administrator) and waits until the directory lists it. */
export async function registerOrganisation(
  sut: SystemUnderTest,
  code: string,
): Promise<{ organisationId: string }> {
  const admin = await sut.mint(['admin']);
  const { body } = await sut.call<{ organisationId: string; position: string }>(
    admin,
    'POST',
    '/organisations',
    { name: `Bench ${code}`, type: 'NGO', services: ['Accommodation'], country: 'AT', code },
    201,
  );
  // Read your writes: the directory (a projection the worker runs) must list it before cases open.
  for (let i = 0; ; i++) {
    const res = await sut.call(
      admin,
      'GET',
      `/organisations/${body.organisationId}`,
      undefined,
      [200, 404, 503],
      {
        'x-min-position': body.position,
      },
    );
    if (res.status === 200) break;
    if (i > 30)
      throw new Error(`organisation not in the directory after ${i} tries (${res.status})`);
  }
  return { organisationId: body.organisationId };
}

/**
 * Waits until the worker has caught up: every projection of `ALL_PROJECTIONS` has its checkpoint
 * at or past the store's head, re-checked on each checkpoint NOTIFY (the channel section 3 and the
 * API's read-your-writes wait listen to) and every 250 ms. A run at a steady rate started right
 * after a saturation run would otherwise share the cores with the worker working off the backlog
 * the saturation left. Returns the milliseconds waited; throws after `timeoutMs`.
 */
export async function waitUntilCaughtUp(databaseUrl: string, timeoutMs = 120_000): Promise<number> {
  const started = performance.now();
  const names = ALL_PROJECTIONS.map((p) => p.name);
  const store = createPostgresEventStore({ connectionString: databaseUrl, poolSize: 1 });
  const listener = new Client({ connectionString: databaseUrl });
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await listener.connect();
    let wake: () => void = () => undefined;
    listener.on('notification', () => wake());
    await listener.query(`LISTEN ${CHECKPOINT_CHANNEL}`);
    const head = await store.headPosition();
    for (;;) {
      const checkpoints = await readCheckpoints(pool, names);
      const behind = names.filter((n) => {
        const at = checkpoints.get(n);
        return !at || comparePositions(at, head) < 0;
      });
      if (behind.length === 0) return performance.now() - started;
      if (performance.now() - started > timeoutMs)
        throw new Error(`projections not caught up in ${timeoutMs} ms: ${behind.join(', ')}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, 250);
        wake = () => {
          clearTimeout(timer);
          r();
        };
      });
    }
  } finally {
    await Promise.allSettled([listener.end(), pool.end(), store.close()]);
  }
}
