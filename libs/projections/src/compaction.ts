import type { DataSource } from 'typeorm';
import type { ProjectionDefinition } from './projection';

/** The tables of a projection's entities, as registered in the DataSource (schema-qualified when set). */
export function tablesOf(dataSource: DataSource, projection: ProjectionDefinition): string[] {
  return [
    ...new Set(
      projection.entities
        .filter((e) => dataSource.hasMetadata(e))
        .map((e) => dataSource.getMetadata(e).tablePath),
    ),
  ];
}

const quoted = (table: string) =>
  table
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');

/**
 * Keeps a projection's tables compact while a rebuild rewrites them. Rows updated or replaced
 * batch after batch (a case's row after each of its events, a statistics case's fact rows) leave
 * dead versions behind faster than autovacuum (throttled, every minute at most) reclaims them,
 * and every later batch pays for the bloat in its index lookups and DELETEs. So, at most every
 * `intervalMs`, on a connection of its own (VACUUM cannot run in a transaction, and does not block
 * the batches' writes): each table whose dead rows outnumber half its live ones (by the server's
 * statistics) is vacuumed; at the end every table is vacuumed and analysed (fresh planner
 * statistics for the rebuilt read model). VACUUM needs the table's owner (the application's
 * role, which ran the migrations); for another role the server skips it with a warning.
 * Compaction is an optimisation: its failures are ignored (autovacuum remains).
 */
export class TableCompactor {
  private running: Promise<void> = Promise.resolve();
  private busy = false;
  private last = performance.now();

  constructor(
    private readonly dataSource: DataSource,
    private readonly tables: readonly string[],
    private readonly intervalMs = 2_000,
  ) {}

  /** Starts a check in the background when one is due (none in flight, `intervalMs` passed). */
  whenDue(): void {
    if (this.tables.length === 0 || this.busy) return;
    if (performance.now() - this.last < this.intervalMs) return;
    this.busy = true;
    this.running = this.vacuumBloated()
      .catch(() => undefined)
      .finally(() => {
        this.busy = false;
        this.last = performance.now();
      });
  }

  /** Vacuums every table now (after a clear: the deleted rows go before the replay writes). */
  async compact(): Promise<void> {
    await this.idle();
    for (const table of this.tables)
      await this.dataSource.query(`VACUUM ${quoted(table)}`).catch(() => undefined);
  }

  /** Waits for the check in flight. */
  idle(): Promise<void> {
    return this.running;
  }

  /**
   * End of a rebuild: fresh planner statistics for every table, `VACUUM (ANALYZE)` of those that
   * hold dead rows worth reclaiming (more than 1,000 and 1 in 10 of their live rows), a plain
   * `ANALYZE` of the others (an append-only table such as the timeline has nothing to reclaim:
   * scanning it whole again would cost as much as a tenth of its rebuild; autovacuum sets its
   * visibility map later).
   */
  async finish(): Promise<void> {
    await this.idle();
    const stats = await this.statistics().catch(() => undefined);
    for (const table of this.tables) {
      const s = stats?.find((r) => r.name === table || r.name === quoted(table));
      const bloated = !s || (s.dead > 1000 && s.dead > s.live / 10);
      await this.dataSource
        .query(`${bloated ? 'VACUUM (ANALYZE)' : 'ANALYZE'} ${quoted(table)}`)
        .catch(() => undefined);
    }
  }

  private async statistics(): Promise<{ name: string; live: number; dead: number }[]> {
    return (await this.dataSource.query(
      `SELECT relid::regclass::text AS name, n_live_tup::float8 AS live, n_dead_tup::float8 AS dead
         FROM pg_stat_user_tables WHERE relid = ANY($1::regclass[])`,
      [this.tables],
    )) as { name: string; live: number; dead: number }[];
  }

  private async vacuumBloated(): Promise<void> {
    for (const r of await this.statistics()) {
      if (r.dead > 1000 && r.dead > r.live / 2) await this.dataSource.query(`VACUUM ${r.name}`); // regclass text: already quoted
    }
  }
}
