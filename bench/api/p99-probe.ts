/**
 * Experiment (not a section): what the p99 of POST /cases at a fixed rate is made of, A/B in one
 * run against one system: after a saturation slice, with or without waiting for the worker to
 * catch up, measured by autocannon's rate mode or by the open loop (bench/lib/load.ts), with the
 * API's and the worker's CPU during each run. `node dist/bench/api/p99-probe.js [rate] [seconds]`.
 * BENCH_API_NODE_OPTIONS: extra node flags for the API (e.g. --cpu-prof --cpu-prof-dir=…).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBenchDatabase, stopBenchServer } from '../lib/database';
import { load, openLoop } from '../lib/load';
import { OPEN_BODY, processCpuMicros } from './commands';
import { registerOrganisation, startSystem, waitUntilCaughtUp } from './system';

async function main(): Promise<void> {
  const rate = Number(process.argv[2] ?? 60);
  const seconds = Number(process.argv[3] ?? 10);
  const variants = (process.argv[4] ?? 'ac-nowait,ac-wait,ol-wait,ol-nowait').split(',');
  const rounds = Number(process.env.PROBE_ROUNDS ?? 1);
  const log = (l: string) => console.log(`[probe] ${l}`);
  const db = await createBenchDatabase('remedy_bench_probe');
  const logDir = mkdtempSync(join(tmpdir(), 'remedy-probe-'));
  const sut = await startSystem({ databaseUrl: db.url, logDir, log });
  try {
    const { organisationId } = await registerOrganisation(sut, 'PROBE');
    const cw = await sut.mint(['caseworker'], organisationId);
    const target = {
      url: `${sut.baseUrl}/cases`,
      method: 'POST' as const,
      headers: { authorization: `Bearer ${cw.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(OPEN_BODY),
    };
    await load({ ...target, seconds: 2, connections: 32 }); // warm-up
    for (let round = 0; round < rounds; round++)
      for (const v of variants) {
        if (process.env.PROBE_SATURATE !== '0') {
          const sat = await load({ ...target, seconds: 5, connections: 32 });
          log(`saturation: ${Math.round(sat.rps)} req/s`);
        }
        const waited = v.endsWith('-wait') ? await waitUntilCaughtUp(db.url) : 0;
        const cpu0 = {
          api: processCpuMicros(sut.api.pid),
          worker: processCpuMicros(sut.worker.pid),
        };
        const r = v.startsWith('ac')
          ? await load({ ...target, seconds, connections: 32, rate })
          : await openLoop({ ...target, seconds, rate });
        const api = (processCpuMicros(sut.api.pid) - cpu0.api) / 1e6 / r.seconds;
        const worker = (processCpuMicros(sut.worker.pid) - cpu0.worker) / 1e6 / r.seconds;
        log(
          `${v.padEnd(9)} waited ${Math.round(waited)} ms: ${r.rps.toFixed(0)}/s p50 ${r.p50.toFixed(1)} p99 ${r.p99.toFixed(1)} max ${r.max.toFixed(0)} ms, errors ${r.errors}; CPU API ${(api * 100).toFixed(0)} % worker ${(worker * 100).toFixed(0)} %`,
        );
      }
  } finally {
    await sut.stop();
    await db.drop();
    await stopBenchServer();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
