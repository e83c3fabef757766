/**
 * API CPU per request of the trivial authenticated route (`GET /session`), in process: the real
 * ApiModule on `createHttpApp` (request logging, rate limit, security headers and policies on, as
 * apps/api runs), requests injected through Fastify (no sockets), CPU from `process.cpuUsage()`.
 *
 *   DATABASE_URL=postgres://… node dist/bench/api/request-cpu.js > /dev/null
 *   BENCH_COMMANDS=1 DATABASE_URL=postgres://… node dist/bench/api/request-cpu.js > /dev/null
 *     (round trips and API CPU per command instead: `measureCommandCost`; BENCH_COMMANDS_OTHERS=1
 *     adds the assistance, a closure request and a consent; BENCH_COMMANDS_SQL=1 lists each query;
 *     BENCH_COMMANDS_OPENINGS=1 measures the openings only; BENCH_COMMANDS_CASES, default 50)
 *
 *   BENCH_HOOKS=1 DATABASE_URL=postgres://… node dist/bench/api/request-cpu.js > /dev/null
 *     (what each hook, guard and interceptor of the request path costs: `measureHookCosts`; one
 *     JSON line on stderr, read by section 2 of `npm run bench`)
 *
 * The request log lines go to stdout (as in production); the figures go to stderr. Environment:
 * BENCH_REQUESTS (default 10,000 per round), BENCH_ROUNDS (default 5; the median is reported).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import { PolicyGuard } from '@remedy/access-policy';
import { AuditInterceptor } from '@remedy/audit';
import { AuthGuard, LocalTokenIssuer } from '@remedy/auth';
import { loadConfig } from '@remedy/config';
import {
  PROJECTION_WAITER,
  type ProjectionWaiter,
  configureHttpApp,
  createHttpApp,
  fastifyOptions,
  RateLimitGuard,
  ReadYourWritesInterceptor,
  securityFromConfig,
} from '@remedy/http';
import { RapporteurScopeGuard } from '@remedy/statistics';
import { ApiModule } from '../../apps/api/src/api.module';

export interface RequestCpu {
  /** Microseconds of API CPU (user + system) per request, median of the rounds. */
  readonly cpuMicros: number;
  readonly rounds: readonly number[];
}

