import type { DataSource, QueryRunner } from 'typeorm';
import {
  comparePositions,
  EventStore,
  formatPosition,
  GlobalPosition,
  ReadAllBatch,
  retryWithBackoff,
  Subscription,
} from '@remedy/event-store';
import {
  applyBatchAtomically,
  CONTROL_CHANNEL,
  ensureCheckpoint,
  parseAdvanceRequest,
  tryLockProjection,
} from './checkpoint';
import type { ProjectionDefinition } from './projection';
import { MAX_WAIT_MS } from './wait';

/** Structured logging hook (pino-like). Messages and fields carry opaque ids and positions only. */
export interface ProjectionLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const consoleErrors: ProjectionLogger = {
  info: () => undefined,
  error: (message, fields) =>
    console.error(JSON.stringify({ level: 'error', msg: message, ...fields })),
};

export interface ProjectionRunnerOptions {
  /** TypeORM DataSource on the read-model database (holds `projection_checkpoints`). */
  readonly dataSource: DataSource;
  readonly eventStore: EventStore;
  readonly projection: ProjectionDefinition;
  /** Events per batch when the projection does not say; default 500. */
  readonly batchSize?: number;
  /** How often a runner that does not hold the projection's lock tries again; default 1000 ms. */
  readonly lockRetryMs?: number;
  /** Backoff after a failure: initialMs doubling up to maxMs (with jitter); defaults 1000 / 60000. */
  readonly retry?: { readonly initialMs?: number; readonly maxMs?: number };
  /**
   * While no event of its types arrives for this long, the runner asks the store whether the
   * readable horizon moved past other events and, if so, stores it as the checkpoint (so that
   * lag and status stay right). Default 250 ms; 0 disables this periodic advance. Each look that
   * finds the head where it was doubles the pause, up to {@link MAX_IDLE_BACKOFF}× this (an idle
   * worker stops polling: a head read per projection every 2 s rather than 4 a second); an
   * applied batch or a moved head brings it back. Independently, a read-your-writes wait asks
   * the runner (NOTIFY) to advance at once up to its position.
   */
  readonly idleAdvanceMs?: number;
  /**
   * The server ends the runner's session (and with it the lock) when a batch transaction sits
   * idle this long, e.g. an `apply` stuck awaiting something outside the database, so it cannot
   * hold back every catch-up reader of the cluster. Default 30 000 ms.
   */
  readonly idleInTransactionTimeoutMs?: number;
  /** Errors go to console.error as JSON when omitted. */
  readonly logger?: ProjectionLogger;
}

export type RunnerState = 'stopped' | 'waiting_for_lock' | 'running' | 'backing_off';

export interface RunnerStatus {
  readonly projection: string;
  readonly state: RunnerState;
  /** Last checkpoint this runner read or stored (undefined before it held the lock). */
  readonly checkpoint?: GlobalPosition;
  /** Events applied by this runner since it was created. */
  readonly appliedEvents: number;
  readonly batches: number;
  /** Failures since the last successful batch (0 when healthy). */
  readonly consecutiveFailures: number;
  readonly lastError?: string;
  readonly lastErrorAt?: Date;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

type Outcome = 'stop' | 'yield' | 'ended';

/** How often a runner re-checks the horizon while a waiter wants a position it has not reached. */
const ADVANCE_TICK_MS = 20;

/** The idle advance's pause grows (doubling) up to this multiple of `idleAdvanceMs`. */
export const MAX_IDLE_BACKOFF = 8;

/**
 * Runs one projection: takes its advisory lock (one runner per projection across all processes;
 * others wait, retrying every `lockRetryMs`), reads its checkpoint, subscribes to all events of
 * its types from there, and applies each batch in one transaction that also stores the
 * checkpoint, on the very connection that holds the lock (so a runner that lost its connection,
 * and with it the lock, cannot write). A failing batch rolls back, stops the subscription, and
 * is retried after an exponential backoff; `status()` shows the error. A rebuild asks the
 * runner to step aside (NOTIFY on `remedy_projection_control`); it takes the lock back after.
 */
export class ProjectionRunner {
  private readonly projection: ProjectionDefinition;
  private readonly batchSize: number;
  private readonly lockRetryMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly logger: ProjectionLogger;
  private readonly idleAdvanceMs: number;

  private loop?: Promise<void>;
  private stopping = false;
  private stopSignal = deferred<'stop'>();
  /** Aborted by stop(): cuts a backoff delay short. */
  private stopController = new AbortController();
  private state: RunnerState = 'stopped';
  private checkpoint?: GlobalPosition;
  private appliedEvents = 0;
  private batches = 0;
  private failures = 0;
  private lastError?: string;
  private lastErrorAt?: Date;

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.projection = options.projection;
    this.batchSize = options.projection.batchSize ?? options.batchSize ?? 500;
    this.lockRetryMs = options.lockRetryMs ?? 1000;
    this.retryInitialMs = options.retry?.initialMs ?? 1000;
    this.retryMaxMs = options.retry?.maxMs ?? 60_000;
    this.logger = options.logger ?? consoleErrors;
    this.idleAdvanceMs = options.idleAdvanceMs ?? 250;
  }

