import { Module } from '@nestjs/common';
import { CaseRemindersModule, REMINDERS_QUEUE } from '@remedy/case-reminders';
import { REMEDY_CONFIG, RemedyConfig } from '@remedy/config';
import { claimDeadlineReminders } from '@remedy/legal-aid';
import { MetricsModule, ObservabilityLoggerModule } from '@remedy/observability';
import { PlatformModule } from '@remedy/platform';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { RELEASES_QUEUE, StatisticsModule } from '@remedy/statistics';

/** The background process: projection runners and queue processors, no HTTP. */
@Module({
  imports: [
    PlatformModule.forRoot({
      projections: ALL_PROJECTIONS,
      runProjections: true,
      queues: [REMINDERS_QUEUE, RELEASES_QUEUE],
    }),
    ObservabilityLoggerModule.forRootAsync({
      inject: [REMEDY_CONFIG],
      useFactory: (config: RemedyConfig) => ({ level: config.logLevel, app: 'worker' }),
    }),
    MetricsModule.forRoot({ app: 'worker' }),
    CaseRemindersModule.forWorker({ sources: [claimDeadlineReminders()] }),
    StatisticsModule.forWorker(),
  ],
})
export class WorkerModule {}
