import { randomUUID } from 'node:crypto';
import { formatPosition, WrongExpectedVersionError, type EventStore } from '@remedy/event-store';

/** Bounds of a retention period, in whole years after closure. */
export const MIN_RETENTION_YEARS = 1;
export const MAX_RETENTION_YEARS = 100;

/**
 * An organisation's retention schedule, as events of the stream `retention-<organisation uuid>`
 * (opaque ids and a number only). `erasePersonalDataYearsAfterClosure: null` = no automatic
 * erasure (the default, when the stream does not exist).
 */
export interface RetentionScheduleSet {
  readonly type: 'RetentionScheduleSet';
  readonly schemaVersion: 1;
  readonly data: {
    readonly organisationId: string;
    readonly erasePersonalDataYearsAfterClosure: number | null;
    /** The supervisor or administrator who set it (opaque id). */
    readonly actorId: string;
    readonly occurredAt: string;
  };
}

export const RETENTION_EVENT_TYPES = ['RetentionScheduleSet'] as const;

export const retentionStreamId = (organisationId: string): string =>
  `retention-${organisationId.toLowerCase()}`;

export interface RetentionSchedule {
  readonly organisationId: string;
  readonly erasePersonalDataYearsAfterClosure: number | null;
  /** Stream revision (ETag); -1 when never set. */
  readonly revision: number;
  readonly setBy: string | null;
  readonly setAt: string | null;
}

export class RetentionConflictError extends Error {
  override readonly name = 'RetentionConflictError';
}

export class RetentionPreconditionError extends Error {
  override readonly name = 'RetentionPreconditionError';
  constructor(readonly currentRevision: number) {
    super(`If-Match does not match the schedule's current revision ${currentRevision}`);
  }
}

/** Is `years` an allowed retention period (null: none)? */
export const isRetentionYears = (years: unknown): years is number | null =>
  years === null ||
  (Number.isInteger(years) &&
    (years as number) >= MIN_RETENTION_YEARS &&
    (years as number) <= MAX_RETENTION_YEARS);

/**
 * The instant before which a closure makes a case due for erasure: `now` minus `years` calendar
 * years (UTC; 29 February goes to 1 March in a common year, as Date does).
 */
export function retentionCutoff(now: Date, years: number): Date {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  return cutoff;
}

/** Reads and sets retention schedules on their streams. */
export class RetentionSchedules {
  constructor(
    private readonly store: EventStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(organisationId: string): Promise<RetentionSchedule> {
    const id = organisationId.toLowerCase();
    const events = await this.store.readStream(retentionStreamId(id));
    let schedule: RetentionSchedule = {
      organisationId: id,
      erasePersonalDataYearsAfterClosure: null,
      revision: -1,
      setBy: null,
      setAt: null,
    };
    for (const e of events) {
      if (e.type !== 'RetentionScheduleSet') continue;
      const d = e.data as RetentionScheduleSet['data'];
      schedule = {
        organisationId: id,
        erasePersonalDataYearsAfterClosure: d.erasePersonalDataYearsAfterClosure,
        revision: Number(e.revision),
        setBy: d.actorId,
        setAt: d.occurredAt,
      };
    }
    return schedule;
  }

  /**
   * Appends the new schedule at the revision just read (or the one the client names with
   * If-Match): a concurrent change makes it fail (RetentionConflictError) rather than be lost.
   */
  async set(
    organisationId: string,
    years: number | null,
    by: { readonly userId: string; readonly organisationId: string; readonly requestId: string },
    ifMatch?: number,
  ): Promise<RetentionSchedule & { position: string }> {
    if (!isRetentionYears(years)) throw new RangeError('retention years out of range');
    const id = organisationId.toLowerCase();
    const current = await this.get(id);
    if (ifMatch !== undefined && ifMatch !== current.revision)
      throw new RetentionPreconditionError(current.revision);
    const occurredAt = this.now();
    const event: RetentionScheduleSet = {
      type: 'RetentionScheduleSet',
      schemaVersion: 1,
      data: {
        organisationId: id,
        erasePersonalDataYearsAfterClosure: years,
        actorId: by.userId,
        occurredAt: occurredAt.toISOString(),
      },
    };
    try {
      const result = await this.store.append(
        retentionStreamId(id),
        [
          {
            id: randomUUID(),
            type: event.type,
            schemaVersion: event.schemaVersion,
            data: event.data,
            metadata: {
              correlationId: by.requestId,
              userId: by.userId,
              organisationId: by.organisationId,
            },
            occurredAt,
          },
        ],
        current.revision < 0 ? 'no_stream' : BigInt(current.revision),
      );
      return {
        organisationId: id,
        erasePersonalDataYearsAfterClosure: years,
        revision: Number(result.nextRevision),
        setBy: by.userId,
        setAt: event.data.occurredAt,
        position: formatPosition(result.position),
      };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError)
        throw new RetentionConflictError('the retention schedule changed meanwhile');
      throw error;
    }
  }
}
