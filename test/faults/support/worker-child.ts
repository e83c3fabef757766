/**
 * What the worker child processes of the fault tests (release-worker-child.ts,
 * reminder-worker-child.ts) share: a database whose queries can be watched, a queue kit that prints
 * its workers' errors, a logger printing JSON lines on stdout, the wait for `go` on stdin, the
 * clean stop on SIGTERM and the exit on a failed start.
 */
import { createInterface } from 'node:readline';
import { DataSource } from 'typeorm';
import type { Processor } from 'bullmq';
import { createQueueKit, type JobLogger, type QueueKit } from '@remedy/queue';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A random pause between half of `maxMs` and `maxMs` (none when `maxMs` is 0). */
/**
 * A worker child's arguments: `<database url> <postgres|redis> <queue url> <prefix>`, then the
 * extra ones it names; a usage error naming the script otherwise.
 */
export function childArguments<Extra extends string>(
  script: string,
  extra: readonly Extra[] = [],
): { url: string; kind: 'postgres' | 'redis'; queueUrl: string; prefix: string } & Record<
  Extra,
  string
> {
  const [url, kind, queueUrl, prefix, ...rest] = process.argv.slice(2);
  if (
    !url ||
    (kind !== 'postgres' && kind !== 'redis') ||
    !queueUrl ||
    !prefix ||
    rest.length < extra.length
  )
    throw new Error(
      `usage: ${script} <database url> <postgres|redis> <queue url> <prefix>${extra.map((e) => ` <${e}>`).join('')}`,
    );
  return {
    url,
    kind,
    queueUrl,
    prefix,
    ...(Object.fromEntries(extra.map((e, i) => [e, rest[i]!])) as Record<Extra, string>),
  };
}

export const holdUpTo = (maxMs: number) =>
  maxMs > 0 ? sleep(maxMs / 2 + Math.random() * (maxMs / 2)) : undefined;

/** A DataSource whose every query result is shown to `observe` before the caller gets it. */
export async function observedDataSource(
  url: string,
  poolSize: number,
  observe: (sql: string, parameters: unknown[] | undefined, result: unknown) => Promise<void>,
): Promise<DataSource> {
  const ds = new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    logging: false,
    extra: { max: poolSize },
  });
  await ds.initialize();
  const query = ds.query.bind(ds);
  ds.query = (async (sql: string, parameters?: unknown[], ...rest: unknown[]) => {
    const result = await (query as (...a: unknown[]) => Promise<unknown>)(sql, parameters, ...rest);
    await observe(sql, parameters, result);
    return result;
  }) as typeof ds.query;
  return ds;
}

/**
 * A queue kit whose workers print their errors (`worker-error <class>: <message>`; the runtimes
 * log a worker error's class only, the tests want its message too, which holds no data), with
 * each processor optionally wrapped by `observe`.
 */
export function observedKit(
  kind: 'postgres' | 'redis',
  queueUrl: string,
  prefix: string,
  observe: (processor: Processor<any, any>) => Processor<any, any> = (p) => p,
): QueueKit {
  const base = createQueueKit({ kind, url: queueUrl }, { prefix });
  return {
    ...base,
    worker: (name, processor, options) => {
      const w = base.worker(name, observe(processor), options);
      w.on('error', (e) => process.stdout.write(`worker-error ${e.name}: ${e.message}\n`));
      return w;
    },
  };
}

/** The runtimes' logger, as lines `info {...}` and `error {...}` on stdout. */
export const stdoutLogger: JobLogger = {
  info: (message, fields) =>
    process.stdout.write(`info ${JSON.stringify({ message, ...fields })}\n`),
  error: (message, fields) =>
    process.stdout.write(`error ${JSON.stringify({ message, ...fields })}\n`),
};

/** On SIGTERM: runs `stop`, prints `stopped` and exits 0. */
export function stopOnSigterm(stop: () => Promise<void>): void {
  process.once('SIGTERM', () => {
    void (async () => {
      await stop();
      process.stdout.write('stopped\n');
      process.exit(0);
    })();
  });
}

/** When the environment variable `name` is `1`: prints `ready` and waits for a line `go` on stdin. */
export async function waitForGoIf(name: string): Promise<void> {
  if (process.env[name] !== '1') return;
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (l) => {
      if (l.trim() !== 'go') return;
      lines.close();
      resolve();
    });
  });
}

/** Runs the child's `main`; a failure is printed on stderr and exits 1. */
export function runChild(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
