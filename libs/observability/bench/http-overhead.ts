/**
 * What request logging and HTTP metrics cost per request on Nest + Fastify.
 *
 *   node --require ./test/support/swc-register.js libs/observability/bench/http-overhead.ts [seconds] [rounds]
 *
 * Serves GET /cases/:caseId in a child process in three variants (bare; + ObservabilityLoggerModule
 * writing JSON lines to /dev/null; + MetricsModule) and loads each with autocannon (10 connections)
 * from this process. Prints requests/s, the server's CPU time per request (the figure that holds
 * when other processes load the machine) and latency per variant, then redacting-logger lines/s.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Controller, Get, Module, Param, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import autocannon from 'autocannon';
import { Logger } from 'nestjs-pino';
import { pino } from 'pino';
import { createLogger, MetricsModule, ObservabilityLoggerModule } from '@remedy/observability';

type Variant = 'bare' | 'logging' | 'logging+metrics';
const VARIANTS: Variant[] = ['bare', 'logging', 'logging+metrics'];

@Controller()
class CasesController {
  @Get('cases/:caseId')
  get(@Param('caseId') caseId: string) {
    return { caseId, status: 'open' };
  }
}

async function serve(variant: Variant): Promise<void> {
  const imports: DynamicModule[] = [];
  if (variant !== 'bare') {
    imports.push(
      ObservabilityLoggerModule.forRoot({
        destination: pino.destination({ dest: '/dev/null', sync: false }),
      }),
    );
  }
  if (variant === 'logging+metrics') imports.push(MetricsModule.forRoot({ app: 'bench' }));
  @Module({ imports, controllers: [CasesController] })
  class BenchModule {}
  const app = await NestFactory.create<NestFastifyApplication>(BenchModule, new FastifyAdapter(), {
    logger: false,
    bufferLogs: variant !== 'bare',
  });
  if (variant !== 'bare') app.useLogger(app.get(Logger));
  await app.listen(0, '127.0.0.1');
  // CPU time of this process, on request: robust to other load on the machine, unlike req/s.
  process.on('message', () => process.send!({ cpu: process.cpuUsage() }));
  process.send!({ url: await app.getUrl() });
}

function cpuMicros(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m: { cpu: NodeJS.CpuUsage }) => resolve(m.cpu.user + m.cpu.system));
    child.send('cpu');
  });
}

async function measure(variant: Variant, seconds: number): Promise<string> {
  const child: ChildProcess = fork(__filename, ['--serve', variant], {
    execArgv: process.execArgv,
  });
  const url = await new Promise<string>((resolve) =>
    child.once('message', (m: { url: string }) => resolve(m.url)),
  );
  try {
    const path = `/cases/${randomUUID()}`;
    await autocannon({ url: url + path, connections: 10, duration: 1 }); // warm-up
    const cpuBefore = await cpuMicros(child);
    const r = await autocannon({ url: url + path, connections: 10, duration: seconds });
    const cpuPerRequest = (await cpuMicros(child)) - cpuBefore;
    const perRequest = Math.round(cpuPerRequest / r.requests.total);
    return `${variant.padEnd(16)} ${Math.round(r.requests.average).toString().padStart(6)} req/s  server CPU ${perRequest} µs/request  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  errors ${r.errors + r.non2xx}`;
  } finally {
    child.kill();
  }
}

function loggerLinesPerSecond(): string {
  const logger = createLogger({ destination: { write: () => undefined } });
  const entry = {
    caseId: randomUUID(),
    event: { type: 'NoteAdded', data: { note: 'free text', author: { name: 'x' } } },
  };
  const n = 200_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) logger.info(entry, 'note added');
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return `createLogger: ${Math.round(n / seconds)} redacted lines/s (nested object, 2 personal fields)`;
}

async function main(): Promise<void> {
  const serveIndex = process.argv.indexOf('--serve');
  if (serveIndex !== -1) return serve(process.argv[serveIndex + 1] as Variant);
  const seconds = Number(process.argv[2] ?? 5);
  const rounds = Number(process.argv[3] ?? 2);
  // Interleaved rounds, so that load from other processes spreads over the variants.
  for (let round = 1; round <= rounds; round++) {
    for (const variant of VARIANTS)
      console.log(`round ${round}  ${await measure(variant, seconds)}`);
  }
  console.log(loggerLinesPerSecond());
}

void main();
