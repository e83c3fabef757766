import { Injectable, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { Command, CommandRunner, type CommandMetadata } from 'nest-commander';
import { DataSource, type EntitySchema } from 'typeorm';
import type { ReminderSource } from '@remedy/case-reminders';
import { loadConfig, type RemedyConfig } from '@remedy/config';
import { runMigrations } from '@remedy/database';
import {
  DATA_DIR_WAIT_MS,
  DataDirBusyError,
  useEmbeddedDatabase,
  type EmbeddedDatabaseUse,
} from '@remedy/embedded-database';
import { claimDeadlineReminders } from '@remedy/legal-aid';
import type { ProjectionDefinition } from '@remedy/projections';
import { ALL_PROJECTIONS } from '@remedy/read-models';

/**
 * What commands share: the configuration (read from the environment once, lazily, so that
 * `--help` works without any), the database, and where output goes (stdout; tests capture it).
 */
@Injectable()
export class CliContext implements OnApplicationShutdown {
  private config: RemedyConfig | undefined;
  private embedded: Promise<EmbeddedDatabaseUse> | undefined;
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
  /** How long to wait for another CLI command holding the data folder (or npm start starting). */
  embeddedWaitMs = DATA_DIR_WAIT_MS;

  settings(): RemedyConfig {
    this.config ??= loadConfig(this.env, { requireDatabase: false });
    return this.config;
  }

  /**
   * DATABASE_URL, or with none the embedded PostgreSQL of REMEDY_DATA_DIR: the one `npm start`
   * runs, or (nothing running) one started for this command, migrated, and stopped when the
   * command ends (onApplicationShutdown). What it did goes to stderr. Afterwards settings()
   * carries that URL too (the event store and the standalone services read it there).
   */
  async databaseUrl(): Promise<string> {
    const settings = this.settings();
    if (settings.databaseUrl) return settings.databaseUrl;
    this.embedded ??= this.openEmbedded(settings.dataDir);
    const { url } = await this.embedded;
    this.config = { ...settings, databaseUrl: url };
    return url;
  }

  /** A small TypeORM DataSource (two connections unless told) on databaseUrl(), destroyed once `work` ends. */
  async withDataSource<T>(
    entities: EntitySchema[],
    work: (dataSource: DataSource) => Promise<T>,
    connections = 2,
  ): Promise<T> {
    const dataSource = new DataSource({
      type: 'postgres',
      url: await this.databaseUrl(),
      entities,
      synchronize: false,
      migrationsRun: false,
      logging: false,
      extra: { max: connections },
    });
    await dataSource.initialize();
    try {
      return await work(dataSource);
    } finally {
      await dataSource.destroy();
    }
  }

  private async openEmbedded(dataDir: string): Promise<EmbeddedDatabaseUse> {
    let use: EmbeddedDatabaseUse;
    try {
      use = await useEmbeddedDatabase(dataDir, this.info, this.embeddedWaitMs);
    } catch (e) {
      if (e instanceof DataDirBusyError) throw new CliUsageError(e.message);
      throw e;
    }
    if (use.how === 'started') {
      try {
        const { applied } = await runMigrations(use.url);
        if (applied.length) this.info(`migrations applied: ${applied.join(', ')}`);
      } catch (e) {
        await use.release();
        throw e;
      }
    }
    return use;
  }

  async onApplicationShutdown(): Promise<void> {
    const embedded = this.embedded;
    this.embedded = undefined;
    if (!embedded) return;
    const use = await embedded.catch(() => undefined);
    if (use?.how === 'started') {
      await use.release();
      this.info('stopped the embedded PostgreSQL');
    }
  }
}

/** A refusal to print as `error: <message>` with exit code 1 (no stack trace). */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/**
 * A command that works with the shared CliContext (`this.cli`). Nest injects the context through
 * this constructor, so a subclass declares none of its own.
 */
@Injectable()
export abstract class CliCommand extends CommandRunner {
  constructor(protected readonly cli: CliContext) {
    super();
  }
}

/**
 * A group of subcommands (`remedy keys`): run alone, it prints its help. Its class is named after
 * the command (`KeysCommand`): nest-commander finds a command's options and subcommands by class name.
 */
export function commandGroup(
  metadata: CommandMetadata & { subCommands: Type<CommandRunner>[] },
): Type<CommandRunner> {
  @Command(metadata)
  class CommandGroup extends CommandRunner {
    async run(): Promise<void> {
      this.command.help();
    }
  }
  const className = `${metadata.name[0].toUpperCase()}${metadata.name.slice(1)}Command`;
  Object.defineProperty(CommandGroup, 'name', { value: className });
  return CommandGroup;
}
