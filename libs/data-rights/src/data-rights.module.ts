import {
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AuditTrail } from '@remedy/audit';
import {
  CLOCK,
  DomainError,
  ErasePersonalDataCommand,
  uuidV5,
  type Clock,
} from '@remedy/case-commands';
import { CaseQueries } from '@remedy/case-read-models';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import type { CaseCipher } from '@remedy/crypto';
import { EVENT_STORE, type EventStore } from '@remedy/event-store';
import { LegalAidQueries } from '@remedy/legal-aid';
import { expectJobs, JobsModule, nestJobLogger, QUEUE_KIT, type QueueKit } from '@remedy/queue';
import { AccessRequestExporter } from './access-request';
import { AccessRequestController } from './access-request.controller';
import { RetentionController } from './retention/retention.controller';
import {
  RETENTION_JOBS,
  RETENTION_QUEUE,
  RetentionRuntime,
  type EraseCase,
} from './retention/runtime';
import { RetentionSchedules } from './retention/schedule';
import { ACCESS_REQUEST_EXPORTER, RETENTION_RUNTIME, RETENTION_SCHEDULES } from './tokens';

/**
 * The system actor of the retention schedule: a fixed opaque id (no person), acting with the
 * supervisor role of the organisation holding the case. Events it appends name it as their actor.
 */
export const RETENTION_SYSTEM_USER_ID = uuidV5('remedy/system/retention-schedule');

export interface DataRightsModuleOptions {
  /** Modules exporting the cipher token, CLOCK and OrganisationDirectory (CaseCommandsModule). */
  readonly imports: NonNullable<ModuleMetadata['imports']>;
  /** The app's CaseCipher token (CASE_CIPHER of @remedy/case-commands). */
  readonly cipherToken: InjectionToken;
}

export interface RetentionWorkerOptions {
  /** Modules exporting CLOCK and registering the erase command's handler (CaseCommandsModule). */
  readonly imports: NonNullable<ModuleMetadata['imports']>;
  /** Cron pattern of the sweep (in the jurisdiction's time zone); default daily at 02:17. */
  readonly sweepPattern?: string;
}

/** The audit trail's route of the retention schedule's erase jobs (no HTTP route: a job). */
export const RETENTION_ERASE_AUDIT_ROUTE = '/jobs/retention/erase';

/**
 * The erase command of the application, issued by the retention schedule's system actor, and
 * recorded in the audit trail like every command (who, which organisation, which case, when,
 * the outcome), written before the job completes: if the row cannot be written the job fails
 * and its retry, finding the erasure already appended, records it then.
 */
export function eraseThroughCommand(bus: CommandBus, trail?: AuditTrail): EraseCase {
  return async ({ caseId, organisationId, jobId }) => {
    const audit = (status: number, rule: string | null) =>
      trail?.record({
        requestId: jobId,
        userId: RETENTION_SYSTEM_USER_ID,
        organisationId,
        roles: ['supervisor'],
        method: 'JOB',
        route: RETENTION_ERASE_AUDIT_ROUTE,
        caseId,
        caseIds: [],
        status,
        outcome: status < 400 ? 'allowed' : 'denied',
        rule,
      });
    try {
      await bus.execute(
        new ErasePersonalDataCommand(caseId, {
          actor: { userId: RETENTION_SYSTEM_USER_ID, organisationId, roles: ['supervisor'] },
          requestId: jobId,
          route: `JOB ${RETENTION_QUEUE}/erase`,
          // The job id: a retried job finds its erasure already appended and appends nothing.
          idempotencyKey: jobId,
        }),
      );
    } catch (error) {
      if (error instanceof DomainError) {
        await audit(422, error.rule);
        if (error.rule === 'RULE_7_CASE_ERASED') return 'already_erased';
      }
      throw error;
    }
    await audit(200, null);
    return 'erased';
  };
}

/**
 * The person's rights over their data (DOMAIN.md "Personal data"):
 * - `forApi()`: `GET /cases/:caseId/access-request-export` (the access request) and
 *   `GET|PUT /organisations/:organisationId/retention` (the retention schedule);
 * - `forWorker()`: the retention schedule's repeatable sweep and erase jobs (their `@JobHandler`s
 *   run by JobsModule).
 * Needs PlatformModule (DataSource, EVENT_STORE, REMEDY_CONFIG, QUEUE_KIT) and, for the worker,
 * `CqrsModule.forRoot()` with CaseCommandsModule (the erase command).
 */
@Module({})
export class DataRightsModule {
  static forApi(options: DataRightsModuleOptions): DynamicModule {
    return {
      module: DataRightsModule,
      imports: options.imports,
      controllers: [AccessRequestController, RetentionController],
      providers: [
        {
          provide: ACCESS_REQUEST_EXPORTER,
          inject: [DataSource, EVENT_STORE, options.cipherToken, REMEDY_CONFIG, CLOCK],
          useFactory: (
            dataSource: DataSource,
            eventStore: EventStore,
            cipher: CaseCipher,
            config: RemedyConfig,
            clock: Clock,
          ) =>
            new AccessRequestExporter({
              dataSource,
              eventStore,
              cipher,
              caseQueries: new CaseQueries(
                dataSource,
                cipher,
                eventStore,
                config.jurisdictionTimeZone,
                clock,
              ),
              legalAidQueries: new LegalAidQueries({
                dataSource,
                cipher,
                eventStore,
                timeZone: config.jurisdictionTimeZone,
                now: clock,
              }),
              auditTrail: new AuditTrail(dataSource),
              now: clock,
            }),
        },
        {
          provide: RETENTION_SCHEDULES,
          inject: [EVENT_STORE, CLOCK],
          useFactory: (store: EventStore, clock: Clock) => new RetentionSchedules(store, clock),
        },
      ],
    };
  }

  static forWorker(options: RetentionWorkerOptions): DynamicModule {
    return {
      module: DataRightsModule,
      imports: [...options.imports, JobsModule],
      providers: [
        {
          provide: RETENTION_RUNTIME,
          inject: [DataSource, EVENT_STORE, QUEUE_KIT, REMEDY_CONFIG, CLOCK, CommandBus],
          useFactory: (
            dataSource: DataSource,
            eventStore: EventStore,
            kit: QueueKit,
            config: RemedyConfig,
            clock: Clock,
            bus: CommandBus,
          ) =>
            new RetentionRuntime({
              dataSource,
              eventStore,
              kit,
              schedules: new RetentionSchedules(eventStore, clock),
              erase: eraseThroughCommand(bus, new AuditTrail(dataSource)),
              now: clock,
              timeZone: config.jurisdictionTimeZone,
              ...(options.sweepPattern ? { sweepPattern: options.sweepPattern } : {}),
              discovered: true,
              logger: nestJobLogger('Retention'),
            }),
        },
        expectJobs('data-rights', RETENTION_JOBS),
      ],
      exports: [RETENTION_RUNTIME],
    };
  }
}
