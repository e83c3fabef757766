import { Injectable } from '@nestjs/common';
import type { ReminderSource } from '@remedy/case-reminders';
import { loadConfig, type RemedyConfig } from '@remedy/config';
import { claimDeadlineReminders } from '@remedy/legal-aid';
import type { ProjectionDefinition } from '@remedy/projections';
import { ALL_PROJECTIONS } from '@remedy/read-models';

/**
 * What commands share: the configuration (read from the environment once, lazily, so that
 * `--help` works without any) and where output goes (stdout; tests capture it).
 */
@Injectable()
export class CliContext {
  private config: RemedyConfig | undefined;
  /** Replaceable sink for a command's result lines. */
  out: (line: string) => void = (line) => {
    process.stdout.write(`${line}\n`);
  };
  /** Progress and diagnostics (stderr), so that stdout stays machine-readable. */
  info: (line: string) => void = (line) => {
    process.stderr.write(`${line}\n`);
  };
  env: NodeJS.ProcessEnv = process.env;
  /** The registered projections (`projection list|rebuild`). */
  projections: readonly ProjectionDefinition[] = ALL_PROJECTIONS;
  /**
   * The reminder sources beside the case lifecycle's own: the worker's (apps/worker
   * worker.module.ts, keep in step), so `reminders reconcile` neither misses nor removes their jobs.
   */
  reminderSources: readonly ReminderSource[] = [claimDeadlineReminders()];

  settings(): RemedyConfig {
    this.config ??= loadConfig(this.env, { requireDatabase: false });
    return this.config;
  }

  databaseUrl(): string {
    const url = this.settings().databaseUrl;
    if (!url) throw new CliUsageError('DATABASE_URL is required for this command');
    return url;
  }
}

/** A refusal to print as `error: <message>` with exit code 1 (no stack trace). */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}
