import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { isAlive, waitUntilDead } from '@remedy/embedded-database';

export const ROOT = resolve(__dirname, '../..');
export const SUPERVISOR = join(ROOT, 'dist/apps/supervisor/src/main.js');
const FIXTURES = join(__dirname, 'fixtures');

/** The advisory lock (on the tests' PostgreSQL) of dist/ while a test file builds and runs it. */
const DIST_LOCK = 7_364_201_001;
let distHolder: Client | undefined;

/**
 * dist/ is shared by the test files that build it and run what it holds: a build rewrites every
 * file, and tsc writes `require("@remedy/…")` that tsc-alias only rewrites a moment later, so a
 * supervisor started meanwhile in another file fails to load. One file at a time holds dist/, from
 * its build to its last test (`cleanUp` lets go): a session advisory lock on the tests' server.
 */
export async function holdDist(): Promise<void> {
  const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  await client.query('SELECT pg_advisory_lock($1)', [DIST_LOCK]);
  distHolder = client;
}

/**
 * For a describe block that runs the built supervisor: holds dist/ (another zero-setup file may
 * hold it: npm start rebuilds it; up to 15 min), builds, and cleans up after the block.
 */
export function useBuiltSupervisor(): void {
  beforeAll(async () => {
    await holdDist();
    buildSupervisor();
  }, 1_020_000);
  afterAll(() => cleanUp(), 90_000);
}

/**
 * Compiles the supervisor (and the libs it imports) into dist/ the same way `npm run build` does,
 * limited to what the supervisor reaches so the tests stay fast (~5 s).
 */
export function buildSupervisor(): void {
  const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);
  const project = join(ROOT, 'apps/supervisor/tsconfig.app.json');
  execFileSync(bin('tsc'), ['-p', project], { cwd: ROOT, stdio: 'pipe' });
  execFileSync(bin('tsc-alias'), ['-p', project], { cwd: ROOT, stdio: 'pipe' });
}

export interface RunningSupervisor {
  readonly process: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

const started: RunningSupervisor[] = [];
const dataDirs: string[] = [];

export function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'remedy-zero-setup-'));
  chmodSync(dir, 0o755);
  dataDirs.push(dir);
  return dir;
}

/** `npm start` as a user would run it, with no DATABASE_URL/REDIS_URL, and stand-ins for api/worker. */
export function startSupervisor(
  dataDir: string,
  port: number,
  extraEnv: Record<string, string> = {},
): RunningSupervisor {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REMEDY_DATA_DIR: dataDir,
    PORT: String(port),
    ...extraEnv,
  };
  for (const k of [
    'DATABASE_URL',
    'REDIS_URL',
    'EVENTSTORE_CONNECTION_STRING',
    'TEST_DATABASE_URL',
  ])
    delete env[k];
  env.REMEDY_API_ENTRY ??= join(FIXTURES, 'stand-in-api.js');
  env.REMEDY_WORKER_ENTRY ??= join(FIXTURES, 'stand-in-worker.js');
  const proc = spawn(process.execPath, [SUPERVISOR], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    proc.once('exit', (code, signal) => res({ code, signal })),
  );
  const s: RunningSupervisor = { process: proc, pid: proc.pid!, exited, output: () => out };
  started.push(s);
  return s;
}

export async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, rej) => (timer = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms)),
  );
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Polls GET /health until 200 (bounded); fails early with the supervisor's output if it exits. */
export async function waitForHealth(
  s: RunningSupervisor,
  port: number,
  timeoutMs = 45_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void s.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`supervisor exited before /health answered:\n${s.output()}`);
    try {
      const r = await get(port, '/health');
      if (r.status === 200) return JSON.parse(r.body) as Record<string, unknown>;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`GET /health on port ${port} not 200 within ${timeoutMs} ms:\n${s.output()}`);
}

export function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0 && isAlive(n));
  } catch {
    return []; // ps exits 1 when there are none
  }
}

export function postmasterPid(dataDir: string): number | undefined {
  const f = join(dataDir, 'postgres', 'postmaster.pid');
  return existsSync(f) ? Number(readFileSync(f, 'utf8').split('\n')[0]) : undefined;
}

export function embeddedPort(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postgres.port'), 'utf8').trim());
}

/** A client straight to the embedded database (port and password from the data dir). */
export async function connectEmbedded(dataDir: string): Promise<Client> {
  const password = readFileSync(join(dataDir, 'keys', 'postgres-password'), 'utf8').trim();
  const c = new Client({
    host: '127.0.0.1',
    port: embeddedPort(dataDir),
    user: 'postgres',
    password,
    database: 'remedy',
  });
  await c.connect();
  return c;
}

export { isAlive, waitUntilDead };

/** afterAll: no supervisor, child or PostgreSQL of these tests may outlive them. */
export async function cleanUp(): Promise<void> {
  for (const s of started) {
    if (s.process.exitCode === null && s.process.signalCode === null) {
      s.process.kill('SIGINT');
      await within(30_000, 'supervisor stop', s.exited).catch(() => s.process.kill('SIGKILL'));
    }
  }
  for (const dir of dataDirs) {
    const pid = postmasterPid(dir);
    if (pid && isAlive(pid)) {
      process.kill(pid, 'SIGINT');
      await waitUntilDead(pid, 20_000);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  await distHolder?.end(); // the session's advisory lock goes with it
  distHolder = undefined;
}
