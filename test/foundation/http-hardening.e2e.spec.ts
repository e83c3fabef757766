import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Body, Controller, Get, HttpCode, Module, Param, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsInt, IsString, MaxLength } from 'class-validator';
import type { InjectOptions } from 'fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import { AuthModule, IssuerVerifierList, LocalTokenIssuer, Public } from '@remedy/auth';
import { createHttpApp, UI_CSP, type HttpSecurityOptions } from '@remedy/http';
import { ObservabilityLoggerModule } from '@remedy/observability';

/**
 * The hardened HTTP app (`createHttpApp`, what apps/api runs) on a small module of its own:
 * security headers, no-store, CORS closed unless origins are listed, rate limiting per user (per
 * address without a token) with 429 + Retry-After, health exempt, Redis-shared counts, the body
 * limit (413), and no personal data in error answers or logs.
 */
const chunks: string[] = [];
const capture = { write: (chunk: string) => void chunks.push(chunk) };
const logs = () => chunks.join('');

class ThingDto {
  @IsString()
  @MaxLength(5)
  name!: string;

  @IsInt()
  age!: number;
}

@Controller()
class ProbeController {
  constructor(private readonly logger: PinoLogger) {}

  @Get('things/:id')
  thing(@Param('id') id: string) {
    return { id, note: 'case data' };
  }

  @Post('things')
  @HttpCode(201)
  create(@Body() body: ThingDto) {
    // Careless logging of a body with personal fields: redacted by the logger.
    this.logger.info({ person: { name: body.name, note: `${body.name} ${body.age}` } }, 'thing');
    return { ok: true };
  }

  @Get('boom')
  boom(): never {
    throw new Error('could not save person MARKER_ERROR_NAME born 1990-04-02');
  }

  @Get('boom-db')
  boomDb(): never {
    throw Object.assign(new Error('duplicate key value (name)=(MARKER_DB_NAME)'), {
      code: '23505',
    });
  }

  @Public()
  @Get('open')
  open() {
    return { open: true };
  }

  @Public()
  @Get('health')
  health() {
    return { status: 'ok' };
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'remedy-hardening-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

@Module({
  imports: [
    ObservabilityLoggerModule.forRoot({ level: 'info', destination: capture, app: 'test' }),
    AuthModule.forRootAsync({
      useFactory: async () => new IssuerVerifierList([await LocalTokenIssuer.load({ dataDir })]),
    }),
  ],
  controllers: [ProbeController],
})
class ProbeModule {}

async function start(security?: HttpSecurityOptions): Promise<NestFastifyApplication> {
  const app = await createHttpApp(ProbeModule, security ? { security } : {});
  app.useLogger(app.get(Logger));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('hardened HTTP app (createHttpApp)', () => {
  let issuer: LocalTokenIssuer;
  /** CORS for one origin, 5 requests a minute. */
  let open: NestFastifyApplication;
  /** From the settings: CORS_ORIGINS unset, RATE_LIMIT_PER_MINUTE=3. */
  let fromSettings: NestFastifyApplication;
  const token = async () =>
    issuer.mintToken({ userId: randomUUID(), organisationId: randomUUID(), roles: ['caseworker'] });
  const inject = (app: NestFastifyApplication, opts: InjectOptions, bearer?: string) =>
    app.inject({
      ...opts,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(opts.headers ?? {}),
      },
    });

  beforeAll(async () => {
    issuer = await LocalTokenIssuer.load({ dataDir });
    open = await start({
      corsOrigins: ['https://app.example.org'],
      rateLimit: { perMinute: 5 },
    });
    process.env.RATE_LIMIT_PER_MINUTE = '3';
    delete process.env.CORS_ORIGINS;
    const redisUrl = process.env.REDIS_URL;
    delete process.env.REDIS_URL; // this one counts in memory
    try {
      fromSettings = await start();
    } finally {
      if (redisUrl) process.env.REDIS_URL = redisUrl;
      delete process.env.RATE_LIMIT_PER_MINUTE;
    }
  });
  afterAll(async () => {
    await open?.close();
    await fromSettings?.close();
  });

  it('sends security headers and Cache-Control: no-store on answers, errors included', async () => {
    const bearer = await token();
    for (const res of [
      await inject(open, { method: 'GET', url: '/things/1' }, bearer),
      await inject(open, { method: 'GET', url: '/things/1' }),
      await inject(open, { method: 'GET', url: '/nowhere' }, bearer),
    ]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
      );
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'cross-origin-resource-policy': 'same-origin',
      });
      expect(res.headers).not.toHaveProperty('x-powered-by');
    }
  });

