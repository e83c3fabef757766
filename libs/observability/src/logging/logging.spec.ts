import {
  BadRequestException,
  Body,
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  Logger as NestLogger,
  Module,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import { ProblemExceptionFilter } from '@remedy/http';
import { pinoHttp } from 'pino-http';
import {
  assertNothingToRedact,
  createLogger,
  httpLoggerOptions,
  requestLineWriter,
  requestLogFields,
  requestLogLine,
  type LoggedRequest,
} from './logger';
import { ObservabilityLoggerModule } from './logger.module';
import { PERSONAL_FIELDS } from './redaction';
import { isSafeRequestId, requestIdFor } from './request-id';

/** Collects what pino writes, one JSON line per entry. */
function captureStream() {
  const chunks: string[] = [];
  return {
    stream: { write: (chunk: string) => void chunks.push(chunk) },
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** The "request completed" line is written when the response finishes, possibly after the client read it. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 50));

const USER_ID = '0b6e5f2c-8a55-4f4e-9d43-1f0a7c1e2d01';
const ORG_ID = '5a1c3b9e-2f4d-4c6b-8e7a-9d0f1b2c3d4e';

/** Stands in for the auth guard: attaches the acting user to the request. */
@Injectable()
class FakeAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string>; actor?: unknown }>();
    if (request.headers['x-test-anonymous'] === undefined) {
      request.actor = { userId: USER_ID, organisationId: ORG_ID, roles: ['caseworker'] };
    }
    return true;
  }
}

@Controller('cases')
class CasesController {
  private readonly nestLogger = new NestLogger('CasesController');
  constructor(private readonly logger: PinoLogger) {
    logger.setContext('CasesController');
  }

  @Post(':caseId/notes')
  addNote(
    @Param('caseId') caseId: string,
    @Body() body: Record<string, unknown>,
    @Query() query: Record<string, string>,
  ) {
    // Careless logging of personal data, at several depths: must come out redacted.
    this.logger.info(
      {
        caseId,
        person: { name: body.name, reachableAt: [{ phone: body.phone }] },
        deep: { a: { b: { c: { d: { note: body.note } } } } },
      },
      'note added',
    );
    this.logger.info({ query: { email: query.email } }, 'query seen');
    this.nestLogger.log({ msg: 'through the Nest logger', email: body.email });
    return { ok: true };
  }

  @Get(':caseId')
  fail(): never {
    throw new BadRequestException('caseId is not a uuid');
  }
}

const capture = captureStream();

@Module({
  imports: [
    ObservabilityLoggerModule.forRoot({ level: 'info', destination: capture.stream, app: 'test' }),
  ],
  controllers: [CasesController],
  providers: [{ provide: APP_GUARD, useClass: FakeAuthGuard }],
})
class TestAppModule {}

