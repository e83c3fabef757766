/**
 * Sections 2 and 3 of `npm run bench`, against the real API and worker (bench/api/system.ts):
 *
 * 2. Commands over HTTP: POST /cases (open a case) and POST /cases/:id/assistance (on cases with
 *    consent to assistance), at saturation (autocannon, closed loop) and at a fixed rate of half
 *    their own saturation (an open loop, latency counted from each request's due time, started
 *    once the worker has caught up with the backlog the saturation left: `waitUntilCaughtUp`);
 *    against a trivial endpoint of the same app (GET /session with a token), and that against a
 *    bare node:http server in its own process: every figure in alternating slices of the run.
 * 3. Projection lag: POST /cases at a steady rate (200/s, or half the saturation rate when lower);
 *    for each, the time from the answer until the case list's checkpoint (committed in the same
 *    transaction as its rows, and NOTIFYed) reaches the command's position. Checked afterwards:
 *    every case is in `case_list`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client, type Notification } from 'pg';
import { comparePositions, parsePosition, type GlobalPosition } from '@remedy/event-store';
import { CASES_PROJECTION } from '@remedy/case-read-models';
import { CHECKPOINT_CHANNEL } from '@remedy/projections';
import { load, openLoop, type LoadOptions, type LoadResult } from '../lib/load';
import { DIST, freePort, startNode, waitForHttp } from '../lib/processes';
import { percentile, ratioOf, type BenchRow } from '../lib/results';
import type { HookCosts } from './request-cpu';
import { waitUntilCaughtUp, type Caller, type SystemUnderTest } from './system';

export const OPEN_BODY = {
  referralSource: 'Hotline',
  profile: { sexGender: 'Feminine', ageUncertain: false, citizenships: ['UA'], languages: ['uk'] },
  personal: { fullName: 'Bench Person', birthDate: '1990-04-02', contacts: ['+43 000 000'] },
};
const ASSIST_BODY = {
  assistanceType: 'Accommodation',
  personal: { text: 'Shelter place arranged for four weeks.' },
};

export const GOALS = {
  commandVsTrivial: 0.4,
  trivialVsBare: 0.4,
  p99AtHalfMs: 50,
  lagP99Ms: 50,
  lagMaxMs: 500,
  sessionCpuMicros: 100,
  commandCpuMicros: 1_500,
  roundTripsPerCommand: 3,
};

export interface CommandsOptions {
  /** Seconds per saturation slice. */
  readonly seconds: number;
  readonly rounds: number;
  readonly connections: number;
  /** Cases (with consent) the assistance commands rotate over. */
  readonly assistCases: number;
  readonly log: (line: string) => void;
  readonly logDir: string;
  /** The system's database: the runs at half saturation wait until its projections caught up. */
  readonly databaseUrl: string;
}

/** A run at half the saturation rate: latencies, time waited before it, CPU shares during it. */
interface HalfRun extends LoadResult {
  readonly waited: number;
  /** CPU of the API and of the worker during the run, in cores (1 = one core busy). */
  readonly api: number;
  readonly worker: number;
}

/**
 * CPU time (user + system) the process has used so far, in µs, from its own accounting in
 * /proc/<pid>/stat (clock ticks, USER_HZ 100 on Linux: 10 ms resolution, fine over a slice).
 */
