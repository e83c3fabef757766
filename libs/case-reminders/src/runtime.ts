import type { Queue, Worker, WorkerOptions } from 'bullmq';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { CASES_PROJECTION } from '@remedy/case-read-models';
import { CHECKPOINT_CHANNEL } from '@remedy/projections';
import type { QueueKit } from '@remedy/queue';
import { processReminder } from './processor';
import { ReminderReconciler, type ReconcileReport } from './reconciler';
import { REMINDERS_QUEUE, type ReminderJobData, type ReminderSettings } from './reminders';

/** Structured logging hook: messages and fields carry opaque ids and counts only. */
export interface ReminderLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ReminderRuntimeOptions {
  readonly dataSource: DataSource;
  readonly kit: QueueKit;
  readonly settings: ReminderSettings;
  /** PostgreSQL URL to LISTEN for projection checkpoints (incremental reconciliation after batches). */
  readonly databaseUrl?: string;
  /** Run the processor in this process (default true). */
  readonly process?: boolean;
  readonly now?: () => Date;
  readonly logger?: ReminderLogger;
  /**
   * Overrides of the processor's BullMQ settings (default `WORKER_DEFAULTS` of @remedy/queue),
   * e.g. a shorter `lockDuration`/`stalledInterval` so that a test sees a killed worker's jobs
   * recovered in seconds rather than in up to `lockDuration + stalledInterval`.
   */
  readonly worker?: Partial<
    Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'concurrency'>
  >;
}

const silent: ReminderLogger = { info: () => undefined, error: () => undefined };
const errorName = (e: unknown) => (e instanceof Error ? e.name : 'Error');

/**
 * Reminders in a worker process: the BullMQ processor, and reconciliation of the queue with the
 * read model at start-up, after each batch of the cases projection or of a further source's
 * projections (LISTEN on the checkpoint channel, debounced, incremental), when the queue backend answers again after failing
 * (reconnection; probed every `queueProbeSeconds`) and every `reconcileEveryMinutes` (full).
 * Losing the queue therefore loses no reminder: the next full reconciliation puts them back.
 */
export class ReminderRuntime {
  readonly queue: Queue<ReminderJobData>;
  readonly reconciler: ReminderReconciler;
  private worker: Worker<ReminderJobData> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private debounce: NodeJS.Timeout | undefined;
  private listener: Client | undefined;
  private queueDown = false;
  private stopped = false;
  private readonly logger: ReminderLogger;
  private readonly now: () => Date;
  /** Projections whose batches trigger an incremental run: the cases projection and the sources'. */
  private readonly triggers: ReadonlySet<string>;

  constructor(private readonly options: ReminderRuntimeOptions) {
    this.now = options.now ?? (() => new Date());
    this.logger = options.logger ?? silent;
    this.triggers = new Set([
      CASES_PROJECTION,
      ...options.settings.sources.flatMap((src) => src.projections ?? []),
    ]);
    this.queue = options.kit.queue<ReminderJobData>(REMINDERS_QUEUE);
    // Connection errors of the queue (Redis down): logged here rather than printed raw by BullMQ.
    this.queue.on('error', (e) => this.logger.error('reminder queue error', { error: errorName(e) }));
    this.reconciler = new ReminderReconciler(
      options.dataSource,
      this.queue,
      options.settings,
      this.now,
    );
  }

  async start(): Promise<void> {
    const { dataSource, kit, settings } = this.options;
    this.stopped = false;
    if (this.options.process !== false) {
      this.worker = kit.worker<ReminderJobData, string>(
        REMINDERS_QUEUE,
        (job) => processReminder(dataSource, settings, job, this.now()),
        this.options.worker,
      );
      this.worker.on('error', (e) =>
        this.logger.error('reminder worker error', { error: errorName(e) }),
      );
    }
    await this.reconcile('full', 'start-up');
    this.timers.push(
      setInterval(
        () => void this.reconcile('full', 'periodic'),
        settings.reconcileEveryMinutes * 60_000,
      ),
      setInterval(() => void this.probeQueue(), settings.queueProbeSeconds * 1000),
    );
    for (const t of this.timers) t.unref();
    await this.listen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    clearTimeout(this.debounce);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.worker?.close();
    this.worker = undefined;
    await this.queue.close();
  }

  /** Reconciles now; errors are logged (and retried by the next trigger), never thrown. */
  async reconcile(
    mode: 'full' | 'incremental',
    trigger: string,
  ): Promise<ReconcileReport | undefined> {
    if (this.stopped) return undefined;
    try {
      const report = await this.reconciler.reconcile(mode);
      if (report.added + report.removed > 0)
        this.logger.info('reminders reconciled', { trigger, ...report });
      return report;
    } catch (e) {
      this.logger.error('reminder reconciliation failed; retried by the next trigger', {
        trigger,
        error: errorName(e),
      });
      return undefined;
    }
  }

  private async probeQueue(): Promise<void> {
    try {
      await this.options.kit.ping();
      // The probe's own connection may be back before the queue's: until a full reconciliation
      // succeeds, the queue counts as down and the next probe tries again.
      if (this.queueDown && (await this.reconcile('full', 'queue-reconnected'))) this.queueDown = false;
    } catch {
      this.queueDown = true;
    }
    if (!this.listener && !this.stopped) await this.listen();
  }

  private async listen(): Promise<void> {
    const url = this.options.databaseUrl;
    if (!url || this.listener) return;
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      client.on('notification', (msg) => {
        const name = msg.payload?.split(' ')[0];
        if (msg.channel === CHECKPOINT_CHANNEL && name !== undefined && this.triggers.has(name))
          this.schedule();
      });
      client.on('error', () => {
        if (this.listener === client) this.listener = undefined; // re-established by the next probe
      });
      await client.query(`LISTEN ${CHECKPOINT_CHANNEL}`);
      this.listener = client;
    } catch (e) {
      this.logger.error('cannot listen for projection checkpoints; periodic reconciliation only', {
        error: errorName(e),
      });
      await client.end().catch(() => undefined);
    }
  }

  private schedule(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(
      () => void this.reconcile('incremental', 'projection-batch'),
      this.options.settings.debounceMs,
    );
  }
}