describe('structured request logs with redaction (Nest on Fastify)', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;
  const request = (
    method: string,
    url: string,
    headers: Record<string, string> = {},
    payload?: unknown,
  ) =>
    fetch(baseUrl + url, {
      method,
      headers,
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(TestAppModule, new FastifyAdapter(), {
      bufferLogs: true,
      abortOnError: false,
    });
    app.useLogger(app.get(Logger));
    app.useGlobalFilters(new ProblemExceptionFilter());
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await app.close();
  });

  it('logs request id, user id and organisation id, and none of the body, credential headers, query or personal fields', async () => {
    const response = await request(
      'POST',
      '/cases/3f9a0e4c-1111-4222-8333-944455556666/notes?search=MARKER_QUERY_VALUE&email=MARKER_QUERY_EMAIL',
      {
        'x-request-id': 'trace-abc-123',
        authorization: 'Bearer MARKER_AUTH_TOKEN',
        cookie: 'session=MARKER_COOKIE_VALUE',
        'x-personal-header': 'MARKER_OTHER_HEADER',
        'content-type': 'application/json',
      },
      {
        name: 'MARKER_BODY_NAME',
        phone: 'MARKER_BODY_PHONE',
        email: 'MARKER_BODY_EMAIL',
        note: 'MARKER_BODY_NOTE',
        unlistedField: 'MARKER_BODY_UNLISTED',
      },
    );
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
    await flush();

    const lines = capture.lines().filter((l) => l.requestId === 'trace-abc-123');
    const completed = lines.find((l) => l.msg === 'request completed');
    expect(completed).toMatchObject({
      app: 'test',
      requestId: 'trace-abc-123',
      userId: USER_ID,
      organisationId: ORG_ID,
      route: '/cases/:caseId/notes',
      req: { method: 'POST', url: '/cases/3f9a0e4c-1111-4222-8333-944455556666/notes' },
      res: { statusCode: 201 },
    });
    const handlerLine = lines.find((l) => l.msg === 'note added');
    expect(handlerLine).toMatchObject({
      requestId: 'trace-abc-123',
      userId: USER_ID,
      organisationId: ORG_ID,
      context: 'CasesController',
      caseId: '3f9a0e4c-1111-4222-8333-944455556666',
      person: { name: '[REDACTED]', reachableAt: [{ phone: '[REDACTED]' }] },
      deep: { a: { b: { c: { d: { note: '[REDACTED]' } } } } },
    });
    expect(lines.find((l) => l.msg === 'query seen')).toMatchObject({
      query: { email: '[REDACTED]' },
    });
    expect(capture.text()).toContain('through the Nest logger');
    expect(capture.text()).toContain('"email":"[REDACTED]"');

    expect(completed!.req).not.toHaveProperty('query');
    expect(completed!.req).not.toHaveProperty('headers');
    // Bearer token, cookie, other headers, body fields (listed or not), query values: none of them.
    expect(capture.text()).not.toContain('MARKER');
  });

  it('replaces an unsafe incoming request id with a uuid and echoes it, on errors and 404s too', async () => {
    const bad = await request('GET', '/cases/not-a-uuid', {
      'x-request-id': 'Jane Doe <jane@example.org>',
    });
    expect(bad.status).toBe(400);
    await flush();
    const id = bad.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(capture.text()).not.toContain('jane@example.org');
    const line = capture.lines().find((l) => l.requestId === id && l.msg === 'request completed');
    expect(line).toMatchObject({
      level: 40,
      route: '/cases/:caseId',
      res: { statusCode: 400 },
      userId: USER_ID,
    });

    const missing = await request('GET', '/nowhere?token=MARKER_404', { 'x-test-anonymous': '1' });
    expect(missing.status).toBe(404);
    await flush();
    const missingId = missing.headers.get('x-request-id')!;
    expect(missingId).toMatch(/^[0-9a-f-]{36}$/);
    const missingLine = capture
      .lines()
      .find((l) => l.requestId === missingId && l.msg === 'request completed');
    expect(missingLine).toMatchObject({ req: { url: '/nowhere' }, res: { statusCode: 404 } });
    expect(missingLine).not.toHaveProperty('userId');
    expect(capture.text()).not.toContain('MARKER_404');
  });

  it('does not log health probes', async () => {
    const scrape = await request('GET', '/health/ready', { 'x-request-id': 'scrape-1' });
    expect(scrape.status).toBe(404); // no health controller here: the path alone is ignored
    await flush();
    expect(capture.lines().filter((l) => l.requestId === 'scrape-1')).toEqual([]);
  });
});

describe('createLogger (non-Nest code)', () => {
  it('redacts every personal field at any depth, in arrays and in child bindings, and keeps the rest', () => {
    const out = captureStream();
    const logger = createLogger({ level: 'debug', destination: out.stream });
    const personal = Object.fromEntries(PERSONAL_FIELDS.map((f) => [f, `MARKER_${f}`]));
    logger.info({ ...personal, caseId: 'c-1' }, 'top level');
    logger.info(
      { a: personal, b: { c: { d: { e: { f: { g: personal } } } } }, list: [[{ x: [personal] }]] },
      'nested',
    );
    logger
      .child({ binding: { nested: personal } })
      .info({ headers: { authorization: 'Bearer MARKER_T', cookie: 'MARKER_C' } }, 'child');
    logger.info({ body: { anything: 'MARKER_BODY' } }, 'body');
    logger.debug({ count: 3 }, 'debug kept');
    class PersonDto {
      constructor(
        readonly givenName: string,
        readonly address: { city: string },
        readonly citizenship: string,
      ) {}
    }
    const cyclic: Record<string, unknown> = {
      holder: new PersonDto('MARKER_DTO_NAME', { city: 'MARKER_DTO_CITY' }, 'FR'),
    };
    cyclic.self = cyclic;
    logger.warn(
      { dto: new PersonDto('MARKER_DTO2', { city: 'MARKER_DTO3' }, 'NG'), cyclic },
      'class instances and cycles',
    );

    const text = out.text();
    expect(text).not.toContain('MARKER');
    const lines = out.lines();
    expect(lines.map((l) => l.msg)).toEqual([
      'top level',
      'nested',
      'child',
      'body',
      'debug kept',
      'class instances and cycles',
    ]);
    expect(lines[0]).toMatchObject({ caseId: 'c-1', name: '[REDACTED]', personal: '[REDACTED]' });
    expect(lines[4]).toMatchObject({ count: 3 });
    expect(lines[2]).toMatchObject({
      pid: process.pid,
      binding: { nested: { name: '[REDACTED]' } },
      headers: { authorization: '[REDACTED]' },
    });
    expect(lines[5]).toMatchObject({
      dto: { givenName: '[REDACTED]', address: '[REDACTED]', citizenship: 'NG' },
    });
  });

  it('honours the level', () => {
    const out = captureStream();
    const logger = createLogger({ level: 'warn', destination: out.stream });
    logger.info('hidden');
    logger.warn('shown');
    expect(out.lines().map((l) => l.msg)).toEqual(['shown']);
  });
});

