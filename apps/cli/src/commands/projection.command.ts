import { Option, SubCommand } from 'nest-commander';
import type { DataSource, EntitySchema } from 'typeorm';
import { formatPosition } from '@remedy/event-store';
import { createEventStore } from '@remedy/platform';
import {
  formatRebuildProgress,
  projectionEntities,
  projectionStatus,
  rebuildProjections,
} from '@remedy/projections';
import { CliCommand, CliContext, CliUsageError, commandGroup } from '../cli-context';

// A rebuild holds one connection per projection (its lock and batches) and uses one more to compact.
const withProjectionEntities = <T>(
  cli: CliContext,
  work: (ds: DataSource) => Promise<T>,
  connections?: number,
) => cli.withDataSource(projectionEntities(cli.projections) as EntitySchema[], work, connections);

@SubCommand({
  name: 'list',
  description: 'Every projection with its checkpoint and how far behind it is',
})
export class ProjectionListCommand extends CliCommand {
  async run(): Promise<void> {
    if (this.cli.projections.length === 0) {
      this.cli.out('No projections are registered');
      return;
    }
    await withProjectionEntities(this.cli, async (ds) => {
      for (const lag of await projectionStatus(ds, this.cli.projections)) {
        const at = lag.checkpoint ? formatPosition(lag.checkpoint) : 'never run';
        const behind =
          lag.eventsBehind === undefined
            ? ''
            : `, ${lag.eventsBehind}${lag.eventsBehindCapped ? '+' : ''} events behind` +
              (lag.secondsBehind ? ` (${lag.secondsBehind.toFixed(1)} s of recorded time)` : '');
        this.cli.out(`${lag.projection}: at ${at}${behind}`);
      }
    });
  }
}

@SubCommand({
  name: 'rebuild',
  arguments: '[name]',
  description:
    'Clear a projection and replay every event into it (its runner steps aside meanwhile); --all: every projection at once, with one read of the store',
})
export class ProjectionRebuildCommand extends CliCommand {
  @Option({
    flags: '--batch-size <n>',
    description: 'events per read and per transaction (default 10000)',
  })
  parseBatchSize(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 100_000)
      throw new CliUsageError('--batch-size must be 1..100000');
    return n;
  }

  @Option({ flags: '--all', description: 'rebuild every registered projection' })
  parseAll(): boolean {
    return true;
  }

  async run([name]: string[], options: { batchSize?: number; all?: boolean } = {}): Promise<void> {
    if (options.all && name !== undefined)
      throw new CliUsageError('Give a projection name or --all, not both');
    const projections = options.all
      ? this.cli.projections
      : this.cli.projections.filter((p) => p.name === name);
    if (projections.length === 0) {
      const known = this.cli.projections.map((p) => p.name).join(', ') || 'none';
      throw new CliUsageError(
        name === undefined
          ? `Name a projection or give --all (registered: ${known})`
          : `Unknown projection "${name}" (registered: ${known})`,
      );
    }
    await this.cli.databaseUrl(); // settings() carries it from here (the embedded one when unset)
    const eventStore = createEventStore(this.cli.settings());
    try {
      await withProjectionEntities(
        this.cli,
        async (dataSource) => {
          const reports = await rebuildProjections({
            dataSource,
            eventStore,
            projections,
            ...(options.batchSize ? { batchSize: options.batchSize } : {}),
            onProgress: (p) => {
              if (!p.done) this.cli.info(formatRebuildProgress(p));
            },
          });
          for (const report of reports) this.cli.out(formatRebuildProgress(report));
        },
        projections.length + 1,
      );
    } finally {
      await eventStore.close();
    }
  }
}

export const ProjectionCommand = commandGroup({
  name: 'projection',
  description: 'Read-model projections',
  subCommands: [ProjectionListCommand, ProjectionRebuildCommand],
});
