import { SubCommand } from 'nest-commander';
import {
  REMINDERS_QUEUE,
  ReminderReconciler,
  reminderSettings,
  type ReminderJobData,
} from '@remedy/case-reminders';
import { createQueueKit, queueBackendFor } from '@remedy/queue';
import { CliCommand, commandGroup } from '../cli-context';

@SubCommand({
  name: 'reconcile',
  description:
    'Full reconciliation of the case-reminders queue with the read models (case lifecycle and the ' +
    "worker's further sources, e.g. claim deadlines): adds the reminders called for that the queue lacks " +
    '(e.g. after losing Redis), removes those no longer called for. ' +
    'Safe while the worker runs (job ids derive from case, kind, subject and deadline).',
})
export class RemindersReconcileCommand extends CliCommand {
  async run(): Promise<void> {
    await this.cli.withDataSource([], async (dataSource) => {
      const config = this.cli.settings();
      const kit = createQueueKit(
        queueBackendFor({ REDIS_URL: config.redisUrl, DATABASE_URL: config.databaseUrl }),
      );
      try {
        const queue = kit.queue<ReminderJobData>(REMINDERS_QUEUE);
        const reconciler = new ReminderReconciler(
          dataSource,
          queue,
          reminderSettings({
            timeZone: config.jurisdictionTimeZone,
            sources: this.cli.reminderSources,
          }),
        );
        this.cli.info(`queue backend: ${kit.backend}`);
        const report = await reconciler.reconcile('full');
        this.cli.out(
          `${REMINDERS_QUEUE}: ${report.desired} reminders called for, ${report.added} added, ${report.removed} removed`,
        );
      } finally {
        await kit.close();
      }
    });
  }
}

export const RemindersCommand = commandGroup({
  name: 'reminders',
  description: 'Case reminders (the BullMQ queue case-reminders)',
  subCommands: [RemindersReconcileCommand],
});
