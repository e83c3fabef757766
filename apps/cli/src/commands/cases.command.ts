import { Option, SubCommand } from 'nest-commander';
import { openStandaloneAdultDates, runStandaloneMatchTokenBackfill } from '@remedy/case-commands';
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

@SubCommand({
  name: 'backfill-match-tokens',
  description:
    'Compute the person-matching tokens (issue 19: possible duplicates) of the cases opened before ' +
    'they existed: every opened case in log order, its identifiers decrypted with its data key in ' +
    'memory only, its keyed tokens written to person_match_tokens (erased cases get none). ' +
    'Resumable: the position reached is stored after each batch and a later run continues there ' +
    '(--from-start: every case again; idempotent). Prints counts only.',
})
export class CasesBackfillMatchTokensCommand extends CliCommand {
  @Option({ flags: '--from-start', description: 'forget the stored position: every case again' })
  parseFromStart(): boolean {
    return true;
  }

  @Option({
    flags: '--batch-size <n>',
    description: 'cases per batch and checkpoint (default 100)',
  })
  parseBatchSize(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 10_000)
      throw new CliUsageError('--batch-size must be 1..10000');
    return n;
  }

  @Option({ flags: '--limit <n>', description: 'stop after n cases (the next run resumes)' })
  parseLimit(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new CliUsageError('--limit must be a positive integer');
    return n;
  }

  async run(
    _args: string[],
    options: { fromStart?: boolean; batchSize?: number; limit?: number } = {},
  ): Promise<void> {
    await this.cli.databaseUrl();
    const r = await runStandaloneMatchTokenBackfill(
      this.cli.settings(),
      {
        fromStart: options.fromStart === true,
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        ...(options.limit ? { limit: options.limit } : {}),
      },
      this.cli.env,
    );
    this.cli.out(
      `match tokens: ${r.cases} cases, ${r.written} written, ${r.erased} erased, ` +
        `${r.withoutPerson} without identifiers, ${r.failed} failed; ${r.complete ? 'complete' : 'stopped (run again to resume)'}`,
    );
    if (r.failed > 0) process.exitCode = 1;
  }
}

export const CasesCommand = commandGroup({
  name: 'cases',
  description: 'Case data kept beside the streams',
  subCommands: [CasesReconcileAdultDatesCommand, CasesBackfillMatchTokensCommand],
});