  it('still serves the Swagger UI at /docs (its scripts and styles load under the page CSP) and /docs-json', async () => {
    const page = await inject(open, { method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toBe(UI_CSP);
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      const url = new URL(asset, 'http://api.test/docs').pathname;
      expect({ url, status: (await inject(open, { method: 'GET', url })).statusCode }).toEqual({
        url,
        status: 200,
      });
    }
    expect(page.body).not.toMatch(/<script>(?!\s*<\/script>)/); // no inline script: script-src 'self' suffices
    expect(page.headers).not.toHaveProperty('cache-control', 'no-store'); // the same for everyone
    // The queue dashboard's pages (not mounted here) get the same page policy, and no-store.
    const dashboard = await inject(open, { method: 'GET', url: '/admin/queues/queue/x' });
    expect(dashboard.headers['content-security-policy']).toBe(UI_CSP);
    expect(dashboard.headers['cache-control']).toBe('no-store');
    const json = await inject(open, { method: 'GET', url: '/docs-json' });
    expect(json.statusCode).toBe(200);
    expect(json.json().paths).toHaveProperty('/things/{id}');
  });

  it('answers CORS only for the listed origins, and not at all when none is configured', async () => {
    const bearer = await token();
    const from = (origin: string) => ({
      method: 'GET' as const,
      url: '/things/1',
      headers: { origin },
    });
    const allowed = await inject(open, from('https://app.example.org'), bearer);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.org');
    expect(allowed.headers).not.toHaveProperty('access-control-allow-credentials');
    expect(allowed.headers['access-control-expose-headers']).toContain('x-position');
    const preflight = await inject(open, {
      method: 'OPTIONS',
      url: '/things',
      headers: {
        origin: 'https://app.example.org',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
    expect(
      (await inject(open, from('https://evil.example.org'), bearer)).headers,
    ).not.toHaveProperty('access-control-allow-origin');
    // Closed (no CORS_ORIGINS): no Access-Control-Allow-Origin for anyone, no preflight answer.
    const closed = await inject(fromSettings, from('https://app.example.org'), await token());
    expect(closed.statusCode).toBe(200);
    expect(closed.headers).not.toHaveProperty('access-control-allow-origin');
    const closedPreflight = await inject(fromSettings, {
      method: 'OPTIONS',
      url: '/things',
      headers: { origin: 'https://app.example.org', 'access-control-request-method': 'POST' },
    });
    expect(closedPreflight.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('limits each user on their own (users behind one address do not share a budget): 429 with Retry-After', async () => {
    const [ana, ben] = [await token(), await token()];
    const get = (bearer: string) => inject(open, { method: 'GET', url: '/things/1' }, bearer);
    for (let i = 0; i < 5; i++) expect((await get(ana)).statusCode).toBe(200);
    const limited = await get(ana);
    expect(limited.statusCode).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.json()).toMatchObject({
      status: 429,
      type: 'https://remedy.example/problems/rate-limited',
    });
    expect(limited.headers['cache-control']).toBe('no-store');
    // Same address, another user: a budget of their own.
    expect((await get(ben)).statusCode).toBe(200);
    expect((await get(ben)).headers['x-ratelimit-remaining']).toBe('3');
  });

  it('limits requests without a token per address, and never /health', async () => {
    const anonymous = (url: string, ip: string) =>
      open.inject({ method: 'GET', url, remoteAddress: ip });
    for (let i = 0; i < 5; i++) expect((await anonymous('/open', '10.0.0.1')).statusCode).toBe(200);
    expect((await anonymous('/open', '10.0.0.1')).statusCode).toBe(429);
    expect((await anonymous('/open', '10.0.0.2')).statusCode).toBe(200);
    for (let i = 0; i < 20; i++)
      expect((await anonymous('/health', '10.0.0.1')).statusCode).toBe(200);
  });

  it('counts refused tokens (401) per address: past the limit, the address gets 429 until its block ends', async () => {
    const badToken = (ip: string, url = '/things/1') =>
      open.inject({
        method: 'GET',
        url,
        remoteAddress: ip,
        headers: { authorization: 'Bearer e30.e30.c2ln' },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await badToken('10.0.1.1')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    const blocked = await open.inject({
      method: 'GET',
      url: '/things/1',
      remoteAddress: '10.0.1.1',
      headers: { authorization: `Bearer ${await token()}` },
    });
    expect(blocked.statusCode).toBe(429); // the whole address, valid tokens too
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.headers['cache-control']).toBe('no-store');
    expect(blocked.json()).toMatchObject({
      status: 429,
      type: 'https://remedy.example/problems/rate-limited',
    });
    expect((await badToken('10.0.1.2')).statusCode).toBe(401); // another address
    expect((await badToken('10.0.1.1', '/health')).statusCode).toBe(200); // exempt
  });

  it('takes the limit from RATE_LIMIT_PER_MINUTE when built from the settings', async () => {
    const bearer = await token();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await inject(fromSettings, { method: 'GET', url: '/things/1' }, bearer)).statusCode,
      );
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('answers 413 for a body above the limit (256 KiB), naming the body, echoing nothing', async () => {
    const res = await inject(
      open,
      {
        method: 'POST',
        url: '/things',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'MARKER_BIG', age: 1, pad: 'x'.repeat(300 * 1024) }),
      },
      await token(),
    );
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      status: 413,
      type: 'https://remedy.example/problems/payload-too-large',
      title: 'Request body too large',
      detail: 'Invalid input: body (too large)',
    });
    expect(res.body).not.toContain('MARKER');
  });

  it('names the invalid fields and the reason, never the submitted values', async () => {
    const res = await inject(
      open,
      {
        method: 'POST',
        url: '/things',
        headers: { 'content-type': 'application/json' },
        payload: { name: 'MARKER_TOO_LONG_NAME', age: 'MARKER_AGE' },
      },
      await token(),
    );
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .fields.map((f: { name: string }) => f.name)
        .sort(),
    ).toEqual(['age', 'name']);
    expect(res.json().fields.every((f: { reason: string }) => f.reason.length > 0)).toBe(true);
    expect(res.body).not.toContain('MARKER');
  });

  it('answers malformed JSON and a wrong content type with 400/415 naming the defect, never quoting the body', async () => {
    const bearer = await token();
    const post = (payload: string, contentType = 'application/json') =>
      inject(
        open,
        { method: 'POST', url: '/things', headers: { 'content-type': contentType }, payload },
        bearer,
      );
    for (const payload of [
      '{"name": MARKER_NAME_UNQUOTED}',
      '{"name": "MARKER_TRUNC',
      'MARKER_NOT_JSON',
      '',
    ]) {
      const res = await post(payload);
      expect({ payload, status: res.statusCode }).toEqual({ payload, status: 400 });
      expect(res.json()).toMatchObject({
        status: 400,
        type: 'https://remedy.example/problems/invalid-input',
        detail: expect.stringMatching(/^Invalid input: body/),
      });
      expect(res.body).not.toContain('MARKER');
    }
    const wrongType = await post('name=MARKER_FORM', 'text/x-unknown');
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json()).toMatchObject({
      status: 415,
      detail: 'Invalid input: content-type (unsupported media type)',
    });
    expect(wrongType.body).not.toContain('MARKER');
  });

  it('turns unexpected errors into a generic 500 without their text', async () => {
    const bearer = await token();
    for (const url of ['/boom', '/boom-db']) {
      const res = await inject(open, { method: 'GET', url }, bearer);
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({
        status: 500,
        type: 'about:blank',
        title: 'Internal Server Error',
        detail: 'Unexpected error',
      });
    }
  });

  it('never logs the Authorization header, a personal field of a body, or an error text', async () => {
    const bearer = await token();
    const ok = await inject(
      open,
      {
        method: 'POST',
        url: '/things?email=MARKER_QUERY',
        headers: { 'content-type': 'application/json', cookie: 'session=MARKER_COOKIE' },
        payload: { name: 'MARKR', age: 30 },
      },
      bearer,
    );
    expect(ok.statusCode).toBe(201);
    await inject(open, { method: 'GET', url: '/boom' }, bearer);
    await new Promise((resolve) => setImmediate(resolve)); // completion lines are written on 'finish'
    expect(logs()).toContain('"msg":"thing"');
    expect(logs()).toContain('"statusCode":500');
    expect(logs()).not.toContain(bearer.split('.')[1]!.slice(0, 24));
    expect(logs()).not.toMatch(/MARKER|MARKR|Bearer /);
  });
});

