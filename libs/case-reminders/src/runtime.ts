import type { Job, Queue } from 'bullmq';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { CASES_PROJECTION } from '@remedy/case-read-models';
import { CHECKPOINT_CHANNEL } from '@remedy/projections';
import {
  declaredHandlers,
  errorName,
  JobHandler,
  JobRuntime,
  jobTypes,
  type JobLogger,
  type JobRuntimeOptions,
} from '@remedy/queue';
import { processReminder, type ReminderOutcome } from './processor';
import { ReminderReconciler, type ReconcileReport } from './reconciler';
import {
  REMINDER_KINDS,
  REMINDER_RECONCILIATION_QUEUE,
  REMINDER_RECONCILIATION_SCHEDULER,
  REMINDERS_QUEUE,
  type ReminderJobData,
  type ReminderSettings,
} from './reminders';

/** Structured logging hook: messages and fields carry opaque ids and counts only. */
export type ReminderLogger = JobLogger;

/** The job types a reminder worker handles (checked at start-up by JobsModule). */
export const REMINDER_JOBS = [
  ...jobTypes(REMINDERS_QUEUE, REMINDER_KINDS),
  ...jobTypes(REMINDER_RECONCILIATION_QUEUE, ['reconcile']),
];

export interface ReminderRuntimeOptions extends JobRuntimeOptions {
  readonly dataSource: DataSource;
  readonly settings: ReminderSettings;
  /** PostgreSQL URL to LISTEN for projection checkpoints (incremental reconciliation after batches). */
  readonly databaseUrl?: string;
  /** Run the reminders' processor in this process (default true; without JobsModule only). */
  readonly process?: boolean;
  readonly now?: () => Date;
}

/**
 * Reminders in a worker process: the BullMQ processor, and reconciliation of the queue with the
 * read model at start-up, after each batch of the cases projection or of a further source's
 * projections (LISTEN on the checkpoint channel, debounced, incremental), when the queue backend answers again after failing
 * (reconnection; probed every `queueProbeSeconds`) and every `reconcileEveryMinutes` (full, a
 * BullMQ job scheduler: one run per period for the whole deployment, by whichever worker takes it).
 * Losing the queue therefore loses no reminder: the next full reconciliation puts them back.
 */
export class ReminderRuntime extends JobRuntime {
  readonly queue: Queue<ReminderJobData>;
  readonly reconciler: ReminderReconciler;
  private readonly reconciliation: Queue;
  private timers: NodeJS.Timeout[] = [];
  private debounce: NodeJS.Timeout | undefined;
  private listener: Client | undefined;
  private queueDown = false;
  private periodicDeclared = false;
  private stopped = false;
  private readonly now: () => Date;
  /** Projections whose batches trigger an incremental run: the cases projection and the sources'. */
  private readonly triggers: ReadonlySet<string>;

  constructor(private readonly options: ReminderRuntimeOptions) {
    super(options);
    this.now = options.now ?? (() => new Date());
    this.triggers = new Set([
      CASES_PROJECTION,
      ...options.settings.sources.flatMap((src) => src.projections ?? []),
    ]);
    this.queue = this.openQueue<ReminderJobData>(REMINDERS_QUEUE, 'reminder queue');
    this.reconciliation = this.openQueue(
      REMINDER_RECONCILIATION_QUEUE,
      'reminder reconciliation queue',
    );
    this.reconciler = new ReminderReconciler(
      options.dataSource,
      this.queue,
      options.settings,
      this.now,
    );
  }

  /** A reminder fired (every kind, the further sources' too): recorded as due if still called for. */
  @JobHandler({ queue: REMINDERS_QUEUE })
  fire(job: Job<ReminderJobData>): Promise<ReminderOutcome> {
    return processReminder(this.options.dataSource, this.options.settings, job, this.now());
  }

  /** The periodic full reconciliation (the job scheduler's job). */
  @JobHandler({ queue: REMINDER_RECONCILIATION_QUEUE, name: 'reconcile' })
  async periodic(): Promise<ReconcileReport | undefined> {
    return this.reconcile('full', 'periodic');
  }

  async start(): Promise<void> {
    const { settings } = this.options;
    this.stopped = false;
    this.startWorkers(
      declaredHandlers(this).filter(
        (h) => this.options.process !== false || h.queue !== REMINDERS_QUEUE,
      ),
    );
    // The periodic run is declared once the queue answers (here, or by the next probe).
    if (await this.reconcile('full', 'start-up')) await this.schedulePeriodic();
    this.timers.push(setInterval(() => void this.probeQueue(), settings.queueProbeSeconds * 1000));
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
    await this.stopWorkers();
    await Promise.all([this.queue.close(), this.reconciliation.close()]);
  }

  /**
   * Declares the periodic reconciliation (idempotent: one scheduler per deployment, the last
   * start's period wins). Its first run is one period from now: start-up has just reconciled.
   */
  private async schedulePeriodic(): Promise<void> {
    const every = this.options.settings.reconcileEveryMinutes * 60_000;
    try {
      await this.reconciliation.upsertJobScheduler(
        REMINDER_RECONCILIATION_SCHEDULER,
        { every, startDate: new Date(Date.now() + every) },
        { name: 'reconcile', data: {}, opts: { attempts: 1 } },
      );
      this.periodicDeclared = true;
    } catch (e) {
      // The queue is down: the probe declares it once the queue answers again.
      this.logger.error('periodic reminder reconciliation could not be scheduled', {
        error: errorName(e),
      });
    }
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
      if (this.queueDown && (await this.reconcile('full', 'queue-reconnected')))
        this.queueDown = false;
      if (!this.periodicDeclared && !this.stopped) await this.schedulePeriodic();
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
