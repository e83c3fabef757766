import IORedis from 'ioredis';
import { Pool } from 'pg';
import {
  createPostgresBackend,
  Job,
  Processor,
  Queue,
  QueueOptions,
  withBackend,
  Worker,
  WorkerOptions,
} from 'bullmq';

/**
 * Where BullMQ keeps its queues: Redis (the fast path, one-server and national deployments) or
 * BullMQ's PostgreSQL backend (zero-setup: no Redis needed). Chosen by configuration alone.
 */
export type QueueBackend =
  | { readonly kind: 'redis'; readonly url: string }
  | { readonly kind: 'postgres'; readonly url: string };

export function queueBackendFor(env: { REDIS_URL?: string; DATABASE_URL?: string }): QueueBackend {
  if (env.REDIS_URL) return { kind: 'redis', url: env.REDIS_URL };
  if (env.DATABASE_URL) return { kind: 'postgres', url: env.DATABASE_URL };
  throw new Error('Queue backend: neither REDIS_URL nor DATABASE_URL is set');
}

/**
 * Worker settings, stated once (see README "Queues"): a job whose worker dies is detected as
 * stalled after at most `stalledInterval` and retried; after `maxStalledCount` stalls it fails
 * rather than looping. Handlers must be idempotent (job ids derive from the work they do;
 * BullMQ refuses ":" in custom ids, so ids join their parts with "-").
 */
export const WORKER_DEFAULTS = {
  lockDuration: 30_000,
  stalledInterval: 15_000,
  maxStalledCount: 2,
  concurrency: 4,
} as const;

/**
 * How long a queue call waits for the queue's FIRST connection to Redis. BullMQ waits for it
 * without a bound (ioredis keeps reconnecting), so a queue created while Redis is down would hang
 * every call (a reconciliation, a /metrics scrape) instead of failing. Once connected, calls fail
 * at once while Redis is unreachable (no offline queue).
 */
export const QUEUE_CONNECT_TIMEOUT_MS = 5_000;

export class QueueUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueUnavailableError';
  }
}

/**
 * The queue, with every call that returns a promise bounded by its connection's readiness: the
 * call rejects with QueueUnavailableError when the queue has not connected within `ms`.
 */
function boundedByConnection<Q extends AnyQueue>(queue: Q, ms: number): Q {
  const notReady = (method: string) =>
    new Promise<never>((_, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(
          new QueueUnavailableError(
            `queue ${queue.name}: ${method} failed, not connected within ${ms} ms`,
          ),
        );
      }, ms);
      timer.unref();
      queue.waitUntilReady().then(
        () => {
          // Connected: the call itself decides (this promise never settles).
          if (!settled) clearTimeout(timer);
        },
        (e: unknown) => {
          if (settled) return;
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  return new Proxy(queue, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'waitUntilReady' || property === 'close')
        return value;
      return function (this: unknown, ...args: unknown[]) {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result === target ? receiver : result;
        result.catch(() => undefined); // settled by the race below; a late rejection is not unhandled
        return Promise.race([result, notReady(String(property))]);
      };
    },
  });
}

export const JOB_DEFAULTS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

type AnyQueue = Queue<any, any, string, any, any, string, any, any>;
type AnyWorker = Worker<any, any, string, any, any, any>;

function redisConnection(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // BullMQ requires this for workers' blocking connections.
    maxRetriesPerRequest: null,
    enableOfflineQueue: false,
    // Reconnect at least every 2 s while Redis is away (BullMQ's default backs off to 20 s, so
    // workers would resume up to 20 s after Redis is back).
    retryStrategy: (times: number) => Math.min(200 * times, 2_000),
  };
}

export interface QueueKit {
  readonly backend: QueueBackend['kind'];
  queue<Data = unknown>(name: string, options?: Partial<QueueOptions<any>>): Queue<Data>;
  worker<Data = unknown, Result = unknown>(
    name: string,
    processor: Processor<Data, Result>,
    options?: Partial<WorkerOptions<any>>,
  ): Worker<Data, Result>;
  /** Resolves when the backend answers; rejects when it is down. */
  ping(): Promise<void>;
  /** Closes every queue and worker this kit created (workers first, letting active jobs finish). */
  close(): Promise<void>;
}

export function createQueueKit(backend: QueueBackend, options: { prefix?: string } = {}): QueueKit {
  const queues: AnyQueue[] = [];
  const workers: AnyWorker[] = [];
  const prefix = options.prefix ?? 'remedy';

  if (backend.kind === 'redis') {
    const connection = redisConnection(backend.url);
    let probe: IORedis | undefined;
    return {
      backend: 'redis',
      async ping() {
        probe ??= new IORedis({
          ...connection,
          lazyConnect: true,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: true,
        });
        await probe.ping();
      },
      queue(name, opts) {
        const q = new Queue(name, {
          prefix,
          defaultJobOptions: JOB_DEFAULTS,
          ...opts,
          connection: { ...connection, enableOfflineQueue: false },
        });
        quietConnectionErrors(q);
        queues.push(q as AnyQueue);
        return boundedByConnection(q as AnyQueue, QUEUE_CONNECT_TIMEOUT_MS) as never;
      },
      worker(name, processor, opts) {
        const w = new Worker(name, processor as Processor, {
          prefix,
          ...WORKER_DEFAULTS,
          ...opts,
          connection: { ...connection, enableOfflineQueue: true },
        });
        workers.push(w as AnyWorker);
        return w as never;
      },
      close: async () => {
        await closeAll(workers, queues);
        probe?.disconnect();
      },
    };
  }

  // `prefix` becomes the PostgreSQL schema of BullMQ's tables; migrate creates them once.
  const pg = withBackend(createPostgresBackend);
  const connection = {
    connectionString: backend.url,
    schema: `bullmq_${prefix}`,
    migrate: true,
    max: 4,
  };
  let probe: Pool | undefined;
  return {
    backend: 'postgres',
    async ping() {
      if (!probe) {
        probe = new Pool({ connectionString: backend.url, max: 1, connectionTimeoutMillis: 2_000 });
        // An idle connection the server ends (restart, failover) must not crash the process: the
        // next ping reconnects or reports the backend down.
        probe.on('error', () => undefined);
      }
      await probe.query('SELECT 1');
    },
    queue(name, opts) {
      const q = new pg.Queue(name, {
        defaultJobOptions: JOB_DEFAULTS,
        ...opts,
        connection,
      } as never);
      quietConnectionErrors(q as AnyQueue);
      queues.push(q as AnyQueue);
      return q as never;
    },
    worker(name, processor, opts) {
      const w = new pg.Worker(
        name,
        processor as Processor,
        { ...WORKER_DEFAULTS, ...opts, connection } as never,
      );
      workers.push(w as AnyWorker);
      return w as never;
    },
    close: async () => {
      await closeAll(workers, queues);
      await probe?.end();
    },
  };
}

/**
 * A queue's 'error' event reports its connection's state (the server ended an idle connection,
 * Redis restarted): BullMQ reconnects by itself, and every operation that fails meanwhile rejects
 * its own promise, which the caller handles. Without a listener BullMQ prints each event to the
 * console as an "Unhandled error", which says nothing more.
 */
function quietConnectionErrors(queue: {
  on(event: 'error', listener: (e: Error) => void): unknown;
}): void {
  queue.on('error', () => undefined);
}

async function closeAll(workers: AnyWorker[], queues: AnyQueue[]): Promise<void> {
  await Promise.allSettled(workers.splice(0).map((w) => w.close()));
  await Promise.allSettled(queues.splice(0).map((q) => q.close()));
}

export type { Job };