describe('rate limiting when its Redis is unreachable', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    // Port 1 on the loopback: connections are refused.
    app = await start({ rateLimit: { perMinute: 1, redisUrl: 'redis://127.0.0.1:1' } });
  });
  afterAll(async () => app?.close());

  it('lets requests through (fail-open: case work goes on) rather than answering 5xx', async () => {
    const issuer = await LocalTokenIssuer.load({ dataDir });
    const bearer = await issuer.mintToken({
      userId: randomUUID(),
      organisationId: randomUUID(),
      roles: ['caseworker'],
    });
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({
        method: 'GET',
        url: '/things/1',
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect(res.statusCode).toBe(200);
    }
  });
});

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  describe('rate limiting shared through Redis (REDIS_URL)', () => {
    let issuer: LocalTokenIssuer;
    let apps: NestFastifyApplication[] = [];
    beforeAll(async () => {
      issuer = await LocalTokenIssuer.load({ dataDir });
      apps = [
        await start({ rateLimit: { perMinute: 4, redisUrl } }),
        await start({ rateLimit: { perMinute: 4, redisUrl } }),
      ];
    });
    afterAll(async () => {
      for (const app of apps) await app.close();
    });

    it('given two API processes, then one user has one budget across both', async () => {
      const bearer = await issuer.mintToken({
        userId: randomUUID(),
        organisationId: randomUUID(),
        roles: ['admin'],
      });
      const get = (app: NestFastifyApplication) =>
        app.inject({
          method: 'GET',
          url: '/things/1',
          headers: { authorization: `Bearer ${bearer}` },
        });
      const statuses = [];
      for (const app of [apps[0]!, apps[1]!, apps[0]!, apps[1]!, apps[0]!, apps[1]!])
        statuses.push((await get(app)).statusCode);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    });
  });
}
