import { Command, Option } from 'nest-commander';
import { CliCommand, CliUsageError } from '../cli-context';
import { formatDemoSummary, seedDemo } from '../demo/seed';

interface DemoCommandOptions {
  apiUrl?: string;
  cases?: number;
  concurrency?: number;
}

const positive = (name: string, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new CliUsageError(`${name} must be 1..${max}`);
  return n;
};

@Command({
  name: 'demo',
  description:
    'Seed a realistic, entirely fictional data set through the command API of a running system ' +
    '(DEMO_API_URL, default http://localhost:3000), with tokens of the local issuer (REMEDY_DATA_DIR); ' +
    'running it again appends nothing. Prints a token per role and requests to try.',
})
export class DemoCommand extends CliCommand {
  @Option({
    flags: '--api-url <url>',
    description: 'the API (default DEMO_API_URL or http://localhost:3000)',
  })
  parseApiUrl(value: string): string {
    if (!/^https?:\/\/[^\s]+$/.test(value.trim()))
      throw new CliUsageError('--api-url must be an http(s) URL');
    return value.trim();
  }

  @Option({ flags: '--cases <n>', description: 'how many cases (default 300)' })
  parseCases(value: string): number {
    return positive('--cases', 10_000)(value);
  }

  @Option({ flags: '--concurrency <n>', description: 'cases seeded at the same time (default 8)' })
  parseConcurrency(value: string): number {
    return positive('--concurrency', 64)(value);
  }

  async run(_args: string[], options: DemoCommandOptions = {}): Promise<void> {
    const apiUrl = options.apiUrl ?? this.cli.env.DEMO_API_URL ?? 'http://localhost:3000';
    const started = Date.now();
    let report;
    try {
      report = await seedDemo({
        apiUrl,
        dataDir: this.cli.settings().dataDir,
        ...(options.cases ? { cases: options.cases } : {}),
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
        log: (line) => this.cli.info(line),
      });
    } catch (error) {
      if (error instanceof Error && /no Remedy API answers|demo organisation/.test(error.message))
        throw new CliUsageError(error.message);
      throw error;
    }
    this.cli.info(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const line of formatDemoSummary(report, apiUrl)) this.cli.out(line);
    if (report.requests.failed > 0) process.exitCode = 1;
  }
}
