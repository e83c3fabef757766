import { SubCommand } from 'nest-commander';
import { openStandaloneEraser } from '@remedy/case-commands';
import { REMINDERS_ERASURE } from '@remedy/case-reminders';
import { CliCommand, commandGroup } from '../cli-context';

@SubCommand({
  name: 'reapply',
  description:
    'Re-apply every erasure of the erasure ledger (ERASURE_LEDGER_PATH) that the database does not show, ' +
    'e.g. after restoring a backup: appends "personal data erased" where the stream lacks it, destroys the ' +
    'data key again, scrubs the lookup rows, stored answers and reminder jobs. Idempotent; run it after ' +
    'restoring a database and before starting the API (which also runs it at start-up).',
})
export class ErasureReapplyCommand extends CliCommand {
  async run(): Promise<void> {
    await this.cli.databaseUrl();
    const config = this.cli.settings();
    const { eraser, close } = await openStandaloneEraser(
      config,
      // The steps the API's modules contribute (CaseRemindersModule's), as the API runs them.
      [REMINDERS_ERASURE],
      this.cli.env,
    );
    try {
      this.cli.info(`erasure ledger: ${eraser.ledger.path}`);
      const r = await eraser.reapply();
      this.cli.out(
        `${r.cases} erasures in the ledger: ${r.eventsAppended} events appended, ${r.keysDestroyed} data keys destroyed, ` +
          `${r.absent} cases not in this database, ${r.failed.length} failed`,
      );
      if (r.failed.length > 0) {
        process.exitCode = 1;
        for (const id of r.failed) this.cli.out(`  failed: ${id}`);
      }
    } finally {
      await close();
    }
  }
}

export const ErasureCommand = commandGroup({
  name: 'erasure',
  description: 'Erasure of personal data (the erasure ledger)',
  subCommands: [ErasureReapplyCommand],
});
