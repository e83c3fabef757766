export * from './reminders';
export * from './desired';
export * from './reconciler';
export * from './processor';
export * from './due-reminders';
export * from './runtime';
export { RemindersController, DueRemindersQuery } from './reminders.controller';
export {
  CaseRemindersModule,
  REMINDER_RUNTIME,
  type ReminderSettingsInput,
} from './case-reminders.module';
export * from './erasure';