  get name(): string {
    return this.projection.name;
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.stopSignal = deferred();
    this.stopController = new AbortController();
    this.loop = this.run();
  }

  /** Finishes the batch in flight (its checkpoint is stored with it), releases the lock, resolves. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.stopSignal.resolve('stop');
    this.stopController.abort();
    await this.loop;
    this.loop = undefined;
  }

  status(): RunnerStatus {
    return {
      projection: this.projection.name,
      state: this.state,
      checkpoint: this.checkpoint,
      appliedEvents: this.appliedEvents,
      batches: this.batches,
      consecutiveFailures: this.failures,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
    };
  }

  private async run(): Promise<void> {
    try {
      await retryWithBackoff(
        async ({ progressed }) => {
          while (!this.stopping) {
            // After stepping aside for a rebuild, let it take the lock first.
            if ((await this.session(progressed)) === 'yield') {
              await this.sleepUnlessStopped(this.lockRetryMs);
            }
          }
        },
        {
          initialDelayMs: this.retryInitialMs,
          maxDelayMs: this.retryMaxMs,
          jitter: 0.25,
          signal: this.stopController.signal,
          onRetry: ({ error, delayMs }) => {
            this.recordFailure(error, delayMs);
            this.state = 'backing_off';
          },
        },
      );
    } catch (err) {
      this.recordFailure(err); // failed while stopping: not retried
    }
    this.state = 'stopped';
  }

  private recordFailure(err: unknown, retryInMs?: number): void {
    this.failures += 1;
    this.lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.lastErrorAt = new Date();
    this.logger.error('projection stopped by an error; retrying after backoff', {
      projection: this.projection.name,
      checkpoint: this.checkpoint ? formatPosition(this.checkpoint) : undefined,
      error: this.lastError,
      consecutiveFailures: this.failures,
      retryInMs,
    });
  }

  /** Resolves true when stopped during the sleep. */
  private async sleepUnlessStopped(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const slept = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
    const result = await Promise.race([slept, this.stopSignal.promise.then(() => true)]);
    clearTimeout(timer);
    return result;
  }

