import {
  Body,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  Param,
  Post,
  Query,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsArray, IsOptional, IsString, ValidateNested } from 'class-validator';
import { configureHttpApp, fastifyOptions, MAX_PARAM_LENGTH } from './http-app';
import { jsonTooDeep, MAX_JSON_DEPTH, textDefects } from './input';

/**
 * Issue 12, items 5-7 at the HTTP layer: depth bombs, text that is not well-formed, and the
 * framework's own answers (router, body parser) in the problem shape, never quoting the input.
 */

/** Stands in for AuthGuard: 401 without an authorization header. */
@Injectable()
class NeedsToken implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string> }>();
    if (!req.headers.authorization)
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'A valid bearer token is required',
      });
    return true;
  }
}

class Personal {
  @IsString()
  fullName!: string;
}

class ThingDto {
  @IsString()
  name!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => Personal)
  personal?: Personal;

  @IsOptional()
  @IsArray()
  tags?: unknown[];
}

class SearchQuery {
  @IsOptional()
  @IsString()
  q?: string;
}

@Controller('things')
@UseGuards(NeedsToken)
class ThingsController {
  @Post()
  create(@Body() dto: ThingDto): { name: string } {
    return { name: dto.name };
  }

  @Post(':thingId/notes')
  note(@Param('thingId') thingId: string, @Body() dto: ThingDto): { id: number } {
    return { id: thingId.length + dto.name.length };
  }

  @Get()
  search(@Query() query: SearchQuery): { q: number } {
    return { q: query.q?.length ?? 0 };
  }
}

const MARKER = 'MARKER-5e1f';
const json = { 'content-type': 'application/json', authorization: 'Bearer t' };

