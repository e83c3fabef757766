/**
 * A development loop for the rebuild (not part of `npm run bench`): seeds a database once
 * (REPLAY_DB_URL to reuse one, else a fresh migrated one kept for the next run and printed), then
 * alternates the bare ordered SELECT and `rebuildProjections` of every projection REPLAY_ROUNDS
 * times (default 2), printing the ratio of each round: run it under `node --cpu-prof` to profile
 * the rebuild. `node dist/bench/replay/loop.js` after `npm run build`.
 */
import { readFileSync } from 'node:fs';
import { DataSource, type EntitySchema } from 'typeorm';
import { PostgresEventStore } from '@remedy/event-store';
import { projectionEntities, rebuildProjections } from '@remedy/projections';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { bareOrderedSelect } from '../lib/bare-select';
import { createBenchDatabase } from '../lib/database';
import { seedCaseEvents } from '../seed/cases';

/** CPU seconds (user + system) of PostgreSQL's processes, by pid (this machine's server only). */
function serverCpu(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // ended
    }
  }
  return out;
}

/** REPLAY_SQL_TIMES=1: wall time of every statement of the query runners, by its first words. */
function timeStatements(): Map<string, { n: number; ms: number }> {
  const times = new Map<string, { n: number; ms: number }>();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PostgresQueryRunner } = require('typeorm/driver/postgres/PostgresQueryRunner') as {
    PostgresQueryRunner: { prototype: { query: (...args: unknown[]) => Promise<unknown> } };
  };
  const query = PostgresQueryRunner.prototype.query;
  PostgresQueryRunner.prototype.query = async function (this: unknown, ...args: unknown[]) {
    const key = String(args[0]).replace(/\s+/g, ' ').trim().slice(0, 90);
    const t = performance.now();
    try {
      return await query.apply(this, args);
    } finally {
      const e = times.get(key) ?? { n: 0, ms: 0 };
      e.n += 1;
      e.ms += performance.now() - t;
      times.set(key, e);
    }
  };
  return times;
}

async function main(): Promise<void> {
  const times = process.env.REPLAY_SQL_TIMES ? timeStatements() : undefined;
  let url = process.env.REPLAY_DB_URL;
  if (!url) {
    const db = await createBenchDatabase('remedy_replay_loop');
    url = db.url;
    await seedCaseEvents(url, Number(process.env.REPLAY_EVENTS ?? 200_000));
    console.log(`REPLAY_DB_URL=${url}`);
  }
  const ds = new DataSource({
    type: 'postgres',
    url,
    entities: projectionEntities(ALL_PROJECTIONS) as EntitySchema[],
    extra: { max: 4 + 2 * ALL_PROJECTIONS.length },
  });
  await ds.initialize();
  const store = new PostgresEventStore({ connectionString: url, poolSize: 4 });
  const only = process.env.REPLAY_ONLY?.split(',');
  const projections = only ? ALL_PROJECTIONS.filter((p) => only.includes(p.name)) : ALL_PROJECTIONS;
  try {
    for (let round = 0; round < Number(process.env.REPLAY_ROUNDS ?? 2); round++) {
      const bare = process.env.REPLAY_NO_BARE ? undefined : await bareOrderedSelect(url, 1_000);
      const pidsOf = async () =>
        (
          (await ds.query(
            'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
          )) as { pid: number }[]
        ).map((r) => r.pid);
      const before = serverCpu(await pidsOf());
      const cpu = process.cpuUsage();
      const t = performance.now();
      const reports = await rebuildProjections({
        dataSource: ds,
        eventStore: store,
        projections,
        ...(process.env.REPLAY_BATCH ? { batchSize: Number(process.env.REPLAY_BATCH) } : {}),
      });
      const seconds = (performance.now() - t) / 1000;
      const used = process.cpuUsage(cpu);
      let pg = 0;
      for (const [pid, s] of serverCpu(await pidsOf())) pg += s - (before.get(pid) ?? 0);
      const rate = bare ? bare.rows / seconds : 0;
      console.log(
        `round ${round}: bare ${bare ? Math.round(bare.rowsPerSecond) : '-'} rows/s, rebuild ${seconds.toFixed(1)} s (node cpu ${((used.user + used.system) / 1e6).toFixed(1)} s, server cpu ${pg.toFixed(1)} s) ${rate ? Math.round(rate) : ''} ratio ${bare ? ((100 * rate) / bare.rowsPerSecond).toFixed(1) : '-'} %`,
      );
      for (const r of reports)
        console.log(`  ${r.projection}: busy ${(r.busyMs / 1000).toFixed(1)} s`);
      if (times) {
        for (const [k, v] of [...times].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40))
          console.log(
            `  ${(v.ms / 1000).toFixed(2).padStart(7)} s ${String(v.n).padStart(6)}x ${k}`,
          );
        times.clear();
      }
    }
  } finally {
    await store.close();
    await ds.destroy();
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