describe('request ids', () => {
  it('reuses a safe token and replaces anything else with a uuid', () => {
    expect(requestIdFor({ 'x-request-id': '6f1c2d3e-aaaa-bbbb-cccc-1234567890ab' })).toBe(
      '6f1c2d3e-aaaa-bbbb-cccc-1234567890ab',
    );
    expect(requestIdFor({ 'x-request-id': 'a'.repeat(129) })).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFor({ 'x-request-id': ['a', 'b'] })).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFor({})).toMatch(/^[0-9a-f-]{36}$/);
    expect(isSafeRequestId('with space')).toBe(false);
    expect(isSafeRequestId('')).toBe(false);
    expect(isSafeRequestId('root:span.1_2-3')).toBe(true);
  });
});

describe('the request line (requestLineWriter)', () => {
  const requests: Array<[LoggedRequest, number]> = [
    [
      {
        id: 'trace-1',
        method: 'GET',
        url: '/session?x=MARKER_QUERY',
        routeOptions: { url: '/session' },
        actor: { userId: USER_ID, organisationId: ORG_ID, roles: ['caseworker'] },
      },
      200,
    ],
    [
      {
        id: 'trace-2',
        method: 'POST',
        url: '/cases/"quoted"/\u00e9\u2028notes',
        routeOptions: { url: '/cases/:caseId/notes' },
        actor: { userId: USER_ID, organisationId: 'bad id with spaces' },
      },
      422,
    ],
    [{ id: 'trace-3', method: 'GET', url: '/nowhere' }, 404],
    [{ id: 'trace-4', method: 'GET', url: '/health' }, 200],
  ];
  const time = (line: string) => line.replace(/,"time":"[^"]*"/, '');

  it('is byte for byte the line pino writes for the same request, but the time', () => {
    const viaPino = captureStream();
    const fast = captureStream();
    // The root logger as nestjs-pino builds it: pino-http's, with its serializers.
    const options = httpLoggerOptions({ app: 'test', level: 'info' });
    const pinoLogger = pinoHttp(options, viaPino.stream).logger;
    const write = requestLineWriter(pinoHttp(options, fast.stream).logger, new Set(['/health']));
    for (const [request, status] of requests)
      requestLogFields.run({ requestId: request.id, request }, () => {
        const line = requestLogLine(new Set(['/health']), request, status, 7);
        if (line) pinoLogger[line[0]](line[1], line[2]);
        write(request, status, 7);
      });
    expect(fast.text().split('\n').map(time)).toEqual(viaPino.text().split('\n').map(time));
    expect(fast.lines()).toHaveLength(3);
    expect(fast.lines()[0]).toMatchObject({
      level: 30,
      app: 'test',
      userId: USER_ID,
      req: { method: 'GET', url: '/session' },
    });
    expect(fast.lines()[1]).toMatchObject({ level: 40, organisationId: 'unknown' });
    expect(fast.text()).not.toContain('MARKER');
    expect(typeof fast.lines()[0]!.time).toBe('string');
  });

  it('honours the level, and writes a 5xx through pino (with its error)', () => {
    const out = captureStream();
    const logger = pinoHttp(httpLoggerOptions({ level: 'warn' }), out.stream).logger;
    const write = requestLineWriter(logger, new Set());
    write(requests[0]![0], 200, 1);
    write(requests[0]![0], 403, 1);
    write(requests[0]![0], 503, 1);
    expect(out.lines().map((l) => [l.level, l.msg])).toEqual([
      [40, 'request completed'],
      [50, 'request errored'],
    ]);
    expect(out.lines()[1]).toHaveProperty('err');
  });

  it('refuses to bypass pino when one of its fields would be redacted', () => {
    expect(() => assertNothingToRedact()).not.toThrow();
    expect(() => assertNothingToRedact(['req.url'])).toThrow(/req\.url/);
    expect(() => assertNothingToRedact(['*.statusCode'])).toThrow(/res\.statusCode/);
    expect(() => assertNothingToRedact(['res["statusCode"]'])).toThrow(/res\.statusCode/);
    expect(() => assertNothingToRedact(['route'])).toThrow(/route/);
  });
});
