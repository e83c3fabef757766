import type { Job, Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { readCase } from '@remedy/case-stream';
import { withOrganisationScope } from '@remedy/database';
import type { EventStore } from '@remedy/event-store';
import {
  errorName,
  JobHandler,
  JobRuntime,
  jobTypes,
  type JobLogger,
  type JobRuntimeOptions,
} from '@remedy/queue';
import { retentionCutoff, type RetentionSchedules } from './schedule';

export const RETENTION_QUEUE = 'retention';
/** The repeatable sweep's scheduler id (one per deployment). */
export const RETENTION_SWEEP_SCHEDULER = 'retention-sweep';
/** The job types a retention worker handles (checked at start-up by JobsModule). */
export const RETENTION_JOBS = jobTypes(RETENTION_QUEUE, ['sweep', 'erase']);

export type RetentionJobData =
  | { readonly kind: 'sweep' }
  | {
      readonly kind: 'erase';
      /** Opaque ids and a revision only: never personal data in a job. */
      readonly caseId: string;
      readonly organisationId: string;
      /** Revision of the closure that made the case due (part of the job id). */
      readonly closedAtRevision: string;
    };

export type EraseOutcome =
  'erased' | 'already_erased' | 'not_held' | 'not_closed' | 'not_due' | 'no_schedule';

/** Erases one case through the application's erase command, as a system actor. */
export type EraseCase = (input: {
  readonly caseId: string;
  readonly organisationId: string;
  /** The BullMQ job id: the command's Idempotency-Key, so a retried job appends nothing twice. */
  readonly jobId: string;
}) => Promise<'erased' | 'already_erased'>;

export type RetentionLogger = JobLogger;

export interface RetentionRuntimeOptions extends JobRuntimeOptions {
  readonly dataSource: DataSource;
  readonly eventStore: EventStore;
  readonly schedules: RetentionSchedules;
  readonly erase: EraseCase;
  /** The decisions' clock (CLOCK of @remedy/case-commands). */
  readonly now: () => Date;
  /** When the sweep repeats (cron, in `timeZone`); default every day at 02:17. */
  readonly sweepPattern?: string;
  readonly timeZone?: string;
  /** Run the processor in this process (default true; without JobsModule only). */
  readonly process?: boolean;
}

/** BullMQ refuses ':' in custom job ids; parts are joined with '-'. */
export const eraseJobId = (caseId: string, closedAtRevision: string): string =>
  `retention-erase-${caseId}-${closedAtRevision}`;

/**
 * The retention schedule in a worker process. A repeatable `sweep` job (a BullMQ job scheduler)
 * finds, for every organisation with a schedule, its cases closed (and not reopened) more than N
 * years ago and not yet erased (read models), and queues one `erase` job per case, whose id is
 * derived from the case and the closing event's revision: queued twice, it runs once. An `erase`
 * job decides again on the case's stream (still held, closed, due, not erased: a stale read
 * model erases nothing) and then erases through the application's erase command, as a supervisor
 * would; a case already erased is never erased again.
 */
export class RetentionRuntime extends JobRuntime {
  readonly queue: Queue<RetentionJobData>;

  constructor(private readonly options: RetentionRuntimeOptions) {
    super(options);
    this.queue = this.openQueue<RetentionJobData>(RETENTION_QUEUE, 'retention queue');
  }

  async start(): Promise<void> {
    if (this.options.process !== false) this.startWorkers();
    try {
      await this.queue.upsertJobScheduler(
        RETENTION_SWEEP_SCHEDULER,
        {
          pattern: this.options.sweepPattern ?? '17 2 * * *',
          ...(this.options.timeZone ? { tz: this.options.timeZone } : {}),
        },
        { name: 'sweep', data: { kind: 'sweep' } },
      );
    } catch (e) {
      // The queue is down: the next start (or an operator) declares it again; erasure waits.
      this.logger.error('retention sweep could not be scheduled', { error: errorName(e) });
    }
  }

  async stop(): Promise<void> {
    await this.stopWorkers();
    await this.queue.close();
  }

  /** Queues a sweep now (operators, tests); the job id makes concurrent calls one sweep. */
  async sweepNow(id = `retention-sweep-${this.options.now().toISOString().replace(/[:.]/g, '-')}`) {
    return this.queue.add('sweep', { kind: 'sweep' }, { jobId: id });
  }

  /** The erase job: erases its case if it is due, deciding again on the case's stream. */
  @JobHandler({ queue: RETENTION_QUEUE, name: 'erase', worker: { concurrency: 2 } })
  async erase(job: Job<RetentionJobData>): Promise<EraseOutcome> {
    const data = job.data as Extract<RetentionJobData, { kind: 'erase' }>;
    const outcome = await this.eraseIfDue(
      data,
      job.id ?? eraseJobId(data.caseId, data.closedAtRevision),
    );
    this.logger.info('retention erase job', { caseId: data.caseId, outcome });
    return outcome;
  }

  /** Queues an erase job for every due case of every organisation with a schedule. */
  @JobHandler({ queue: RETENTION_QUEUE, name: 'sweep' })
  async sweep(): Promise<{ organisations: number; queued: number }> {
    const now = this.options.now();
    const orgs = (await this.options.dataSource.query(
      'SELECT organisation_id FROM organisation_directory ORDER BY organisation_id',
    )) as { organisation_id: string }[];
    let organisations = 0;
    let queued = 0;
    for (const { organisation_id: organisationId } of orgs) {
      const schedule = await this.options.schedules.get(organisationId);
      const years = schedule.erasePersonalDataYearsAfterClosure;
      if (years === null) continue;
      organisations++;
      const due = await this.dueCases(organisationId, retentionCutoff(now, years));
      if (due.length === 0) continue;
      await this.queue.addBulk(
        due.map((c) => ({
          name: 'erase',
          data: {
            kind: 'erase' as const,
            caseId: c.case_id,
            organisationId,
            closedAtRevision: c.revision,
          },
          opts: { jobId: eraseJobId(c.case_id, c.revision) },
        })),
      );
      queued += due.length;
    }
    this.logger.info('retention sweep', { organisations, queued });
    return { organisations, queued };
  }

  /**
   * Candidates from the read models: closed, not erased, last closure before the cutoff. Read as
   * the application role with the organisation set (row-level security: only its rows).
   */
  async dueCases(
    organisationId: string,
    cutoff: Date,
  ): Promise<{ case_id: string; revision: string }[]> {
    return (await withOrganisationScope(this.options.dataSource, organisationId, (db) =>
      db.query(
        `SELECT c.case_id, closure.revision::text AS revision
           FROM case_list c
           CROSS JOIN LATERAL (
             SELECT t.revision, t.occurred_at FROM case_timeline t
              WHERE t.case_id = c.case_id AND t.event_type = 'ClosureApproved'
              ORDER BY t.revision DESC LIMIT 1) closure
          WHERE c.organisation_id = $1 AND c.lifecycle = 'closed' AND NOT c.erased
            AND closure.occurred_at < $2
          ORDER BY c.case_id`,
        [organisationId, cutoff],
      ),
    )) as { case_id: string; revision: string }[];
  }

  /** Decides on the case's stream, now, whether it is due; erases it if so. */
  async eraseIfDue(
    data: Extract<RetentionJobData, { kind: 'erase' }>,
    jobId: string,
  ): Promise<EraseOutcome> {
    const stream = await readCase(this.options.eventStore, data.caseId);
    const state = stream.readableState();
    if (state.erased) return 'already_erased';
    if (
      state.lifecycle === 'not_opened' ||
      state.holdingOrganisationId.toLowerCase() !== data.organisationId.toLowerCase()
    )
      return 'not_held';
    if (state.lifecycle !== 'closed') return 'not_closed';
    const schedule = await this.options.schedules.get(data.organisationId);
    const years = schedule.erasePersonalDataYearsAfterClosure;
    if (years === null) return 'no_schedule';
    const closure = [...stream.events].reverse().find((e) => e.type === 'ClosureApproved');
    if (!closure) return 'not_closed';
    const closedAt = new Date(closure.data.occurredAt);
    if (!(closedAt < retentionCutoff(this.options.now(), years))) return 'not_due';
    return this.options.erase({ caseId: data.caseId, organisationId: data.organisationId, jobId });
  }
}
