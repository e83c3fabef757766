import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import {
  type Actor,
  AuthModule,
  CurrentActor,
  IssuerVerifierList,
  LocalTokenIssuer,
} from '@remedy/auth';
import { ProblemExceptionFilter } from '@remedy/http';
import {
  METRICS,
  MetricsModule,
  ObservabilityLoggerModule,
  serveInternal,
  type Metrics,
} from './index';

/** Both modules with the real global AuthGuard of @remedy/auth, as apps/api composes them. */
const lines: string[] = [];
const destination = { write: (chunk: string) => void lines.push(chunk) };
let dataDir: string;

@Controller()
class MeController {
  @Get('me')
  me(@CurrentActor() actor: Actor): { userId: string } {
    return { userId: actor.userId };
  }
}

@Module({
  imports: [
    AuthModule.forRootAsync({
      useFactory: async () => new IssuerVerifierList([await LocalTokenIssuer.load({ dataDir })]),
    }),
    ObservabilityLoggerModule.forRootAsync({
      useFactory: async () => ({ level: 'info', destination, app: 'api' }),
    }),
    MetricsModule.forRoot({ app: 'api', defaultMetrics: false }),
  ],
  controllers: [MeController],
})
class ApiLikeModule {}

describe('logging and metrics behind the real auth guard', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;
  let issuer: LocalTokenIssuer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'remedy-observability-'));
    app = await NestFactory.create<NestFastifyApplication>(ApiLikeModule, new FastifyAdapter(), {
      bufferLogs: true,
      abortOnError: false,
    });
    app.useLogger(app.get(Logger));
    app.useGlobalFilters(new ProblemExceptionFilter());
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
    issuer = await LocalTokenIssuer.load({ dataDir });
  });
  afterAll(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('logs the verified actor, never the token, counts the 401, and serves the counts on the internal listener only', async () => {
    const actor = {
      userId: randomUUID(),
      organisationId: randomUUID(),
      roles: ['caseworker' as const],
    };
    const token = await issuer.mintToken(actor);

    expect((await fetch(`${baseUrl}/me`, { headers: { 'x-request-id': 'anon-1' } })).status).toBe(
      401,
    );
    const me = await fetch(`${baseUrl}/me`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'auth-1' },
    });
    expect(me.status).toBe(200);
    // The public port has no /metrics (even with a valid token); the internal listener has.
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(404);
    expect(
      (await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(404);
    const internal = await serveInternal({ metrics: app.get<Metrics>(METRICS), port: 0 });
    let metrics: string;
    try {
      const scrape = await fetch(`http://127.0.0.1:${internal.port}/metrics`);
      expect(scrape.status).toBe(200);
      metrics = await scrape.text();
    } finally {
      await internal.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));

    const entries = lines
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const completed = (id: string) =>
      entries.find((e) => e.requestId === id && e.msg === 'request completed');
    expect(completed('auth-1')).toMatchObject({
      app: 'api',
      pid: process.pid,
      userId: actor.userId,
      organisationId: actor.organisationId,
      route: '/me',
      res: { statusCode: 200 },
    });
    expect(completed('anon-1')).toMatchObject({
      level: 40,
      route: '/me',
      res: { statusCode: 401 },
    });
    expect(completed('anon-1')).not.toHaveProperty('userId');
    expect(lines.join('')).not.toContain(token.split('.')[1]!);

    expect(metrics).toMatch(
      /^remedy_http_requests_total\{method="GET",route="\/me",status_code="401",app="api"\} 1$/m,
    );
    expect(metrics).toMatch(
      /^remedy_http_requests_total\{method="GET",route="\/me",status_code="200",app="api"\} 1$/m,
    );
    expect(metrics).not.toContain(actor.userId);
  });
});
