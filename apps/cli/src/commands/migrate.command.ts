import { Command, CommandRunner } from 'nest-commander';
import { runMigrations } from '@remedy/database';
import { CliContext } from '../cli-context';

@Command({
  name: 'migrate',
  description: 'Apply pending database migrations (DATABASE_URL), under an advisory lock',
})
export class MigrateCommand extends CommandRunner {
  constructor(private readonly cli: CliContext) {
    super();
  }

  async run(): Promise<void> {
    const { applied } = await runMigrations(await this.cli.databaseUrl());
    if (applied.length === 0) this.cli.out('Database schema is up to date');
    for (const name of applied) this.cli.out(`applied ${name}`);
  }
}
