import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ProblemExceptionFilter } from '@remedy/http';
import type { Actor } from '../actor';
import { LocalTokenIssuer } from '../local-issuer';
import { IssuerVerifierList } from '../verifier';
import { AuthModule } from './auth.module';
import { CurrentActor, Public } from './decorators';

@Controller()
class ProbeController {
  @Get('me')
  me(@CurrentActor() actor: Actor): Actor {
    return actor;
  }

  @Public()
  @Get('health')
  health(): { status: string } {
    return { status: 'ok' };
  }
}

@Public()
@Controller('open')
class OpenController {
  @Get()
  open(): { open: boolean } {
    return { open: true };
  }
}

describe('AuthGuard on Fastify (global, bearer JWT, @Public routes open)', () => {
  let dataDir: string;
  let issuer: LocalTokenIssuer;
  let app: NestFastifyApplication;
  const actor = {
    userId: randomUUID(),
    organisationId: randomUUID(),
    roles: ['caseworker'] as const,
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'remedy-guard-'));
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRootAsync({
          useFactory: async () =>
            new IssuerVerifierList([await LocalTokenIssuer.load({ dataDir })]),
        }),
      ],
      controllers: [ProbeController, OpenController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    app.useGlobalFilters(new ProblemExceptionFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    issuer = await LocalTokenIssuer.load({ dataDir });
  });
  afterAll(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  // supertest over a real socket (Fastify's inject() pulls in an ESM-only dependency Jest cannot load here).
  const get = async (url: string, authorization?: string) => {
    const req = request(app.getHttpServer()).get(url);
    const res = await (authorization === undefined ? req : req.set('authorization', authorization));
    return { statusCode: res.status, headers: res.headers, body: res.text, json: () => res.body };
  };

  it('given no token, then 401 with a Bearer challenge and a problem body', async () => {
    const res = await get('/me');
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="remedy-api"');
    expect(res.json()).toMatchObject({
      status: 401,
      type: 'https://remedy.example/problems/unauthenticated',
      reason: 'missing',
    });
  });

  it('given a valid token, then 200 and the handler receives the actor', async () => {
    const token = await issuer.mintToken({ ...actor, roles: [...actor.roles] });
    const res = await get('/me', `Bearer ${token}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ...actor, roles: ['caseworker'] });
    expect((await get('/me', `bearer  ${token}`)).statusCode).toBe(200);
  });

  it('given a bad token of any kind, then 401 naming the reason, never the token', async () => {
    const valid = await issuer.mintToken({ ...actor, roles: [...actor.roles] });
    const expired = await (
      await LocalTokenIssuer.load({ dataDir, now: () => new Date(Date.now() - 3 * 3600_000) })
    ).mintToken({
      ...actor,
      roles: ['caseworker'],
      expiresIn: '1h',
    });
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${valid.split('.')[1]}.`;
    const cases: Array<[string, string]> = [
      [`Bearer ${expired}`, 'expired'],
      [`Bearer ${valid.slice(0, -4)}AAAA`, 'bad_signature'],
      [`Bearer ${unsigned}`, 'unsigned'],
      ['Bearer not-a-jwt', 'malformed'],
      [`Basic ${Buffer.from('admin:admin').toString('base64')}`, 'malformed'],
      [valid, 'malformed'],
    ];
    for (const [authorization, reason] of cases) {
      const res = await get('/me', authorization);
      expect({ status: res.statusCode, reason: res.json().reason }).toEqual({
        status: 401,
        reason,
      });
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(res.body).not.toContain(valid.split('.')[1]!.slice(0, 16));
    }
  });

  it('given a route or a controller marked @Public(), then it is open without a token', async () => {
    expect((await get('/health')).statusCode).toBe(200);
    expect((await get('/open')).json()).toEqual({ open: true });
    expect((await get('/health', 'Bearer garbage')).statusCode).toBe(200);
  });

  it('given an unknown route, then 404 (Fastify answers it; guards run on matched routes only)', async () => {
    expect((await get('/nowhere')).statusCode).toBe(404);
  });
});
