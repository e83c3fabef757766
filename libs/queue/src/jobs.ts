import { Logger } from '@nestjs/common';
import { MetadataScanner } from '@nestjs/core';
import type { Job, Worker, WorkerOptions } from 'bullmq';
import type { QueueKit } from './queue-kit';

/** What a `@JobHandler` declares: the queue it serves and the job names it runs there. */
export interface JobHandlerOptions {
  readonly queue: string;
  /**
   * The job name(s) this method runs. Omitted: every job of the queue (a queue whose job names are
   * open-ended, e.g. the reminder kinds of further reminder sources).
   */
  readonly name?: string | readonly string[];
  /** BullMQ settings of this queue's worker (merged over `WORKER_DEFAULTS`), e.g. concurrency. */
  readonly worker?: WorkerSettings;
}

export type WorkerSettings = Partial<
  Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'concurrency'>
>;

/** A job type a process expects to find queued: its queue and its name. */
export interface JobType {
  readonly queue: string;
  readonly name: string;
}

export const jobTypes = (queue: string, names: readonly string[]): JobType[] =>
  names.map((name) => ({ queue, name }));

const JOB_HANDLER = Symbol('remedy:job-handler');

/**
 * Declares the method that runs jobs of a queue, where the job's work is written:
 * `@JobHandler({ queue: RETENTION_QUEUE, name: 'sweep' }) sweepJob(job) {…}`. In a Nest app,
 * JobsModule discovers every provider's handlers at start-up and runs one worker per queue; a
 * class outside Nest runs its own with `new JobWorkers(kit, declaredHandlers(this))`.
 */
export function JobHandler(options: JobHandlerOptions): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(JOB_HANDLER, options, descriptor.value as object);
    return descriptor;
  };
}

/** A declared handler bound to its instance. */
export interface DeclaredHandler {
  readonly queue: string;
  /** Undefined: every job of the queue. */
  readonly names: readonly string[] | undefined;
  readonly worker: WorkerSettings;
  /** `Class.method`, for messages. */
  readonly owner: string;
  readonly run: (job: Job) => Promise<unknown>;
}

const scanner = new MetadataScanner();

/** The `@JobHandler` methods of an object (its class and the classes it extends). */
export function declaredHandlers(instance: object): DeclaredHandler[] {
  const prototype = Object.getPrototypeOf(instance) as object | null;
  if (!prototype) return [];
  return scanner.getAllMethodNames(prototype).flatMap((key) => {
    const method = (instance as Record<string, unknown>)[key];
    if (typeof method !== 'function') return [];
    const options = Reflect.getMetadata(JOB_HANDLER, method) as JobHandlerOptions | undefined;
    if (!options) return [];
    const { name } = options;
    return [
      {
        queue: options.queue,
        names: name === undefined ? undefined : typeof name === 'string' ? [name] : [...name],
        worker: options.worker ?? {},
        owner: `${instance.constructor.name}.${key}`,
        run: (job: Job) => Promise.resolve((method as (job: Job) => unknown).call(instance, job)),
      },
    ];
  });
}

export class MissingJobHandlerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingJobHandlerError';
  }
}

/**
 * Refuses (throws MissingJobHandlerError) when a job type expected in a queue has no handler, or
 * a job name has two: the process would otherwise start and leave such jobs failing or waiting.
 */
export function checkJobHandlers(handlers: readonly DeclaredHandler[], queued: readonly JobType[]) {
  const problems: string[] = [];
  const byQueue = groupByQueue(handlers);
  for (const [queue, list] of byQueue) {
    const seen = new Map<string, string>();
    for (const h of list)
      for (const name of h.names ?? ['*']) {
        const other = seen.get(name);
        if (other) problems.push(`job ${queue}/${name} has two handlers (${other}, ${h.owner})`);
        seen.set(name, h.owner);
      }
  }
  for (const { queue, name } of queued)
    if (!handlerFor(byQueue.get(queue) ?? [], name))
      problems.push(
        `no handler for job ${queue}/${name}: declare one with @JobHandler({ queue: '${queue}', name: '${name}' })`,
      );
  if (problems.length > 0) throw new MissingJobHandlerError(problems.join('; '));
}

function groupByQueue(handlers: readonly DeclaredHandler[]): Map<string, DeclaredHandler[]> {
  const byQueue = new Map<string, DeclaredHandler[]>();
  for (const h of handlers) byQueue.set(h.queue, [...(byQueue.get(h.queue) ?? []), h]);
  return byQueue;
}

/** A handler naming the job first, else the queue-wide one. */
function handlerFor(list: readonly DeclaredHandler[], name: string): DeclaredHandler | undefined {
  return list.find((h) => h.names?.includes(name)) ?? list.find((h) => h.names === undefined);
}

/** Structured logging hook: messages and fields carry opaque ids and counts only. */
export interface JobLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentJobLogger: JobLogger = { info: () => undefined, error: () => undefined };

/** A JobLogger writing through Nest's Logger (pino in the apps) under `context`. */
export function nestJobLogger(context: string): JobLogger {
  const logger = new Logger(context);
  return {
    info: (msg, fields) => logger.log({ msg, ...fields }),
    error: (msg, fields) => logger.error({ msg, ...fields }),
  };
}

export const errorName = (e: unknown): string => (e instanceof Error ? e.name : 'Error');

/**
 * One BullMQ worker per queue of the given handlers, dispatching each job by its name to its
 * handler (a job nobody handles fails, naming queue and job). Worker settings: `WORKER_DEFAULTS`,
 * then the handlers' `worker`, then `overrides` (tests shorten lock and stall times).
 */
export class JobWorkers {
  private workers: Worker[] = [];

  constructor(
    private readonly kit: QueueKit,
    private readonly handlers: readonly DeclaredHandler[],
    private readonly options: { logger?: JobLogger; overrides?: WorkerSettings } = {},
  ) {}

  start(): void {
    const logger = this.options.logger ?? silentJobLogger;
    for (const [queue, list] of groupByQueue(this.handlers)) {
      const settings = Object.assign({}, ...list.map((h) => h.worker), this.options.overrides);
      const worker = this.kit.worker(
        queue,
        (job: Job) => {
          const handler = handlerFor(list, job.name);
          if (!handler) throw new MissingJobHandlerError(`no handler for job ${queue}/${job.name}`);
          return handler.run(job);
        },
        settings,
      );
      worker.on('error', (e) => logger.error('queue worker error', { queue, error: errorName(e) }));
      this.workers.push(worker);
    }
  }

  /**
   * Closes the workers, letting active jobs finish; at once when the backend does not answer
   * (no job can finish then, and BullMQ's graceful close would wait for the connection forever).
   */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    if (workers.length === 0) return;
    const reachable = await this.kit.ping().then(
      () => true,
      () => false,
    );
    await Promise.allSettled(workers.map((w) => w.close(!reachable)));
  }
}
