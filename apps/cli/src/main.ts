import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module';

/**
 * The admin CLI: `npm run cli -- <command>` (`--help` lists them). Reads its configuration
 * from the environment (DATABASE_URL, REMEDY_DATA_DIR, REMEDY_MASTER_KEY).
 */
export function reportError(error: Error): void {
  // Our errors carry no personal data; print the message only, never a stack or a query.
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = 1;
}

async function main(): Promise<void> {
  await CommandFactory.run(CliModule, {
    logger: ['error', 'warn'],
    cliName: 'remedy',
    serviceErrorHandler: reportError,
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    reportError(error instanceof Error ? error : new Error(String(error)));
  });
}
