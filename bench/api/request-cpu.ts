/**
 * API CPU per request of the trivial authenticated route (`GET /session`), in process: the real
 * ApiModule on `createHttpApp` (request logging, rate limit, security headers and policies on, as
 * apps/api runs), requests injected through Fastify (no sockets), CPU from `process.cpuUsage()`.
 *
 *   DATABASE_URL=postgres://… node dist/bench/api/request-cpu.js > /dev/null
 *
 * The request log lines go to stdout (as in production); the figures go to stderr. Environment:
 * BENCH_REQUESTS (default 10,000 per round), BENCH_ROUNDS (default 5; the median is reported).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from 'nestjs-pino';
import { LocalTokenIssuer } from '@remedy/auth';
import { createHttpApp } from '@remedy/http';
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

if (require.main === module) {
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
