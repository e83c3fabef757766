#!/usr/bin/env node
// A/B of the API's CPU per `GET /session` at saturation, from /proc/<pid>/stat (issue 18 item 2):
// each built API given (a `dist/` directory, e.g. a copy of an older build beside a
// node_modules) runs as its own process on the same migrated database, token and settings as
// section 2 of `npm run bench` (in-memory rate limit, limit out of reach); autocannon (32
// connections) sends N requests to each in turn, the order reversed every round, and the API's
// user + system CPU over those N requests is divided by N. Machine load moves both alike.
//
//   DATABASE_URL=postgres://… node scripts/session-cpu-ab.mjs <rounds> <requests> <dist>...
//   (AB_NODE_ARGS: node flags for the APIs, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const autocannon = require('autocannon');
const { LocalTokenIssuer } = require(path.join(root, 'dist/libs/auth/src'));
const [rounds, requests, ...dists] = process.argv.slice(2);
if (!process.env.DATABASE_URL || dists.length === 0) {
  console.error('DATABASE_URL=… node scripts/session-cpu-ab.mjs <rounds> <requests> <dist>...');
  process.exit(2);
}
const TICK_US = 1e6 / 100; // USER_HZ

/** User + system CPU of a process so far, µs. */
function cpuOf(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-ab-'));
const issuer = await LocalTokenIssuer.load({ dataDir });
const token = await issuer.mintToken({
  userId: randomUUID(),
  organisationId: randomUUID(),
  roles: ['caseworker'],
});
const apis = [];
let port = 39100 + Math.floor(Math.random() * 500);
try {
  for (const dist of dists) {
    const env = {
      ...process.env,
      REMEDY_DATA_DIR: dataDir,
      REMEDY_EMBEDDED_DATABASE: 'false',
      PORT: String(port),
      RATE_LIMIT_PER_MINUTE: '1000000',
      METRICS_PORT: '0',
    };
    delete env.REDIS_URL;
    const log = fs.openSync(path.join(dataDir, `api-${apis.length}.log`), 'w');
    const nodeArgs = (process.env.AB_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(
      process.execPath,
      [...nodeArgs, '--enable-source-maps', path.join(path.resolve(dist), 'apps/api/src/main.js')],
      { env, stdio: ['ignore', log, log] },
    );
    apis.push({ dist, port: port++, child, cpu: [], rps: [] });
  }
  for (const api of apis) {
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${api.port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 900) throw new Error(`${api.dist}: the API did not start`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const run = (api, amount) =>
    autocannon({
      url: `http://127.0.0.1:${api.port}/session`,
      connections: 32,
      amount,
      headers: { authorization: `Bearer ${token}` },
    });
  for (const api of apis) await run(api, 5_000); // warm-up
  for (let r = 0; r < Number(rounds); r++) {
    for (const api of r % 2 ? [...apis].reverse() : apis) {
      const before = cpuOf(api.child.pid);
      const result = await run(api, Number(requests));
      const used = cpuOf(api.child.pid) - before;
      if (result['2xx'] !== Number(requests))
        console.error(`${api.dist}: ${result['2xx']} 2xx of ${requests}`);
      api.cpu.push(used / result['2xx']);
      api.rps.push(result['2xx'] / result.duration);
    }
    const row = apis.map((a) => `${a.cpu.at(-1).toFixed(1)} µs ${a.rps.at(-1).toFixed(0)}/s`);
    console.log(`round ${r}: ${row.join(' | ')}  load ${os.loadavg()[0].toFixed(2)}`);
  }
  for (const a of apis)
    console.log(
      `${a.dist}: median ${median(a.cpu).toFixed(1)} µs/request, ${median(a.rps).toFixed(0)} req/s (1/CPU ${(1e6 / median(a.cpu)).toFixed(0)})`,
    );
  if (apis.length === 2) {
    const ratios = apis[0].cpu.map((x, i) => apis[1].cpu[i] / x);
    console.log(
      `second/first per round: ${ratios.map((x) => x.toFixed(3)).join(' ')}; median ${median(ratios).toFixed(3)}`,
    );
  }
} finally {
  for (const api of apis) api.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
