import { Command } from 'nest-commander';
import { runMigrations } from '@remedy/database';
import { CliCommand } from '../cli-context';

@Command({
  name: 'migrate',
  description: 'Apply pending database migrations (DATABASE_URL), under an advisory lock',
})
export class MigrateCommand extends CliCommand {
  async run(): Promise<void> {
    const { applied } = await runMigrations(await this.cli.databaseUrl());
    if (applied.length === 0) this.cli.out('Database schema is up to date');
    for (const name of applied) this.cli.out(`applied ${name}`);
  }
}