export function processCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3; utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function inParallel(n: number, concurrency: number, work: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

interface Sum {
  ok: number;
  seconds: number;
  errors: number;
  p50: number[];
  p99: number[];
}
const add = (s: Sum, r: LoadResult) => {
  s.ok += r.ok;
  s.seconds += r.seconds;
  s.errors += r.errors;
  s.p50.push(r.p50);
  s.p99.push(r.p99);
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export interface CommandsResult {
  readonly rows: BenchRow[];
  readonly openSaturation: number;
}

export async function commandsBench(
  sut: SystemUnderTest,
  caseworker: Caller,
  options: CommandsOptions,
): Promise<CommandsResult> {
  const { log } = options;
  const barePort = await freePort();
  const bare = startNode(
    'bare-http',
    resolve(DIST, 'bench', 'lib', 'bare-http-server.js'),
    { PATH: process.env.PATH, PORT: String(barePort) },
    resolve(options.logDir, 'bare-http.log'),
  );
  try {
    await waitForHttp(bare, `http://127.0.0.1:${barePort}/session`);

    log(`preparing ${options.assistCases} cases with consent to assistance`);
    const caseIds: string[] = [];
    await inParallel(options.assistCases, 8, async () => {
      const { body } = await sut.call<{ caseId: string }>(
        caseworker,
        'POST',
        '/cases',
        OPEN_BODY,
        201,
      );
      await sut.call(caseworker, 'POST', `/cases/${body.caseId}/consents`, {
        purpose: 'assistance',
        obtainedInLanguage: 'uk',
        interpreterUsed: false,
      });
      caseIds.push(body.caseId);
    });
    let turn = 0;
    const auth = { authorization: `Bearer ${caseworker.token}` };
    const json = { ...auth, 'content-type': 'application/json' };
    const targets: Record<'bare' | 'trivial' | 'open' | 'assist', Omit<LoadOptions, 'seconds'>> = {
      bare: { url: `http://127.0.0.1:${barePort}/session` },
      trivial: { url: `${sut.baseUrl}/session`, headers: auth },
      open: {
        url: `${sut.baseUrl}/cases`,
        method: 'POST',
        headers: json,
        body: JSON.stringify(OPEN_BODY),
      },
      assist: {
        url: `${sut.baseUrl}/cases/${caseIds[0]}/assistance`,
        method: 'POST',
        headers: json,
        body: JSON.stringify(ASSIST_BODY),
        path: () => `/cases/${caseIds[turn++ % caseIds.length]}/assistance`,
      },
    };
    const names = Object.keys(targets) as (keyof typeof targets)[];
    for (const name of names)
      await load({ ...targets[name], seconds: 1, connections: options.connections }); // warm-up

    const sat = Object.fromEntries(
      names.map((n) => [n, { ok: 0, seconds: 0, errors: 0, p50: [], p99: [] } as Sum]),
    ) as Record<keyof typeof targets, Sum>;
    // API CPU per request (the API process's own accounting), per target over its slices.
    const cpu = Object.fromEntries(names.map((n) => [n, { micros: 0, requests: 0 }])) as Record<
      keyof typeof targets,
      { micros: number; requests: number }
    >;
    for (let round = 0; round < options.rounds; round++) {
      for (const name of names) {
        const before = processCpuMicros(sut.api.pid);
        const r = await load({
          ...targets[name],
          seconds: options.seconds,
          connections: options.connections,
        });
        cpu[name].micros += processCpuMicros(sut.api.pid) - before;
        cpu[name].requests += r.ok + r.errors;
        add(sat[name], r);
        log(
          `${name} at saturation: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors} ${r.otherStatuses}`,
        );
      }
    }
    const rps = (n: keyof typeof targets) => sat[n].ok / sat[n].seconds;
    // At half the saturation rate, each from a caught-up system: the saturation slices leave the
    // worker a backlog (projections), which it would work off on the same cores during the run.
    const half: Partial<Record<'open' | 'assist', HalfRun>> = {};
    for (const name of ['open', 'assist'] as const) {
      const rate = rps(name) / 2;
      const waited = await waitUntilCaughtUp(options.databaseUrl);
      const before = {
        api: processCpuMicros(sut.api.pid),
        worker: processCpuMicros(sut.worker.pid),
      };
      // Open loop (bench/lib/load.ts `openLoop`): autocannon's rate mode sends in bursts.
      const r = await openLoop({
        ...targets[name],
        seconds: options.seconds * options.rounds,
        rate,
      });
      const share = (pid: number, from: number) => (processCpuMicros(pid) - from) / 1e6 / r.seconds;
      const h = {
        ...r,
        waited,
        api: share(sut.api.pid, before.api),
        worker: share(sut.worker.pid, before.worker),
      };
      half[name] = h;
      log(
        `${name} at ${Math.round(rate)}/s after ${Math.round(waited)} ms catching up: ${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms, errors ${r.errors} ${r.otherStatuses}; CPU API ${(h.api * 100).toFixed(0)} %, worker ${(h.worker * 100).toFixed(0)} % of a core`,
      );
    }

    const S = '2 commands (HTTP)';
    const trivial = rps('trivial');
    const conns = `${options.connections} connections`;
    const rows: BenchRow[] = [
      {
        section: S,
        measure: `bare node:http server, own process, ${conns}`,
        value: rps('bare'),
        unit: 'req/s',
      },
      {
        section: S,
        measure: `GET /session (trivial endpoint of the API, token checked), ${conns}`,
        value: trivial,
        unit: 'req/s',
        reference: 'bare node:http',
        referenceValue: rps('bare'),
        ratio: ratioOf(trivial, rps('bare')),
        goal: `≥ ${GOALS.trivialVsBare * 100} %`,
        met: (ratioOf(trivial, rps('bare')) ?? 0) >= GOALS.trivialVsBare,
      },
    ];
    // CPU per request beside throughput: throughput within 10 % of 1 / (CPU per request) says the
    // API's own CPU is what bounds it (on a shared machine, with the database beside it).
    const cpuLabel = {
      trivial: 'GET /session',
      open: 'POST /cases',
      assist: 'POST /cases/:id/assistance',
    } as const;
    for (const name of ['trivial', 'open', 'assist'] as const) {
      const perRequest = cpu[name].requests > 0 ? cpu[name].micros / cpu[name].requests : 0;
      const bound = perRequest > 0 ? 1e6 / perRequest : 0;
      rows.push({
        section: S,
        measure: `${cpuLabel[name]}: API CPU per request at saturation (/proc/<pid>/stat)`,
        value: perRequest,
        unit: 'µs',
        reference: '1 / CPU per request (req/s)',
        referenceValue: bound,
        ratio: ratioOf(rps(name), bound),
        ...(name === 'trivial'
          ? { goal: `≤ ${GOALS.sessionCpuMicros} µs`, met: perRequest <= GOALS.sessionCpuMicros }
          : name === 'assist'
            ? {
                goal: `≤ ${GOALS.commandCpuMicros} µs`,
                met: perRequest <= GOALS.commandCpuMicros,
              }
            : {}),
      });
    }
    const label = {
      open: 'POST /cases (open a case)',
      assist: 'POST /cases/:id/assistance',
    } as const;
    for (const name of ['open', 'assist'] as const) {
      const ratio = ratioOf(rps(name), trivial);
      const h = half[name]!;
      rows.push(
        {
          section: S,
          measure: `${label[name]} at saturation, ${conns}`,
          value: rps(name),
          unit: 'req/s',
          reference: 'GET /session',
          referenceValue: trivial,
          ratio,
          goal: `≥ ${GOALS.commandVsTrivial * 100} %`,
          met: (ratio ?? 0) >= GOALS.commandVsTrivial,
        },
        {
          section: S,
          measure: `${label[name]} at saturation, p50`,
          value: mean(sat[name].p50),
          unit: 'ms',
        },
        {
          section: S,
          measure: `${label[name]} at saturation, p99`,
          value: mean(sat[name].p99),
          unit: 'ms',
        },
        {
          section: S,
          measure: `${label[name]} at ${Math.round(rps(name) / 2)}/s (half its saturation), p50`,
          value: h.p50,
          unit: 'ms',
        },
        {
          section: S,
          measure: `${label[name]} at ${Math.round(rps(name) / 2)}/s (half its saturation), p99`,
          value: h.p99,
          unit: 'ms',
          goal: `< ${GOALS.p99AtHalfMs} ms`,
          met: h.p99 < GOALS.p99AtHalfMs && h.errors === 0,
          note: `open loop, latency from each request's due time; started once every projection's checkpoint reached the store's head (${Math.round(h.waited)} ms after the saturation slices)${h.errors > 0 ? `; ${h.errors} errors ${h.otherStatuses}` : ''}`,
        },
        {
          section: S,
          measure: `${label[name]} at half its saturation: CPU of the API and of the worker during the run`,
          value: h.api * 100,
          unit: '% of a core',
          reference: 'worker',
          referenceValue: h.worker * 100,
          note: `per request: API ${Math.round((h.api * 1e6) / Math.max(1, h.rps))} µs, worker ${Math.round((h.worker * 1e6) / Math.max(1, h.rps))} µs (/proc/<pid>/stat)`,
        },
      );
    }
    const errors = names.map((n) => `${n} ${sat[n].errors}`).join(', ');
    if (names.some((n) => sat[n].errors > 0))
      log(`errors (non-2xx or connection) at saturation: ${errors}`);
    rows.push({
      section: S,
      measure: 'errors at saturation (non-2xx, connection)',
      value: names.reduce((a, n) => a + sat[n].errors, 0),
      unit: 'count',
      note: errors,
    });
    return { rows, openSaturation: rps('open') };
  } finally {
    await bare.stop();
  }
}

export interface LagResult {
  readonly rows: BenchRow[];
}

/** Section 3: append → visible in the case list, under a steady rate of POST /cases. */
export async function projectionLagBench(
  sut: SystemUnderTest,
  caseworker: Caller,
  databaseUrl: string,
  options: { rate: number; seconds: number; log: (line: string) => void },
): Promise<LagResult> {
  const listener = new Client({ connectionString: databaseUrl });
  await listener.connect();
  // Checkpoints of the case list as they commit: (time, position), in commit order.
  const seen: { at: number; position: GlobalPosition }[] = [];
  const waiting = new Set<{ position: GlobalPosition; resolve: (at: number) => void }>();
  listener.on('notification', (n: Notification) => {
    if (n.channel !== CHECKPOINT_CHANNEL || !n.payload) return;
    const space = n.payload.indexOf(' ');
    if (n.payload.slice(0, space) !== CASES_PROJECTION) return;
    const position = parsePosition(n.payload.slice(space + 1));
    if (!position) return;
    const at = performance.now();
    seen.push({ at, position });
    for (const w of waiting) {
      if (comparePositions(position, w.position) >= 0) {
        waiting.delete(w);
        w.resolve(at);
      }
    }
  });
  await listener.query(`LISTEN ${CHECKPOINT_CHANNEL}`);

  const afterAnswer: number[] = [];
  const afterSend: number[] = [];
  const latency: number[] = [];
  const caseIds: string[] = [];
  let failures = 0;
  let invisible = 0;
  const visibleAt = (position: GlobalPosition): Promise<number | undefined> => {
    const already = seen.find((s) => comparePositions(s.position, position) >= 0);
    if (already) return Promise.resolve(already.at);
    return new Promise((res) => {
      const w = { position, resolve: (at: number) => res(at) };
      waiting.add(w);
      setTimeout(() => {
        if (waiting.delete(w)) res(undefined);
      }, 10_000).unref();
    });
  };
  const one = async () => {
    const sent = performance.now();
    try {
      const { body } = await sut.call<{ caseId: string; position: string }>(
        caseworker,
        'POST',
        '/cases',
        OPEN_BODY,
        201,
      );
      const answered = performance.now();
      latency.push(answered - sent);
      caseIds.push(body.caseId);
      const at = await visibleAt(parsePosition(body.position)!);
      if (at === undefined) invisible++;
      else {
        afterAnswer.push(Math.max(0, at - answered));
        afterSend.push(at - sent);
      }
    } catch (e) {
      if (failures++ === 0) options.log(`lag: first failure: ${(e as Error).message}`);
    }
  };
  // Open loop: requests are sent on schedule whether or not earlier ones have answered.
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  const total = Math.round(options.rate * options.seconds);
  let sentCount = 0;
  while (sentCount < total) {
    const due = Math.min(
      total,
      Math.floor(((performance.now() - started) / 1000) * options.rate) + 1,
    );
    while (sentCount < due) {
      inFlight.push(one());
      sentCount++;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const sendSeconds = (performance.now() - started) / 1000;
  await Promise.all(inFlight);
  await listener.end();

  // Directly: every case answered is in the case list.
  const check = new Client({ connectionString: databaseUrl });
  await check.connect();
  const { rows: found } = await check.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM case_list WHERE case_id = ANY($1::text[])',
    [caseIds],
  );
  await check.end();
  const listed = found[0]!.n;

  afterAnswer.sort((a, b) => a - b);
  afterSend.sort((a, b) => a - b);
  latency.sort((a, b) => a - b);
  const p99 = percentile(afterAnswer, 99);
  const max = afterAnswer[afterAnswer.length - 1] ?? NaN;
  const rate = `${Math.round(options.rate)} POST /cases/s for ${options.seconds} s`;
  options.log(
    `lag at ${rate}: p50 ${percentile(afterAnswer, 50).toFixed(1)} p99 ${p99.toFixed(1)} max ${max.toFixed(1)} ms; ${failures} failed, ${invisible} not visible in 10 s, ${listed}/${caseIds.length} listed`,
  );
  const S = '3 projection lag';
  const complete = failures === 0 && invisible === 0 && listed === caseIds.length;
  /** A row of the answer → case list lag against its goal (met only if every case was listed). */
  const lagWithin = (figure: string, value: number, goalMs: number) => ({
    section: S,
    measure: `answer → visible in case list, ${figure}`,
    value,
    unit: 'ms',
    goal: `≤ ${goalMs} ms`,
    met: value <= goalMs && complete,
  });
  return {
    rows: [
      {
        section: S,
        measure: `achieved rate (target ${rate})`,
        value: sentCount / sendSeconds,
        unit: 'commands/s',
      },
      {
        section: S,
        measure: 'POST /cases latency at this rate, p50',
        value: percentile(latency, 50),
        unit: 'ms',
      },
      {
        section: S,
        measure: 'POST /cases latency at this rate, p99',
        value: percentile(latency, 99),
        unit: 'ms',
      },
      {
        section: S,
        measure: 'answer → visible in case list, p50',
        value: percentile(afterAnswer, 50),
        unit: 'ms',
      },
      lagWithin('p99', p99, GOALS.lagP99Ms),
      lagWithin('max', max, GOALS.lagMaxMs),
      {
        section: S,
        measure: 'request sent → visible in case list, p99',
        value: percentile(afterSend, 99),
        unit: 'ms',
      },
      {
        section: S,
        measure: 'cases answered 201 and found in case_list afterwards',
        value: listed,
        unit: 'cases',
        note: `of ${caseIds.length}; ${failures} requests failed, ${invisible} not visible within 10 s`,
        goal: 'all',
        met: complete,
      },
    ],
  };
}

/**
 * What each hook, guard and interceptor of the request path costs per `GET /session`: the
 * in-process measurement of bench/api/request-cpu.ts (`measureHookCosts`) in a child process
 * (it loads the API module and sets its environment), on the section's database. One row per
 * piece, beside the in-process CPU per request; the rest is Fastify's and Nest's own work, the
 * handler and the injection.
 */
export async function hookCostRows(
  databaseUrl: string,
  log: (line: string) => void,
  requests = 10_000,
): Promise<BenchRow[]> {
  const S = '2 commands (HTTP)';
  const child = spawn(process.execPath, [resolve(DIST, 'bench', 'api', 'request-cpu.js')], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      BENCH_HOOKS: '1',
      BENCH_REQUESTS: String(requests),
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((res) => child.once('exit', res));
  const line = stderr
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (code !== 0 || !line) {
    log(`hook costs not measured (exit ${code}): ${stderr.slice(-500)}`);
    return [
      {
        section: S,
        measure: 'GET /session in process: cost of each hook',
        unit: 'µs',
        note: `not measured: request-cpu exited ${code}`,
      },
    ];
  }
  const costs = JSON.parse(line) as HookCosts;
  const rows: BenchRow[] = [
    {
      section: S,
      measure: 'GET /session in process: API CPU per request (process.cpuUsage)',
      value: costs.cpuMicros,
      unit: 'µs',
      note: `Fastify inject, no sockets, ${costs.requests} requests one at a time; each piece below: its wall time per request (slowest 1 % left out), part of this CPU`,
    },
  ];
  const pieces = [...costs.hooks].sort((a, b) => b.micros - a.micros);
  for (const piece of pieces)
    rows.push({
      section: S,
      measure: `GET /session in process: ${piece.label}`,
      value: piece.micros,
      unit: 'µs',
      reference: 'in-process CPU per request',
      referenceValue: costs.cpuMicros,
      ratio: ratioOf(piece.micros, costs.cpuMicros),
    });
  const sum = pieces.reduce((a, p) => a + p.micros, 0);
  rows.push({
    section: S,
    measure:
      'GET /session in process: the rest (Fastify, Nest routing, the handler, the injection)',
    value: Math.max(0, costs.cpuMicros - sum),
    unit: 'µs',
    reference: 'in-process CPU per request',
    referenceValue: costs.cpuMicros,
    ratio: ratioOf(Math.max(0, costs.cpuMicros - sum), costs.cpuMicros),
  });
  log(
    `hook costs: ${pieces.map((p) => `${p.label} ${p.micros.toFixed(1)} µs`).join(', ')}; in-process CPU ${costs.cpuMicros.toFixed(0)} µs`,
  );
  return rows;
}
