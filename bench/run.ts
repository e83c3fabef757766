/**
 * `npm run bench`: every figure side by side with its physical reference, measured in the same
 * run, written to bench/results/latest.json and latest.md (BENCH_QUICK=1: quick.json/quick.md).
 *
 *   1 append         event store appends vs raw INSERTs (bench/event-store/append.ts)
 *   2 commands       the real API (child process, worker beside it) under autocannon: commands vs
 *                    a trivial endpoint vs bare node:http (bench/api/commands.ts)
 *   3 lag            command answered → visible in the case list, at a steady rate
 *   4 replay         rebuild every read model from BENCH_REPLAY_EVENTS seeded events vs a bare
 *                    ordered SELECT; the worker's replay from empty checkpoints (bench/replay)
 *   5 statistics     a release of the full statistics catalogue over 100,000 and 1,000,000 cases
 *                    (fact rows seeded directly), seconds and growth (bench/statistics/catalogue.ts)
 *   6 memory         peak RSS of the API and the worker during 2-3 and during 4
 *   7 history growth GET /cases/:id, a note, the as-of view halfway and the lawyer's list on a
 *                    case at 10, 1,000 and 10,000 events: largest / smallest median
 *                    (bench/api/history-growth.ts; run before 4, which stops the worker)
 *   8 console        the web console under Chromium's network throttling (DevTools "Slow 3G" by
 *                    Network.emulateNetworkConditions): first load, the case page's time to
 *                    interactive (bench/console/throttled.ts); on the system of 2-4 (its own
 *                    when run alone: BENCH_ONLY=8)
 *   9 dashboard      rebuild of the supervisor dashboard's projection alone from
 *                    BENCH_DASHBOARD_EVENTS seeded events vs a bare ordered SELECT, and the
 *                    dashboard's read over it (bench/dashboard/rebuild.ts; a database of its own)
 *  10 person matching synthetic persons with stated corruptions: precision and recall of the
 *                    within-organisation suggestions and of the CLK linkage per corruption type,
 *                    the linkage time for 10,000 x 10,000 (bench/person-matching/matching.ts; pure
 *                    computation, no database)
 *
 * Database: BENCH_DATABASE_URL / DATABASE_URL, else the local PostgreSQL, else an embedded one
 * (bench/lib/database.ts); a fresh database per section, dropped at the end. Queues: BullMQ on
 * Redis when REDIS_URL is set, else on PostgreSQL.
 *
 * Environment: BENCH_QUICK=1 (small sizes, a few seconds each); BENCH_REPLAY_EVENTS (default
 * 500,000: with 1,000,000 the whole run took more than 15 minutes on 2 shared cores);
 * BENCH_WORKER_REPLAY_SECONDS (longest worker replay, default 60); BENCH_SECONDS (seconds per
 * measured slice, default 5); BENCH_STATISTICS_CASES (case counts of section 5, comma-separated,
 * default 100000,1000000); BENCH_DASHBOARD_EVENTS (section 9, default 200,000); BENCH_LAG_RATE (section 3's rate of POST /cases when section 2 does not run, default 200/s); BENCH_ONLY (sections to run, comma-separated, e.g. BENCH_ONLY=5:
 * results go to section-5.json/md instead of latest.*; 6 needs 2-4).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendBench } from './event-store/append';
import { commandsBench, hookCostRows, projectionLagBench } from './api/commands';
import { historyGrowthBench } from './api/history-growth';
import { consoleBench } from './console/throttled';
import { registerOrganisation, startSystem, type SystemUnderTest } from './api/system';
import {
  benchServer,
  createBenchDatabase,
  stopBenchServer,
  type BenchDatabase,
} from './lib/database';
import { sampleRss } from './lib/processes';
import { benchContext, writeResults, type BenchRow } from './lib/results';
import { dashboardBench } from './dashboard/rebuild';
import { replayBench } from './replay/replay';
import { statisticsBench } from './statistics/catalogue';
import { personMatchingBench } from './person-matching/matching';

const quick = process.env.BENCH_QUICK === '1';
const seconds = Number(process.env.BENCH_SECONDS ?? (quick ? 1 : 5));
const SIZES = {
  appendSeconds: seconds,
  // Commands take up to a second under load: slices of at least 2 s.
  commandSeconds: Math.max(2, seconds),
  commandRounds: quick ? 1 : 2,
  connections: 32,
  consoleRounds: Number(process.env.BENCH_CONSOLE_ROUNDS ?? (quick ? 1 : 3)),
  assistCases: quick ? 40 : 200,
  lagSeconds: quick ? 3 : 20,
  lagRate: Number(process.env.BENCH_LAG_RATE ?? 200),
  // 1,000,000 took the whole bench to 15 min 50 s on the 2 shared cores (load average ~12), the
  // rebuild alone 527 s: the default is half, BENCH_REPLAY_EVENTS=1000000 for the full size.
  replayEvents: Number(process.env.BENCH_REPLAY_EVENTS ?? (quick ? 20_000 : 500_000)),
  workerReplaySeconds: Number(process.env.BENCH_WORKER_REPLAY_SECONDS ?? (quick ? 10 : 60)),
  dashboardEvents: Number(process.env.BENCH_DASHBOARD_EVENTS ?? (quick ? 20_000 : 200_000)),
  statisticsCases: (process.env.BENCH_STATISTICS_CASES ?? (quick ? '5000,50000' : '100000,1000000'))
    .split(',')
    .map(Number),
};
/** BENCH_ONLY=5 (or 1,5 …): only these sections; unset: every section. */
const only = new Set(
  (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const runs = (section: number) => only.size === 0 || only.has(String(section));

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const log = (line: string) => console.log(`[bench ${elapsed()}] ${line}`);

function memoryRows(
  phase: string,
  peaks: Record<string, { peakRss: number; hwm: number }>,
  note: string,
): BenchRow[] {
  return Object.entries(peaks).map(([name, m]) => ({
    section: '6 memory',
    measure: `${name} process, peak RSS during ${phase}`,
    value: m.peakRss,
    unit: 'MiB',
    note: `VmHWM ${m.hwm.toFixed(0)} MiB${note}`,
  }));
}

async function main(): Promise<void> {
  const server = await benchServer(log);
  const queueBackend = process.env.REDIS_URL
    ? `BullMQ on Redis (${new URL(process.env.REDIS_URL).host})`
    : 'BullMQ on PostgreSQL';
  const context = benchContext({
    postgres: server.description,
    queueBackend,
    mode: quick ? 'QUICK (BENCH_QUICK=1): small sizes, not for quoting' : 'full',
    secondsPerSlice: seconds,
    replayEvents: SIZES.replayEvents,
    statisticsCases: SIZES.statisticsCases.join(', '),
    ...(only.size > 0 ? { only: [...only].join(', ') } : {}),
  });
  log(`${server.description}; ${queueBackend}; ${context.cores} cores; commit ${context.commit}`);
  const logDir = mkdtempSync(join(tmpdir(), 'remedy-bench-logs-'));
  const rows: BenchRow[] = [];
  let db: BenchDatabase | undefined;
  let sut: SystemUnderTest | undefined;
  // A section that fails is reported as failed (with the reason) and the next ones still run.
  const section = async <T>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      log(`${name} failed: ${message}`);
      rows.push({
        section: name,
        measure: 'section failed',
        unit: '',
        note: `failed: ${message.split('\n')[0]}`,
      });
      return undefined;
    }
  };
  try {
    if (runs(1)) {
      log('1 append: event store vs raw INSERT');
      await section('1 append', async () =>
        rows.push(...(await appendBench({ seconds: SIZES.appendSeconds, log }))),
      );
    }

    const systemSections = [2, 3, 4, 6, 7, 8].some(runs);
    if (systemSections) db = await createBenchDatabase('remedy_bench_system');
    const databaseUrl = db?.url ?? '';
    if (systemSections) {
      log('2 commands: starting the API and the worker');
      sut = await section('2 commands (HTTP)', () => startSystem({ databaseUrl, logDir, log }));
    }
    const system = sut;
    let peaks23: ReturnType<ReturnType<typeof sampleRss>['stop']> | undefined;
    let peaks4: typeof peaks23;
    if (system) {
      const during23 = sampleRss(() => [system.api, system.worker]);
      const caseworker = await section('2 commands (HTTP)', async () => {
        const { organisationId } = await registerOrganisation(system, 'BENCH');
        return system.mint(['caseworker'], organisationId);
      });
      const commands =
        caseworker && runs(2)
          ? await section('2 commands (HTTP)', () =>
              commandsBench(system, caseworker, {
                seconds: SIZES.commandSeconds,
                rounds: SIZES.commandRounds,
                connections: SIZES.connections,
                assistCases: SIZES.assistCases,
                log,
                logDir,
                databaseUrl,
              }),
            )
          : undefined;
      if (commands) rows.push(...commands.rows);
      // What each hook of the request path costs (in process, its own child), beside the figures.
      if (commands) rows.push(...(await hookCostRows(databaseUrl, log)));

      if (caseworker && runs(3)) {
        const lagRate = Math.min(
          SIZES.lagRate,
          (commands?.openSaturation ?? 2 * SIZES.lagRate) / 2,
        );
        log(`3 lag: POST /cases at ${Math.round(lagRate)}/s for ${SIZES.lagSeconds} s`);
        await section('3 projection lag', async () =>
          rows.push(
            ...(
              await projectionLagBench(system, caseworker, databaseUrl, {
                rate: lagRate,
                seconds: SIZES.lagSeconds,
                log,
              })
            ).rows,
          ),
        );
      }
      peaks23 = during23.stop();

      if (caseworker && runs(7)) {
        log('7 history growth: cases at 10, 1,000 and 10,000 events');
        await section('7 history growth', async () =>
          rows.push(
            ...(await historyGrowthBench(system, caseworker, {
              databaseUrl,
              samples: quick ? 10 : 100,
              log,
            })),
          ),
        );
      }

      if (runs(8)) {
        log('8 console: first load and case page under Slow 3G');
        await section('8 console (Slow 3G)', async () => {
          const { organisationId } = await registerOrganisation(system, 'CONSOLE');
          const caseworker = await system.mint(['caseworker'], organisationId);
          const { body } = await system.call<{
            caseId: string;
            caseReference: string;
            position: string;
          }>(
            caseworker,
            'POST',
            '/cases',
            {
              referralSource: 'Hotline',
              profile: {
                sexGender: 'Feminine',
                ageUncertain: false,
                citizenships: ['UA'],
                languages: ['uk'],
              },
              personal: { fullName: 'Bench Person', birthDate: '1990-04-02' },
            },
            201,
          );
          // The case list shows it (read your writes) before the browser asks.
          for (let i = 0; ; i++) {
            const seen = await system.call(caseworker, 'GET', '/cases', undefined, [200, 503], {
              'x-min-position': body.position,
            });
            if (seen.status === 200) break;
            if (i > 100) throw new Error('the case list never showed the case');
            await new Promise((r) => setTimeout(r, 100));
          }
          rows.push(
            ...(await consoleBench({
              baseUrl: system.baseUrl,
              token: caseworker.token,
              userId: caseworker.userId,
              caseId: body.caseId,
              reference: body.caseReference,
              rounds: SIZES.consoleRounds,
              log,
            })),
          );
        });
      }

      if (runs(4)) {
        log(`4 replay: worker stopped; seeding ${SIZES.replayEvents.toLocaleString('en')} events`);
        await system.worker.stop();
        const during4 = sampleRss(() => [system.api, system.worker]);
        await section('4 replay', async () =>
          rows.push(
            ...(await replayBench({
              databaseUrl,
              events: SIZES.replayEvents,
              log,
              startWorker: async () => {
                await system.startWorker();
              },
              workerSeconds: SIZES.workerReplaySeconds,
            })),
          ),
        );
        peaks4 = during4.stop();
      }
    }

    if (runs(5)) {
      log(
        `5 statistics: full catalogue over ${SIZES.statisticsCases.map((n) => n.toLocaleString('en')).join(' and ')} cases`,
      );
      await section('5 statistics', async () =>
        rows.push(...(await statisticsBench({ sizes: SIZES.statisticsCases, log }))),
      );
    }
    if (runs(9)) {
      log(`9 dashboard: ${SIZES.dashboardEvents.toLocaleString('en')} events`);
      await section('9 dashboard', async () =>
        rows.push(...(await dashboardBench({ events: SIZES.dashboardEvents, log }))),
      );
    }
    if (runs(10)) {
      log('10 person matching: synthetic persons, suggestions and CLK linkage');
      await section('10 person matching', async () =>
        rows.push(...(await personMatchingBench({ quick, log }))),
      );
    }
    if (peaks23) rows.push(...memoryRows('2-3 (commands, lag)', peaks23, ''));
    if (peaks4)
      rows.push(
        ...memoryRows(
          '4 (replay)',
          peaks4,
          '; the API idle; the worker a fresh process replaying every projection',
        ),
      );
  } finally {
    await sut?.stop().catch((e: Error) => log(`stopping the system: ${e.message}`));
    await db?.drop().catch((e: Error) => log(`dropping the database: ${e.message}`));
    await stopBenchServer().catch((e: Error) => log(`stopping PostgreSQL: ${e.message}`));
  }
  rmSync(logDir, { recursive: true, force: true });

  const total = (performance.now() - started) / 1000;
  const finalContext = {
    ...context,
    benchSeconds: Math.round(total),
    loadAverageAtEnd: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
  const onlyName = only.size > 0 ? `section-${[...only].sort().join('-')}` : undefined;
  writeResults(
    [quick ? 'quick' : undefined, onlyName].filter(Boolean).join('-') || 'latest',
    finalContext,
    rows,
    {
      title: `npm run bench${quick ? ' (BENCH_QUICK=1)' : ''}${only.size > 0 ? ` (BENCH_ONLY=${[...only].join(',')})` : ''}`,
      notes: `
Every ratio compares two figures measured in this run on this machine. The load generator
(autocannon, the pg clients) runs on the same cores as the API, the worker and PostgreSQL: the
absolute figures are lower than on a dedicated server, the ratios are what to compare.
Latencies at saturation are queueing time (closed loop, ${SIZES.connections} connections); the
goal is the p99 at half of the saturation rate (an open loop, latency from each request's due time,
started once every projection caught up with the store's head after the saturation slices).
Section 4 seeds ${SIZES.replayEvents.toLocaleString('en')} case events (bench/seed/cases.ts) into the
database of sections 2-3. Section 5 seeds fact rows directly (bench/seed/statistics-facts.ts) in a
database of its own and builds a release of every catalogue table through the release worker's
processor (no queue). benchSeconds excludes \`npm run build\`.`,
    },
  );
  log(`done in ${total.toFixed(0)} s`);
}

main().catch(async (error: unknown) => {
  console.error(error);
  await stopBenchServer().catch(() => undefined);
  process.exit(1);
});
