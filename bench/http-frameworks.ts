/**
 * HTTP framework overhead on this machine, measured side by side in one run:
 * bare node:http vs NestJS on Fastify vs NestJS on Express, each serving one trivial JSON GET.
 * Decides issue 2's "Fastify unless Express is as fast here". Run: npm run build && node dist/bench/http-frameworks.js
 * (Not part of `npm run bench`, which measures the real API against bare node:http.)
 */
import 'reflect-metadata';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ExpressAdapter } from '@nestjs/platform-express';
import { load as loadWith } from './lib/load';
import { benchContext, BenchRow, ratioOf, writeResults } from './lib/results';

@Controller('ping')
class PingController {
  @Get()
  ping() {
    return { ok: true };
  }
}
@Module({ controllers: [PingController] })
class PingModule {}

const load = (url: string, seconds: number) => loadWith({ url, seconds, connections: 32 });

async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return `${await app.getUrl()}/ping`.replace('[::1]', '127.0.0.1');
}

export async function main(seconds = Number(process.env.BENCH_SECONDS ?? 5)): Promise<BenchRow[]> {
  const bare: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/ping`;
  const fastify = await NestFactory.create(PingModule, new FastifyAdapter(), { logger: false });
  const express = await NestFactory.create(PingModule, new ExpressAdapter(), { logger: false });
  const fastifyUrl = await listen(fastify);
  const expressUrl = await listen(express);

  await load(bareUrl, 1); // warm-up
  const b = await load(bareUrl, seconds);
  await load(fastifyUrl, 1);
  const f = await load(fastifyUrl, seconds);
  await load(expressUrl, 1);
  const e = await load(expressUrl, seconds);
  bare.close();
  await fastify.close();
  await express.close();

  const rows: BenchRow[] = [
    { measure: 'bare node:http GET', value: b.rps, unit: 'req/s' },
    {
      measure: 'NestJS + Fastify GET',
      value: f.rps,
      unit: 'req/s',
      reference: 'bare node:http',
      referenceValue: b.rps,
      ratio: ratioOf(f.rps, b.rps),
    },
    {
      measure: 'NestJS + Express GET',
      value: e.rps,
      unit: 'req/s',
      reference: 'bare node:http',
      referenceValue: b.rps,
      ratio: ratioOf(e.rps, b.rps),
    },
    {
      measure: 'Fastify vs Express',
      value: f.rps / e.rps,
      unit: 'x',
      goal: 'keep Fastify unless ≤ 1',
      met: f.rps / e.rps > 1,
    },
    { measure: 'NestJS + Fastify p99', value: f.p99, unit: 'ms' },
    { measure: 'NestJS + Express p99', value: e.p99, unit: 'ms' },
  ];
  if (b.errors + f.errors + e.errors > 0)
    console.warn(`errors: bare ${b.errors}, fastify ${f.errors}, express ${e.errors}`);
  return rows;
}

if (require.main === module) {
  main()
    .then((rows) => writeResults('http-frameworks', benchContext(), rows))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