  /**
   * One lock tenure: returns on stop or yield, throws on failure. Always releases the lock.
   * `progressed` is told of each applied batch (the next failure backs off from the start again).
   */
  private async session(progressed: () => void): Promise<Outcome | 'failed'> {
    const { dataSource, eventStore } = this.options;
    const name = this.projection.name;
    const qr: QueryRunner = dataSource.createQueryRunner();
    let locked = false;
    let client:
      | { on(e: string, f: (m: any) => void): void; off(e: string, f: (m: any) => void): void }
      | undefined;
    const yieldSignal = deferred<'yield'>();
    // A waiter asking for a position (read your writes): advance promptly while it waits.
    let onAdvanceRequest: ((position: GlobalPosition) => void) | undefined;
    const onNotification = (msg: { channel: string; payload?: string }) => {
      if (msg.channel !== CONTROL_CHANNEL || !msg.payload) return;
      if (msg.payload === `yield ${name}`) yieldSignal.resolve('yield');
      const request = parseAdvanceRequest(msg.payload);
      if (request?.projection === name) onAdvanceRequest?.(request.position);
    };
    try {
      client = await qr.connect();
      this.state = 'waiting_for_lock';
      while (!(locked = await tryLockProjection(qr, name))) {
        if (await this.sleepUnlessStopped(this.lockRetryMs)) return 'stop';
      }
      client!.on('notification', onNotification);
      await qr.query(`LISTEN ${CONTROL_CHANNEL}`);
      const idleInTx = Math.max(0, Math.floor(this.options.idleInTransactionTimeoutMs ?? 30_000));
      // Batches commit without waiting for the WAL flush, set once for the session (issue 18: a
      // worker commits a batch per projection per tail read; see applyBatchAtomically's
      // asyncCommit for why that keeps every guarantee).
      await qr.query(
        `SET idle_in_transaction_session_timeout = ${idleInTx}; SET synchronous_commit = off`,
      );
      let checkpoint = await ensureCheckpoint(qr, name);
      this.checkpoint = checkpoint;
      this.state = 'running';
      this.logger.info('projection running', {
        projection: name,
        checkpoint: formatPosition(checkpoint),
      });

      const failed = deferred<'failed'>();
      let failure: unknown;
      let lastBatchAt = performance.now();
      // The pause of the periodic advance: doubles while the head stays put (see idleAdvanceMs).
      let idlePause = this.idleAdvanceMs;
      let lastHead: GlobalPosition | undefined;
      // Batches and idle advances share the connection: one at a time, in order.
      let queue: Promise<unknown> = Promise.resolve();
      const serially = <T>(work: () => Promise<T>): Promise<T> => {
        const run = queue.then(work);
        queue = run.catch(() => undefined);
        return run;
      };
      const apply = (batch: ReadAllBatch) =>
        serially(async () => {
          try {
            const result = await applyBatchAtomically(qr, this.projection, checkpoint, batch);
            checkpoint = result.checkpoint;
            this.checkpoint = checkpoint;
            if (result.applied > 0) {
              this.appliedEvents += result.applied;
              this.batches += 1;
              idlePause = this.idleAdvanceMs;
            }
            this.failures = 0;
            progressed();
            lastBatchAt = performance.now();
          } catch (err) {
            failure ??= err;
            failed.resolve('failed');
            throw err;
          }
        });
      const subscription: Subscription = eventStore.subscribeToAll(
        { from: checkpoint, batchSize: this.batchSize, types: this.projection.eventTypes },
        apply,
      );
      // While no event of its types arrives, move the checkpoint past the others, so that a
      // read-your-writes wait for an unrelated event is answered: after the idle pause (from
      // idleAdvanceMs, doubling while the head stays put), and every ADVANCE_TICK_MS while a
      // waiter has asked for a position the checkpoint has not reached.
      let advancing = false;
      let closing = false;
      let wanted: GlobalPosition | undefined;
      let wantedUntil = 0;
      let idle: Promise<void> = Promise.resolve();
      const advance = () => {
        if (advancing || closing) return;
        if (
          wanted &&
          (comparePositions(checkpoint, wanted) >= 0 || performance.now() > wantedUntil)
        ) {
          wanted = undefined; // reached, or no one waits any longer
        }
        const due =
          wanted !== undefined ||
          (this.idleAdvanceMs > 0 && performance.now() - lastBatchAt >= idlePause);
        if (!due) return;
        advancing = true;
        const from = checkpoint;
        idle = (async () => {
          // Only when an event (of any type) lies past the checkpoint: an idle system writes
          // nothing (each checkpoint write would itself move the horizon).
          const head = await eventStore.headPosition();
          const moved = lastHead === undefined || comparePositions(head, lastHead) !== 0;
          lastHead = head;
          idlePause = moved
            ? this.idleAdvanceMs
            : Math.min(idlePause * 2, this.idleAdvanceMs * MAX_IDLE_BACKOFF);
          if (closing || comparePositions(head, from) <= 0) return;
          const batch = await eventStore.readAll({
            from,
            batchSize: 1,
            types: this.projection.eventTypes,
          });
          if (
            !closing &&
            batch.events.length === 0 &&
            batch.isEnd &&
            comparePositions(batch.next, from) > 0
          ) {
            await apply(batch);
          }
        })()
          .catch((err: unknown) => {
            failure ??= err;
            failed.resolve('failed');
          })
          .finally(() => {
            advancing = false;
            lastBatchAt = performance.now();
          });
      };
      // One timer: every ADVANCE_TICK_MS while a waiter wants a position, else when the idle
      // pause is over (none at all without a periodic advance and a waiter).
      const periodic = this.idleAdvanceMs > 0;
      let tick: NodeJS.Timeout | undefined;
      const schedule = () => {
        clearTimeout(tick);
        if (closing || (!periodic && wanted === undefined)) return;
        const delay =
          wanted !== undefined
            ? ADVANCE_TICK_MS
            : Math.max(ADVANCE_TICK_MS, idlePause - (performance.now() - lastBatchAt));
        tick = setTimeout(() => {
          advance();
          schedule();
        }, delay);
      };
      onAdvanceRequest = (position) => {
        if (comparePositions(checkpoint, position) >= 0) return;
        if (!wanted || comparePositions(position, wanted) > 0) wanted = position;
        wantedUntil = performance.now() + MAX_WAIT_MS;
        advance();
        schedule();
      };
      schedule();
      const outcome: Outcome | 'failed' = await Promise.race([
        subscription.done.then(
          () => 'ended' as const,
          () => 'failed' as const,
        ),
        failed.promise,
        this.stopSignal.promise,
        yieldSignal.promise,
      ]);
      closing = true;
      onAdvanceRequest = undefined;
      clearTimeout(tick);
      if (outcome !== 'ended') await subscription.stop();
      await idle; // an idle advance in flight
      await queue;
      // Rejects with the batch error when a batch failed (or failed while stopping).
      await subscription.done;
      if (failure !== undefined) throw failure;
      if (outcome === 'ended' && !this.stopping) {
        throw new Error(`Projection ${name}: the event subscription ended unexpectedly`);
      }
      if (outcome === 'yield') {
        this.logger.info('projection yielding its lock to a rebuild', { projection: name });
        this.state = 'waiting_for_lock';
      }
      return outcome;
    } finally {
      client?.off('notification', onNotification);
      if (locked) {
        // Connection-level state must not leak into the pool. If the connection is gone, so is
        // the session and with it the lock.
        await qr.query(`UNLISTEN ${CONTROL_CHANNEL}`).catch(() => undefined);
        await qr
          .query('RESET idle_in_transaction_session_timeout; RESET synchronous_commit')
          .catch(() => undefined);
        await qr.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      }
      await qr.release().catch(() => undefined);
    }
  }
}
