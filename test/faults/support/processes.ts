import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { QueueBackend } from '@remedy/queue';

export const ROOT = join(__dirname, '..', '..', '..');
export const REGISTER = join(ROOT, 'test', 'support', 'swc-register.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls a condition until it holds or the bound passes (a test observation, not a product wait). */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

export interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves on the n-th stdout line starting with `prefix` or matching it (counted from the child's start). */
  line(prefix: string | RegExp, n?: number, timeoutMs?: number): Promise<string>;
  /** How many stdout lines started with `prefix` so far. */
  count(prefix: string): number;
  stdout(): string;
  stderr(): string;
  /** Writes a line to the child's stdin. */
  send(line: string): void;
  /** Sends a signal (no-op once exited) and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * A child process (a TypeScript file run through swc-register, or any command) whose stdout is
 * read line by line: tests wait for the lines it prints at the points they care about.
 */
export function spawnChild(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Child {
  const child = spawn(command, [...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.on('error', () => undefined); // a child that died does not read: ignore EPIPE
  let out = '';
  let err = '';
  const lines: string[] = [];
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const waiters: { prefix: string | RegExp; n: number; resolve: (l: string) => void }[] = [];
  const matches = (l: string, p: string | RegExp) =>
    typeof p === 'string' ? l.startsWith(p) : p.test(l);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    out += `${line}\n`;
    lines.push(line);
    for (const w of [...waiters]) {
      if (matches(line, w.prefix) && lines.filter((l) => matches(l, w.prefix)).length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // 'close': after the exit AND the end of its output (no line is missed).
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const count = (prefix: string) => lines.filter((l) => l.startsWith(prefix)).length;
  return {
    process: child,
    exited,
    count,
    stdout: () => out,
    stderr: () => err,
    line(prefix, n = 1, timeoutMs = 30_000) {
      const found = lines.filter((l) => matches(l, prefix));
      if (found.length >= n) return Promise.resolve(found[n - 1]!);
      return new Promise<string>((resolve, reject) => {
        let done = false;
        const finish = (f: () => void) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          f();
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(
                new Error(
                  `no line "${String(prefix)}" #${n} within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`,
                ),
              ),
            ),
          timeoutMs,
        );
        void exited.then(({ code, signal }) =>
          finish(() =>
            reject(
              new Error(
                `child exited (${code ?? signal}) before line "${String(prefix)}" #${n}; stderr: ${err.slice(-2000)}`,
              ),
            ),
          ),
        );
        waiters.push({ prefix, n, resolve: (l) => finish(() => resolve(l)) });
      });
    },
    send(line) {
      if (child.exitCode === null && child.signalCode === null) child.stdin!.write(`${line}\n`);
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A TypeScript file of this repository in a child Node process (compiled on load by swc). */
export function spawnTs(file: string, args: readonly string[], env?: NodeJS.ProcessEnv): Child {
  return spawnChild(process.execPath, ['--require', REGISTER, file, ...args], env);
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** SIGKILL: gone at once, with everything it held (no persistence). */
  crash(): Promise<void>;
  /** Starts it again on the same port (empty). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Why Redis tests cannot run here, or undefined when `redis-server` is installed. */
export function redisServerMissing(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error)
    return `redis-server is not installed (${(probe.error as NodeJS.ErrnoException).code})`;
  return undefined;
}

/** A redis-server of the test's own, on a free port, without persistence. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let current: Child | undefined;
  const launch = async () => {
    const c = spawnChild('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    // redis-server logs "Ready to accept connections" once it listens.
    await eventually(
      'redis-server ready',
      async () => {
        if (c.stdout().includes('Ready to accept connections')) return true;
        if (c.process.exitCode !== null)
          throw new Error(`redis-server exited: ${c.stdout()}${c.stderr()}`);
        return false;
      },
      10_000,
      20,
    );
    current = c;
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async crash() {
      await current?.kill('SIGKILL');
      current = undefined;
    },
    restart: launch,
    async stop() {
      await current?.kill('SIGTERM');
      current = undefined;
    },
  };
}

/** A BullMQ backend a fault test runs on: PostgreSQL always, Redis on a server of its own. */
export interface QueueBackendUnderTest {
  readonly label: string;
  readonly start: () => Promise<{
    backend: (dbUrl: string) => QueueBackend;
    stop: () => Promise<void>;
  }>;
}

/**
 * The backends to run a fault test on: PostgreSQL, and Redis when `redis-server` is on the PATH.
 * Without it a skipped suite named `<title> on Redis — skipped: <reason>` is declared, so a run
 * says in its output what it did not cover.
 */
export function queueBackendsUnderTest(title: string): QueueBackendUnderTest[] {
  const backends: QueueBackendUnderTest[] = [
    {
      label: 'PostgreSQL',
      start: async () => ({
        backend: (url) => ({ kind: 'postgres', url }),
        stop: async () => undefined,
      }),
    },
  ];
  const missing = redisServerMissing();
  if (missing) {
    describe.skip(`${title} on Redis — skipped: ${missing}`, () => {
      it('runs the same test on a redis-server of its own', () => undefined);
    });
  } else {
    backends.push({
      label: 'Redis',
      start: async () => {
        const redis: RedisServer = await startRedisServer();
        return { backend: () => ({ kind: 'redis', url: redis.url }), stop: () => redis.stop() };
      },
    });
  }
  return backends;
}
