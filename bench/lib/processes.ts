/**
 * Child processes of the benchmarks (the real API and worker, a bare node:http server), their
 * readiness, and their memory: resident set size sampled from /proc/<pid>/status.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { resolve } from 'node:path';

/** The build's root (dist/): this file is dist/bench/lib/processes.js once built. */
export const DIST = resolve(__dirname, '..', '..');

export interface NodeChild {
  readonly name: string;
  readonly process: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * `node <entry>` with this environment, stdout/stderr appended to `logFile`, as the supervisor of
 * `npm start` runs its children (source maps, and the child guard: a child whose parent is gone,
 * even by kill -9, stops itself).
 */
export function startNode(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  args: readonly string[] = [],
  /** Flags for node itself, before the entry (e.g. --cpu-prof). */
  nodeArgs: readonly string[] = [],
): NodeChild {
  if (!existsSync(entry)) throw new Error(`${name}: ${entry} not found (run npm run build)`);
  const out = openSync(logFile, 'a');
  const guard = resolve(DIST, 'apps', 'supervisor', 'src', 'child-guard.js');
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', ...nodeArgs, '--require', guard, entry, ...args],
    {
      env,
      stdio: ['ignore', out, out],
    },
  );
  closeSync(out);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return {
    name,
    process: child,
    pid: child.pid!,
    exited,
    async stop(timeoutMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A port the OS says is free now. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.once('error', rej);
    srv.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => res(port));
    });
  });
}

/** Resolves once `url` answers 200, rejects when the child exits or after `timeoutMs`. */
export async function waitForHttp(
  child: NodeChild,
  url: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${child.name} exited before answering ${url}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline)
      throw new Error(`${child.name}: ${url} not ready in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** VmRSS and VmHWM (peak) of a process, in MiB (undefined when gone or not Linux). */
export function memoryOf(pid: number): { rss?: number; hwm?: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) / 1024 : undefined;
    };
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return {};
  }
}

/**
 * Samples the RSS of some processes (asked for each time: a child may be restarted) every
 * `intervalMs` from now until `stop()`, which returns the highest sample per name (the peak during
 * this phase only) and the highest VmHWM seen (the kernel's peak since the process started).
 */
export function sampleRss(
  children: () => readonly NodeChild[],
  intervalMs = 100,
): { stop(): Record<string, { peakRss: number; hwm: number }> } {
  const peak = new Map<string, { peakRss: number; hwm: number }>();
  const tick = () => {
    for (const c of children()) {
      const m = memoryOf(c.pid);
      const p = peak.get(c.name) ?? { peakRss: 0, hwm: 0 };
      peak.set(c.name, {
        peakRss: Math.max(p.peakRss, m.rss ?? 0),
        hwm: Math.max(p.hwm, m.hwm ?? 0),
      });
    }
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      tick();
      clearInterval(timer);
      return Object.fromEntries(peak);
    },
  };
}
