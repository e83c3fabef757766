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
import { LocalTokenIssuer, type Role } from '@remedy/auth';
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
  for (const k of ['BENCH_DATABASE_URL', 'REMEDY_API_ENTRY', 'REMEDY_WORKER_ENTRY', 'NODE_OPTIONS'])
    delete env[k];
  const logFile = join(options.logDir, 'system.log');
  const entry = (app: string) => resolve(DIST, 'apps', app, 'src', 'main.js');
  const startWorker = async () => startNode('worker', entry('worker'), env, logFile);
  const worker = await startWorker();
  const api = startNode('api', entry('api'), env, logFile);
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