/** Injects `requests` GET /session `rounds` times into an in-process API; the median CPU per request. */
export async function measureSessionCpu(options: {
  readonly databaseUrl: string;
  readonly requests?: number;
  readonly rounds?: number;
}): Promise<RequestCpu> {
  const requests = options.requests ?? 10_000;
  const dataDir = mkdtempSync(join(tmpdir(), 'remedy-bench-cpu-'));
  process.env.DATABASE_URL = options.databaseUrl;
  process.env.REMEDY_DATA_DIR = dataDir;
  process.env.REMEDY_EMBEDDED_DATABASE = 'false';
  process.env.RATE_LIMIT_PER_MINUTE = '1000000';
  process.env.METRICS_PORT = '0'; // no internal listener: another API on this machine may hold its port
  const issuer = await LocalTokenIssuer.load({ dataDir });
  const token = await issuer.mintToken({
    userId: randomUUID(),
    organisationId: randomUUID(),
    roles: ['caseworker'],
  });
  const app = await createHttpApp(ApiModule);
  app.useLogger(app.get(Logger));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const headers = { authorization: `Bearer ${token}` };
  const once = async () => {
    const response = await app.inject({ method: 'GET', url: '/session', headers });
    if (response.statusCode !== 200)
      throw new Error(`GET /session answered ${response.statusCode}`);
  };
  try {
    for (let i = 0; i < 2_000; i++) await once(); // warm-up
    const rounds: number[] = [];
    for (let r = 0; r < (options.rounds ?? 5); r++) {
      const start = process.cpuUsage();
      for (let i = 0; i < requests; i++) await once();
      const used = process.cpuUsage(start);
      rounds.push((used.user + used.system) / requests);
    }
    const sorted = [...rounds].sort((a, b) => a - b);
    return { cpuMicros: sorted[Math.floor(sorted.length / 2)]!, rounds };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface HookCost {
  /** e.g. "onResponse hook (installRequestLogging)", "guard RateLimitGuard". */
  readonly label: string;
  /** Microseconds per request: mean of the calls, the slowest 1 % left out (preemptions). */
  readonly micros: number;
  readonly calls: number;
}

export interface HookCosts {
  readonly hooks: readonly HookCost[];
  /** API CPU per request of the same in-process run (process.cpuUsage), µs. */
  readonly cpuMicros: number;
  readonly requests: number;
}

/** Fastify hooks that run per request (callback style: the time up to their `done`). */
const REQUEST_HOOKS = new Set([
  'onRequest',
  'preParsing',
  'preValidation',
  'preHandler',
  'preSerialization',
  'onSend',
  'onResponse',
]);

/** The first function of the app's own code (libs/, apps/) that called `addHook` (none: a framework plugin, e.g. middie). */
function registrant(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(3);
  for (const frame of frames) {
    if (!/[/\\](libs|apps)[/\\]/.test(frame)) continue;
    const m = /at (?:async )?([\w.$<>]+) \(/.exec(frame);
    return m ? m[1]!.replace(/^Object\./, '') : 'anonymous';
  }
  return 'a framework plugin';
}

/**
 * What each piece of the request path costs per `GET /session`, in process (requests injected
 * through Fastify, one at a time): every Fastify request hook the app registers (its time from
 * entry to its `done`), and each global guard and interceptor (a guard until its answer settles;
 * an interceptor's own part, before the handler). Times are wall clock (performance.now, mean
 * without the slowest 1 %: one request at a time, nothing else runs meanwhile but what the
 * machine's other processes take); the rest of the CPU per request is Fastify's and Nest's own
 * routing, the handler and the injection.
 */
export async function measureHookCosts(options: {
  readonly databaseUrl: string;
  readonly requests?: number;
}): Promise<HookCosts> {
  const requests = options.requests ?? 10_000;
  const dataDir = mkdtempSync(join(tmpdir(), 'remedy-bench-hooks-'));
  process.env.DATABASE_URL = options.databaseUrl;
  process.env.REMEDY_DATA_DIR = dataDir;
  process.env.REMEDY_EMBEDDED_DATABASE = 'false';
  process.env.RATE_LIMIT_PER_MINUTE = '1000000';
  process.env.METRICS_PORT = '0';
  const samples = new Map<string, number[]>();
  let measuring = false;
  const record = (label: string, micros: number) => {
    if (!measuring) return;
    let list = samples.get(label);
    if (!list) samples.set(label, (list = []));
    list.push(micros);
  };
  const restore: Array<() => void> = [];
  const timeMethod = (type: Type<unknown>, method: 'canActivate' | 'intercept', label: string) => {
    const proto = type.prototype as Record<string, (...args: unknown[]) => unknown>;
    const original = proto[method]!;
    restore.push(() => (proto[method] = original));
    proto[method] = function (this: unknown, ...args: unknown[]) {
      const start = performance.now();
      const result = original.apply(this, args);
      if (result instanceof Promise)
        return result.finally(() => record(label, (performance.now() - start) * 1000));
      record(label, (performance.now() - start) * 1000);
      return result;
    };
  };
  for (const guard of [AuthGuard, PolicyGuard, RapporteurScopeGuard, RateLimitGuard])
    timeMethod(guard, 'canActivate', `guard ${guard.name}`);
  // Left out of routes where they do nothing (GET /session: both): timed only where they run.
  for (const interceptor of [AuditInterceptor, ReadYourWritesInterceptor])
    timeMethod(interceptor, 'intercept', `interceptor ${interceptor.name}`);

  const issuer = await LocalTokenIssuer.load({ dataDir });
  const token = await issuer.mintToken({
    userId: randomUUID(),
    organisationId: randomUUID(),
    roles: ['caseworker'],
  });
  // createHttpApp's steps, with every request hook the app adds timed.
  const adapter = new FastifyAdapter(fastifyOptions());
  const fastify = adapter.getInstance() as unknown as FastifyInstance;
  // Encapsulated plugins inherit `addHook` from this instance: called on them, it registers there.
  type AddHook = (this: unknown, name: string, fn: unknown) => unknown;
  const original = fastify.addHook as unknown as AddHook;
  const addHookOn = (scope: unknown, name: string, fn: unknown) => original.call(scope, name, fn);
  (fastify as unknown as { addHook: AddHook }).addHook = function (name, fn) {
    const addHook = (n: string, f: unknown) => addHookOn(this, n, f);
    const hook = fn as (...args: unknown[]) => unknown;
    if (!REQUEST_HOOKS.has(name)) return addHook(name, fn);
    const label = `${name} hook (${registrant()})`;
    // (request, reply, [payload,] done): a callback hook has the `done` parameter, else it is async.
    const done = name === 'onSend' || name === 'preSerialization' ? 3 : 2;
    if (hook.length <= done) {
      const timed = async function (this: unknown, ...args: unknown[]) {
        const start = performance.now();
        try {
          return await hook.apply(this, args);
        } finally {
          record(label, (performance.now() - start) * 1000);
        }
      };
      return addHook(
        name,
        done === 3
          ? function (this: unknown, a: unknown, b: unknown, c: unknown) {
              return timed.call(this, a, b, c);
            }
          : function (this: unknown, a: unknown, b: unknown) {
              return timed.call(this, a, b);
            },
      );
    }
    const callback = function (this: unknown, ...args: unknown[]) {
      const start = performance.now();
      const next = args[done] as (...a: unknown[]) => void;
      args[done] = (...a: unknown[]) => {
        record(label, (performance.now() - start) * 1000);
        next(...a);
      };
      return hook.apply(this, args);
    };
    return addHook(
      name,
      done === 3
        ? function (this: unknown, a: unknown, b: unknown, c: unknown, d: unknown) {
            return callback.call(this, a, b, c, d);
          }
        : function (this: unknown, a: unknown, b: unknown, c: unknown) {
            return callback.call(this, a, b, c);
          },
    );
  };
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule, adapter, {
    bufferLogs: true,
  });
  configureHttpApp(app, {
    security: securityFromConfig(loadConfig(process.env, { requireDatabase: false })),
  });
  app.useLogger(app.get(Logger));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const headers = { authorization: `Bearer ${token}` };
  const once = async () => {
    const response = await app.inject({ method: 'GET', url: '/session', headers });
    if (response.statusCode !== 200)
      throw new Error(`GET /session answered ${response.statusCode}`);
  };
  try {
    for (let i = 0; i < 2_000; i++) await once(); // warm-up
    measuring = true;
    const start = process.cpuUsage();
    for (let i = 0; i < requests; i++) await once();
    const used = process.cpuUsage(start);
    measuring = false;
    const hooks = [...samples].map(([label, list]) => {
      const sorted = [...list].sort((a, b) => a - b);
      const kept = sorted.slice(0, Math.max(1, Math.floor(sorted.length * 0.99)));
      return {
        label,
        micros: (kept.reduce((a, b) => a + b, 0) / kept.length) * (list.length / requests),
        calls: list.length,
      };
    });
    return { hooks, cpuMicros: (used.user + used.system) / requests, requests };
  } finally {
    for (const undo of restore) undo();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface CommandCost {
  readonly label: string;
  /** Queries the pg driver sent per command (every pool of the process), median. */
  readonly roundTrips: number;
  /** Microseconds of API CPU per command (process.cpuUsage: the API, the pg driver, crypto). */
  readonly cpuMicros: number;
  readonly commands: number;
}

const OPEN_BODY = {
  referralSource: 'Hotline',
  profile: { sexGender: 'Feminine', ageUncertain: false, citizenships: ['UA'], languages: ['uk'] },
  personal: { fullName: 'Bench Person', birthDate: '1990-04-02' },
};

/**
 * An opening (`POST /cases`) and a note (`POST /cases/:id/notes`, the generic case command) on
 * short streams (each of `cases` cases gets one note per round: at most `rounds` + 1 events),
 * without and with an Idempotency-Key, in process: the queries the pg driver sends per command
 * (Client.prototype.query counted, every pool: event store, TypeORM, the commands pool, the key
 * cache), and the API CPU per command. With `others`, the assistance, a closure request and a
 * consent too (each on cases of its own: the last two once per case), the consent's
 * read-your-writes wait excluded (the projection waiter answers at once: no worker runs here).
 */
export async function measureCommandCost(options: {
  readonly databaseUrl: string;
  readonly cases?: number;
  readonly rounds?: number;
  readonly others?: boolean;
  /** Only the openings (e.g. to profile them alone). */
  readonly openingsOnly?: boolean;
}): Promise<CommandCost[]> {
  const cases = options.cases ?? 50;
  const rounds = options.rounds ?? 8;
  const dataDir = mkdtempSync(join(tmpdir(), 'remedy-bench-cmd-'));
  process.env.DATABASE_URL = options.databaseUrl;
  process.env.REMEDY_DATA_DIR = dataDir;
  process.env.REMEDY_EMBEDDED_DATABASE = 'false';
  process.env.RATE_LIMIT_PER_MINUTE = '1000000';
  process.env.METRICS_PORT = '0';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg') as typeof import('pg');
  const original = Client.prototype.query;
  let queries = 0;
  // BENCH_COMMANDS_SQL=1: each query's first words on stderr (what a command sends, in order).
  const trace = process.env.BENCH_COMMANDS_SQL === '1';
  Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    queries += 1;
    if (trace) {
      const q = args[0] as string | { text?: string; name?: string };
      const text = typeof q === 'string' ? q : (q?.text ?? q?.name ?? '?');
      process.stderr.write(`  sql: ${text.replace(/\s+/g, ' ').slice(0, 90)}\n`);
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  const issuer = await LocalTokenIssuer.load({ dataDir });
  const app = await createHttpApp(ApiModule);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  // The read-your-writes wait of granting commands (consent) is excluded: answered at once.
  const waiter = app.get<ProjectionWaiter>(PROJECTION_WAITER, { strict: false });
  waiter.waitFor = () => Promise.resolve(true);
  const post = async (token: string, url: string, body: object, headers = {}) => {
    const res = await app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      payload: body,
    });
    return { status: res.statusCode, body: res.json() as Record<string, string> };
  };
  try {
    const admin = await issuer.mintToken({
      userId: randomUUID(),
      organisationId: randomUUID(),
      roles: ['admin'],
    });
    const code = `B${randomUUID().slice(0, 6).toUpperCase()}`;
    const org = await post(admin, '/organisations', {
      name: `Organisation ${code}`,
      type: 'NGO',
      services: ['Accommodation'],
      country: 'AT',
      code,
    });
    if (org.status !== 201) throw new Error(`register organisation: ${org.status}`);
    const token = await issuer.mintToken({
      userId: randomUUID(),
      organisationId: org.body.organisationId!,
      roles: ['caseworker'],
    });
    const caseIds: string[] = [];
    const open = async (keyed = false) => {
      const opened = await post(
        token,
        '/cases',
        OPEN_BODY,
        keyed ? { 'idempotency-key': randomUUID() } : {},
      );
      if (opened.status !== 201) throw new Error(`open a case: ${opened.status}`);
      caseIds.push(opened.body.caseId!);
    };
    for (let i = 0; i < cases; i++) await open(); // warm-up, and the cases of the notes
    const results: CommandCost[] = [];
    /** `send` run `times` times: the median of its round trips, its mean CPU. */
    const measure = async (label: string, times: number, send: (i: number) => Promise<void>) => {
      const perCommand: number[] = [];
      let cpu = 0;
      for (let i = 0; i < times; i++) {
        const before = queries;
        const start = process.cpuUsage();
        if (trace) process.stderr.write(`${label}\n`);
        await send(i);
        const used = process.cpuUsage(start);
        cpu += used.user + used.system;
        perCommand.push(queries - before);
      }
      perCommand.sort((a, b) => a - b);
      results.push({
        label,
        roundTrips: perCommand[Math.floor(perCommand.length / 2)]!,
        cpuMicros: cpu / times,
        commands: times,
      });
    };
    await measure('POST /cases', cases, () => open());
    await measure('POST /cases with an Idempotency-Key', cases, () => open(true));
    caseIds.length = cases; // the notes go to the first cases
    const note = async (caseId: string, keyed: boolean) => {
      const res = await post(
        token,
        `/cases/${caseId}/notes`,
        { personal: { text: 'Called the shelter; a place from Monday.' } },
        keyed ? { 'idempotency-key': randomUUID() } : {},
      );
      if (res.status !== 200) throw new Error(`note: ${res.status}`);
    };
    if (options.openingsOnly) return results;
    for (const caseId of caseIds) await note(caseId, false); // warm-up: keys cached, plans prepared
    for (const keyed of [false, true]) {
      const perCommand: number[] = [];
      let cpu = 0;
      let n = 0;
      for (let r = 0; r < rounds / 2; r++) {
        for (const caseId of caseIds) {
          const before = queries;
          const start = process.cpuUsage();
          if (trace) process.stderr.write(`note ${keyed ? 'with' : 'without'} a key\n`);
          await note(caseId, keyed);
          const used = process.cpuUsage(start);
          cpu += used.user + used.system;
          perCommand.push(queries - before);
          n++;
        }
      }
      perCommand.sort((a, b) => a - b);
      results.push({
        label: `POST /cases/:id/notes ${keyed ? 'with' : 'without'} an Idempotency-Key`,
        roundTrips: perCommand[Math.floor(perCommand.length / 2)]!,
        cpuMicros: cpu / n,
        commands: n,
      });
    }
    if (options.others) {
      const fresh: string[] = [];
      for (let i = 0; i < 2 * cases; i++) {
        const opened = await post(token, '/cases', OPEN_BODY);
        if (opened.status !== 201) throw new Error(`open a case: ${opened.status}`);
        fresh.push(opened.body.caseId!);
      }
      const consented = fresh.slice(0, cases);
      // The consent first (the assistance needs it), each case once; a closure request once each.
      const others: Array<{ path: string; body: object; on: (keyed: boolean) => string[] }> = [
        {
          path: 'consents',
          body: { purpose: 'assistance', obtainedInLanguage: 'en', interpreterUsed: false },
          on: (keyed) => (keyed ? consented.slice(cases / 2) : consented.slice(0, cases / 2)),
        },
        {
          path: 'assistance',
          body: { assistanceType: 'Accommodation', from: '2026-01-01' },
          on: () => consented,
        },
        {
          path: 'closure/request',
          body: { reason: 'assistance_completed' },
          on: (keyed) =>
            fresh.slice(keyed ? (3 * cases) / 2 : cases, keyed ? 2 * cases : (3 * cases) / 2),
        },
      ];
      for (const { path, body, on } of others) {
        for (const keyed of [false, true]) {
          const targets = on(keyed);
          await measure(
            `POST /cases/:id/${path} ${keyed ? 'with' : 'without'} an Idempotency-Key`,
            targets.length,
            async (i) => {
              const res = await post(
                token,
                `/cases/${targets[i]}/${path}`,
                body,
                keyed ? { 'idempotency-key': randomUUID() } : {},
              );
              if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
            },
          );
        }
      }
    }
    return results;
  } finally {
    Client.prototype.query = original;
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module && process.env.BENCH_COMMANDS === '1') {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set');
  measureCommandCost({
    databaseUrl,
    others: process.env.BENCH_COMMANDS_OTHERS === '1',
    openingsOnly: process.env.BENCH_COMMANDS_OPENINGS === '1',
    cases: Number(process.env.BENCH_COMMANDS_CASES ?? 50),
  })
    .then((results) => {
      for (const r of results)
        process.stderr.write(
          `${r.label}: ${r.roundTrips} round trips, ${r.cpuMicros.toFixed(0)} µs API CPU per command (${r.commands} commands)\n`,
        );
      process.exit(0);
    })
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    });
} else if (require.main === module && process.env.BENCH_HOOKS === '1') {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set');
  measureHookCosts({ databaseUrl, requests: Number(process.env.BENCH_REQUESTS ?? 10_000) })
    .then((r) => {
      process.stderr.write(`${JSON.stringify(r)}\n`);
      process.exit(0);
    })
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    });
} else if (require.main === module) {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set');
  measureSessionCpu({
    databaseUrl,
    requests: Number(process.env.BENCH_REQUESTS ?? 10_000),
    rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  })
    .then((r) => {
      process.stderr.write(
        `GET /session: ${r.cpuMicros.toFixed(1)} µs API CPU per request (median; rounds ${r.rounds.map((x) => x.toFixed(1)).join(', ')})\n`,
      );
      process.exit(0);
    })
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    });
}
