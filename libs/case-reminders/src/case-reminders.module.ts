import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  type DynamicModule,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { QUEUE_KIT } from '@remedy/platform';
import type { QueueKit } from '@remedy/queue';
import { RemindersController } from './reminders.controller';
import { reminderSettings, type ReminderSettings } from './reminders';
import { ReminderRuntime } from './runtime';

export const REMINDER_RUNTIME = Symbol('REMINDER_RUNTIME');
export type ReminderSettingsInput = Partial<Omit<ReminderSettings, 'timeZone'>>;

@Injectable()
class ReminderRuntimeLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(REMINDER_RUNTIME) private readonly runtime: ReminderRuntime) {}
  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.start();
  }
  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
  }
}

/**
 * Reminders. `forApi()`: GET /reminders/due and POST /reminders/due/:id/done (needs DataSource).
 * `forWorker(settings)`: the BullMQ processor and the reconciler (needs DataSource, QUEUE_KIT and
 * REMEDY_CONFIG, all global from PlatformModule; the jurisdiction's time zone comes from config).
 */
@Module({})
export class CaseRemindersModule {
  static forApi(): DynamicModule {
    return { module: CaseRemindersModule, controllers: [RemindersController] };
  }

  static forWorker(settings: ReminderSettingsInput = {}): DynamicModule {
    return {
      module: CaseRemindersModule,
      providers: [
        {
          provide: REMINDER_RUNTIME,
          inject: [DataSource, QUEUE_KIT, REMEDY_CONFIG],
          useFactory: (dataSource: DataSource, kit: QueueKit, config: RemedyConfig) => {
            const logger = new Logger('Reminders');
            return new ReminderRuntime({
              dataSource,
              kit,
              settings: reminderSettings({ ...settings, timeZone: config.jurisdictionTimeZone }),
              databaseUrl: config.databaseUrl,
              logger: {
                info: (msg, fields) => logger.log({ msg, ...fields }),
                error: (msg, fields) => logger.error({ msg, ...fields }),
              },
            });
          },
        },
        ReminderRuntimeLifecycle,
      ],
      exports: [REMINDER_RUNTIME],
    };
  }
}
