import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CaseCommandsModule, DuplicateDecisionsProcessModule } from '@remedy/case-commands';
import { CaseRemindersModule, REMINDERS_QUEUE } from '@remedy/case-reminders';
import { REMEDY_CONFIG, RemedyConfig } from '@remedy/config';
import { DataRightsModule, RETENTION_QUEUE } from '@remedy/data-rights';
import { claimDeadlineReminders } from '@remedy/legal-aid';
import { LinkageModule } from '@remedy/linkage';
import { MetricsModule, ObservabilityLoggerModule } from '@remedy/observability';
import { InternalListenerModule, PlatformModule } from '@remedy/platform';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { RELEASES_QUEUE, REPORTS_QUEUE, StatisticsModule } from '@remedy/statistics';

/** The background process: projection runners and queue processors; no public HTTP, only its internal listener. */
@Module({
  imports: [
    PlatformModule.forRoot({
      projections: ALL_PROJECTIONS,
      runProjections: true,
      queues: [REMINDERS_QUEUE, RELEASES_QUEUE, REPORTS_QUEUE, RETENTION_QUEUE],
    }),
    ObservabilityLoggerModule.forRootAsync({
      inject: [REMEDY_CONFIG],
      useFactory: (config: RemedyConfig) => ({ level: config.logLevel, app: 'worker' }),
    }),
    MetricsModule.forRoot({ app: 'worker' }),
    // /metrics and detailed /health for operators, apart from the public port (METRICS_*).
    InternalListenerModule.forRoot({ app: 'worker' }),
    CaseRemindersModule.forWorker({ sources: [claimDeadlineReminders()] }),
    StatisticsModule.forWorker(),
    // The retention schedule: its sweep and erase jobs erase through the case erase command.
    CqrsModule.forRoot(),
    DataRightsModule.forWorker({ imports: [CaseCommandsModule] }),
    // Issue 19: each duplicate decision mirrored on the other case's stream (process manager).
    DuplicateDecisionsProcessModule,
    // Record linkage, organisation side: encodes the cases' identifiers under the shared secret.
    LinkageModule.forWorker({ imports: [CaseCommandsModule] }),
  ],
})
export class WorkerModule {}