describe('bad input never reaches a 500, and no answer quotes it (issue 12)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ThingsController] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(
      new FastifyAdapter(fastifyOptions()),
      { logger: false },
    );
    configureHttpApp(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const post = (url: string, payload: string, headers: Record<string, string> = json) =>
    app.inject({ method: 'POST', url, headers, payload });

  /** The problem shape, and nothing of the input. */
  function expectProblem(res: { statusCode: number; body: string }, status: number) {
    expect({ status: res.statusCode, quotes: res.body.includes(MARKER) }).toEqual({
      status,
      quotes: false,
    });
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(body).toMatchObject({ status, title: expect.any(String) });
    expect(typeof body.detail).toBe('string');
    expect(body).not.toHaveProperty('code');
    expect(String(body.detail)).not.toMatch(/\/things/);
  }

  describe('5. nesting depth, before parsing', () => {
    it('refuses {"a": × 3,000 with 400 naming the body and the reason, not a 500 RangeError', async () => {
      const bomb = '{"a":'.repeat(3_000) + '1' + '}'.repeat(3_000);
      const res = await post('/things', bomb);
      expectProblem(res, 400);
      expect(res.json()).toMatchObject({
        fields: [{ name: 'body', reason: `nested deeper than ${MAX_JSON_DEPTH} levels` }],
      });
    });

    it('refuses an array nested 2,000 deep inside one field, on a route with a path parameter', async () => {
      const payload = `{"name":"${MARKER}","tags":${'['.repeat(2_000)}${']'.repeat(2_000)}}`;
      expectProblem(await post('/things/x/notes', payload), 400);
    });

    it(`accepts ${MAX_JSON_DEPTH} levels and refuses ${MAX_JSON_DEPTH + 1}`, async () => {
      const nested = (levels: number) =>
        `{"name":"n","tags":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
      expect((await post('/things', nested(MAX_JSON_DEPTH))).statusCode).toBe(201);
      expectProblem(await post('/things', nested(MAX_JSON_DEPTH + 1)), 400);
    });

    it('counts brackets outside strings only', () => {
      expect(jsonTooDeep(JSON.stringify({ text: '['.repeat(1_000) }))).toBe(false);
      expect(jsonTooDeep(JSON.stringify({ text: '\\"' + '{'.repeat(1_000) }))).toBe(false);
      expect(jsonTooDeep('['.repeat(33))).toBe(true);
    });
  });

  describe('6. every text field is well-formed Unicode without NUL or control characters', () => {
    it.each([
      ['NUL', `${MARKER}\u0000`],
      ['a lone high surrogate', `${MARKER}\ud800`],
      ['a lone low surrogate', `\udc00${MARKER}`],
      ['another C0 control', `${MARKER}\u001b[2J`],
      ['DEL', `${MARKER}\u007f`],
    ])('refuses %s in a top-level field with 400 naming it', async (_what, value) => {
      const res = await post('/things', JSON.stringify({ name: value }));
      expectProblem(res, 400);
      expect(res.json()).toMatchObject({ fields: [{ name: 'name' }] });
    });

    it('names a nested field, and a field of an array, by their path', async () => {
      const res = await post(
        '/things',
        JSON.stringify({
          name: 'n',
          personal: { fullName: `${MARKER}\u0000` },
          tags: ['ok', '\ud800'],
        }),
      );
      expectProblem(res, 400);
      const fields = (res.json() as { fields: { name: string }[] }).fields.map((f) => f.name);
      expect(fields.sort()).toEqual(['personal.fullName', 'tags.1']);
    });

    it('checks keys too, without echoing them', async () => {
      const res = await post('/things', `{"name":"n","${MARKER}\\u0000":1}`);
      expectProblem(res, 400);
    });

    it('checks the query string', async () => {
      const res = await app.inject({
        method: 'GET',
        url: `/things?q=${MARKER}%00`,
        headers: { authorization: 'Bearer t' },
      });
      expectProblem(res, 400);
      expect(res.json()).toMatchObject({ fields: [{ name: 'q' }] });
    });

    it('accepts tabs, line breaks and any well-formed Unicode (emoji, scripts)', async () => {
      const res = await post('/things', JSON.stringify({ name: 'a\tb\r\nc 💥 ключ 名前 \u200b' }));
      expect(res.statusCode).toBe(201);
    });

    it('textDefects walks iteratively (no recursion) and stops at its limit', () => {
      let deep: unknown = '\u0000';
      for (let i = 0; i < 10_000; i++) deep = [deep];
      expect(textDefects(deep)).toHaveLength(1);
      expect(textDefects(Array.from({ length: 100 }, () => '\u0000'))).toHaveLength(20);
    });
  });

  describe("7. the framework's own answers: problem shape, the order, no input quoted", () => {
    it('a path parameter over 100 characters matches its route: 401 without a token', async () => {
      const res = await post(`/things/${MARKER}${'x'.repeat(2_000)}/notes`, '{"name":"n"}', {
        'content-type': 'application/json',
      });
      expectProblem(res, 401);
    });

    it('with a token, the route answers it (no 414)', async () => {
      const res = await post(`/things/${'x'.repeat(5_000)}/notes`, '{"name":"n"}');
      expect(res.statusCode).toBe(201);
    });

    it(`a parameter over ${MAX_PARAM_LENGTH} characters: 414 in the problem shape, the URL not quoted`, async () => {
      const res = await post(`/things/${MARKER}${'x'.repeat(MAX_PARAM_LENGTH)}/notes`, '{}');
      expectProblem(res, 414);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('a malformed URL: 400 in the problem shape, not quoted', async () => {
      const res = await app.inject({ method: 'GET', url: `/things/${MARKER}%E0%A4%A/notes` });
      expectProblem(res, 400);
    });

    it('an unknown route: 404 without the URL', async () => {
      const res = await app.inject({ method: 'GET', url: `/nothing/${MARKER}` });
      expectProblem(res, 404);
      expect(res.json()).toMatchObject({ detail: 'No such route' });
    });

    it.each([
      ['malformed JSON', `{"name":"${MARKER}"`, 'application/json', 400],
      ['empty JSON', '', 'application/json', 400],
      ['prototype poisoning', `{"name":"${MARKER}","__proto__":{"x":1}}`, 'application/json', 400],
      [
        'constructor poisoning',
        `{"name":"${MARKER}","constructor":{"prototype":{"x":1}}}`,
        'application/json',
        400,
      ],
      ['an unsupported media type', `<a>${MARKER}</a>`, 'application/xml', 415],
      ['a body over the limit', `"${MARKER}${'x'.repeat(300 * 1024)}"`, 'application/json', 413],
    ])('%s: the problem shape, the input not quoted', async (_what, payload, type, status) => {
      const res = await post('/things', payload, {
        authorization: 'Bearer t',
        'content-type': type,
      });
      expectProblem(res, status);
    });
  });
});
