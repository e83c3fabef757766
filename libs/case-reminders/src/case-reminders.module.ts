import { Module, type DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { expectJobs, JobsModule, nestJobLogger, QUEUE_KIT, type QueueKit } from '@remedy/queue';
import { REMINDERS_ERASURE } from './erasure';
import { RemindersController } from './reminders.controller';
import { reminderSettings, type ReminderSettings } from './reminders';
import { REMINDER_JOBS, ReminderRuntime } from './runtime';

export const REMINDER_RUNTIME = Symbol('REMINDER_RUNTIME');
/** The `reminders` erasure step, found by CaseCommandsModule wherever the app erases. */
const reminderErasure = { provide: 'erasure step reminders', useValue: REMINDERS_ERASURE };
export type ReminderSettingsInput = Partial<Omit<ReminderSettings, 'timeZone'>>;

/**
 * Reminders. Both forms contribute the `reminders` erasure step (REMINDERS_ERASURE) to the app's
 * CaseCommandsModule, if it has one.
 * `forApi()`: GET /reminders/due and POST /reminders/due/:id/done (needs DataSource).
 * `forWorker(settings)`: the reminder runtime, whose `@JobHandler`s (firing reminders, the periodic
 * reconciliation) JobsModule runs, and which starts and stops with the app (needs DataSource,
 * QUEUE_KIT and REMEDY_CONFIG, all global from PlatformModule; the jurisdiction's time zone comes
 * from config).
 */
@Module({})
export class CaseRemindersModule {
  static forApi(): DynamicModule {
    return {
      module: CaseRemindersModule,
      controllers: [RemindersController],
      providers: [reminderErasure],
    };
  }

  static forWorker(settings: ReminderSettingsInput = {}): DynamicModule {
    return {
      module: CaseRemindersModule,
      imports: [JobsModule],
      providers: [
        reminderErasure,
        {
          provide: REMINDER_RUNTIME,
          inject: [DataSource, QUEUE_KIT, REMEDY_CONFIG],
          useFactory: (dataSource: DataSource, kit: QueueKit, config: RemedyConfig) =>
            new ReminderRuntime({
              dataSource,
              kit,
              settings: reminderSettings({ ...settings, timeZone: config.jurisdictionTimeZone }),
              databaseUrl: config.databaseUrl,
              discovered: true,
              logger: nestJobLogger('Reminders'),
            }),
        },
        expectJobs('case-reminders', REMINDER_JOBS),
      ],
      exports: [REMINDER_RUNTIME],
    };
  }
}
