import { Option, SubCommand } from 'nest-commander';
import { openStandaloneAdultDates } from '@remedy/case-commands';
import { CliCommand, CliUsageError, commandGroup } from '../cli-context';

@SubCommand({
  name: 'reconcile-adult-dates',
  description:
    'Bring case_adult_dates (the 18th birthday by the exact birth date, for "child now") in line with ' +
    'the case streams: the cases that need it (no row although the birth date is known, a row older ' +
    'than the case list, a row of an erased case), or every case with --all. Erased cases get no row. ' +
    'Idempotent and resumable; the API also runs it at start-up. Prints counts only.',
})
export class CasesReconcileAdultDatesCommand extends CliCommand {
  @Option({
    flags: '--all',
    description: 'every case of the case list (not erased), not only those that need it',
  })
  parseAll(): boolean {
    return true;
  }

  @Option({ flags: '--batch-size <n>', description: 'cases per batch (default 100)' })
  parseBatchSize(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 10_000)
      throw new CliUsageError('--batch-size must be 1..10000');
    return n;
  }

  async run(_args: string[], options: { all?: boolean; batchSize?: number } = {}): Promise<void> {
    await this.cli.databaseUrl();
    const { reconciler, close } = await openStandaloneAdultDates(this.cli.settings(), this.cli.env);
    try {
      const r = await reconciler.reconcile({
        all: options.all === true,
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      });
      this.cli.out(
        `adult dates: ${r.checked} cases checked, ${r.written} written, ${r.withoutBirthDate} without a birth date, ` +
          `${r.erased} erased, ${r.newer} newer left as they are, ${r.failed} failed`,
      );
      if (r.failed > 0) process.exitCode = 1;
    } finally {
      await close();
    }
  }
}

export const CasesCommand = commandGroup({
  name: 'cases',
  description: 'Case data kept beside the streams',
  subCommands: [CasesReconcileAdultDatesCommand],
});
