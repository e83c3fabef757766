import { randomUUID } from 'node:crypto';
import {
  Body,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  HttpException,
  Injectable,
  Param,
  Post,
  ValidationPipe,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import { Public, type Actor, type Role } from '@remedy/auth';
import type { CaseReach } from '@remedy/case-domain';
import { AccessPolicyModule } from './access-policy.module';
import {
  CASE_REACH,
  ORGANISATION_LOOKUP,
  Policy,
  type CaseReachResolver,
  type OrganisationLookup,
} from './policy.decorator';
import { NO_POLICY, POLICY_REFUSAL_RECORDER, type PolicyRefusalRecorder } from './policy.guard';

/** Stands in for AuthGuard: the actor from test headers (registered before PolicyGuard). */
@Injectable()
class TestActorGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string>; actor?: Actor }>();
    if (req.headers['x-roles'])
      req.actor = {
        userId: randomUUID(),
        organisationId: req.headers['x-org'] ?? randomUUID(),
        roles: req.headers['x-roles'].split(',') as Role[],
      } as Actor;
    return true;
  }
}

class NoteDto {
  @IsString()
  text!: string;
}

const HOLDER = randomUUID();
const RECEIVER = randomUUID();
const CASE = randomUUID();
/** The reach each organisation has of CASE (what the stream fold would say). */
const reaches = new Map<string, CaseReach>([
  [HOLDER, 'holder'],
  [RECEIVER, 'referral'],
]);
const looked: string[] = [];

@Controller()
class ProbeController {
  @Get('unmarked')
  unmarked(): string {
    return 'reached';
  }

  @Public()
  @Get('open')
  open(): string {
    return 'open';
  }

  @Post('audit-export')
  @Policy('export', 'AuditTrail')
  exportTrail(@Body() dto: NoteDto): string {
    return dto.text;
  }

  @Get('cases/:caseId')
  @Policy.case('read', 'Case')
  read(@Param('caseId') caseId: string): string {
    return caseId;
  }

  @Post('cases/:caseId/notes')
  @Policy.case('command', 'Case')
  note(@Body() dto: NoteDto): string {
    return dto.text;
  }

  @Post('cases/:caseId/claims/:claimId')
  @Policy.case('command', 'Case')
  claim(@Body() dto: NoteDto): string {
    return dto.text;
  }

  @Get('reminders/:reminderId')
  @Policy('list', 'Reminder', { opaqueIds: ['reminderId'] })
  reminder(): string {
    return 'reached';
  }

  @Get('organisations/:organisationId/retention')
  @Policy.ownOrganisation('read', 'RetentionSchedule')
  retention(): string {
    return 'reached';
  }

  @Get('legal/:caseId')
  @Policy.case('read', 'LegalAidCase', { reach: 'NOT_REGISTERED' })
  legal(): string {
    return 'reached';
  }
}

describe('PolicyGuard: the access policy of every route, before validation, refusing by default', () => {
  let app: NestFastifyApplication;
  const recorded: number[] = [];

  beforeAll(async () => {
    const resolver: CaseReachResolver = {
      reachOf: (organisationId, caseId) => {
        looked.push(caseId);
        return Promise.resolve(caseId === CASE ? reaches.get(organisationId) : undefined);
      },
    };
    const recorder: PolicyRefusalRecorder = {
      recordRefusal: (_context, error) => {
        recorded.push(error instanceof HttpException ? error.getStatus() : 0);
        return Promise.resolve();
      },
    };
    const moduleRef = await Test.createTestingModule({
      imports: [AccessPolicyModule.forRoot()],
      controllers: [ProbeController],
      providers: [
        { provide: APP_GUARD, useClass: TestActorGuard },
        { provide: CASE_REACH, useValue: resolver },
        {
          provide: ORGANISATION_LOOKUP,
          useValue: {
            exists: (id: string) => Promise.resolve(id === HOLDER || id === RECEIVER),
          } satisfies OrganisationLookup,
        },
        { provide: POLICY_REFUSAL_RECORDER, useValue: recorder },
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  const call = (
    method: 'GET' | 'POST',
    url: string,
    roles: string | undefined,
    org: string = HOLDER,
    payload?: object,
  ) =>
    app.inject({
      method,
      url,
      headers: {
        ...(roles ? { 'x-roles': roles, 'x-org': org } : {}),
        ...(payload ? { 'content-type': 'application/json' } : {}),
      },
      ...(payload ? { payload: JSON.stringify(payload) } : {}),
    });

  it('refuses a route that declares no policy (fail closed), and lets @Public routes through', async () => {
    const res = await call('GET', '/unmarked', 'admin');
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain(NO_POLICY);
    expect(res.body).not.toContain('reached');
    expect((await call('GET', '/open', undefined)).statusCode).toBe(200);
  });

  it('without an actor nothing is allowed', async () => {
    expect((await call('GET', `/cases/${CASE}`, undefined)).statusCode).toBe(403);
  });

  it('decides an organisation-wide rule by role, before validation (403 before 400)', async () => {
    expect((await call('POST', '/audit-export', 'caseworker', HOLDER, { zz: 1 })).statusCode).toBe(
      403,
    );
    expect((await call('POST', '/audit-export', 'admin', HOLDER, { zz: 1 })).statusCode).toBe(400);
    expect((await call('POST', '/audit-export', 'admin', HOLDER, { text: 'ok' })).statusCode).toBe(
      201,
    );
  });

  it("decides a case rule on the organisation's reach: 404 unknown, 403 known and not allowed, then 400", async () => {
    const notes = `/cases/${CASE}/notes`;
    // Another organisation: 404 with invalid input, as for a case that does not exist.
    expect((await call('POST', notes, 'caseworker', randomUUID(), { zz: 1 })).statusCode).toBe(404);
    expect(
      (await call('POST', `/cases/${randomUUID()}/notes`, 'caseworker', HOLDER, { zz: 1 }))
        .statusCode,
    ).toBe(404);
    // The holder's administrator: a known case, a role that acts on none.
    expect((await call('POST', notes, 'admin', HOLDER, { zz: 1 })).statusCode).toBe(403);
    // The holder's caseworker: past the policy, then the validation.
    expect((await call('POST', notes, 'caseworker', HOLDER, { zz: 1 })).statusCode).toBe(400);
    expect((await call('POST', notes, 'caseworker', HOLDER, { text: 'ok' })).statusCode).toBe(201);
    // A referral receiver reads the case; an administrator of the holder does not.
    expect((await call('GET', `/cases/${CASE}`, 'supervisor', RECEIVER)).statusCode).toBe(200);
    expect((await call('GET', `/cases/${CASE}`, 'admin', HOLDER)).statusCode).toBe(403);
  });

  it('refuses reads of a statistics-only caller before any lookup, and decides odd ids without one', async () => {
    looked.length = 0;
    expect((await call('GET', `/cases/${randomUUID()}`, 'rapporteur')).statusCode).toBe(403);
    // Not a case id at all: 404 for everyone, as an unknown case (issue 12).
    expect((await call('GET', '/cases/not-a-uuid', 'caseworker')).statusCode).toBe(404);
    expect((await call('GET', '/cases/not-a-uuid', 'admin')).statusCode).toBe(404);
    expect(looked).toEqual([]);
  });

  it('answers 404 for an id that is no UUID, on every `…Id` parameter, before validation (404 before 400)', async () => {
    const invalid = { zz: 1 };
    expect(
      (await call('POST', '/cases/not-a-uuid/notes', 'caseworker', HOLDER, invalid)).statusCode,
    ).toBe(404);
    const claim = await call(
      'POST',
      `/cases/${CASE}/claims/not-a-uuid`,
      'caseworker',
      HOLDER,
      invalid,
    );
    expect(claim.statusCode).toBe(404);
    expect(claim.json()).toMatchObject({ detail: 'No such claim' });
    expect(
      (await call('POST', `/cases/${CASE}/claims/${randomUUID()}`, 'caseworker', HOLDER, invalid))
        .statusCode,
    ).toBe(400);
    // The policy first: a role refused on the case gets its refusal, whatever the id.
    expect(
      (await call('POST', `/cases/${CASE}/claims/not-a-uuid`, 'admin', HOLDER, invalid)).statusCode,
    ).toBe(403);
    // A parameter declared opaque is the route's to judge.
    expect((await call('GET', '/reminders/due-1_x', 'caseworker')).statusCode).toBe(200);
  });

  it("an organisation's resource: 404 when no directory holds it (for everyone), 403 another's, allowed one's own", async () => {
    const retention = (id: string) => `/organisations/${id}/retention`;
    expect((await call('GET', retention(randomUUID()), 'supervisor', RECEIVER)).statusCode).toBe(
      404,
    );
    expect((await call('GET', retention(randomUUID()), 'admin', RECEIVER)).statusCode).toBe(404);
    expect((await call('GET', retention('not-a-uuid'), 'supervisor', RECEIVER)).statusCode).toBe(
      404,
    );
    expect((await call('GET', retention(HOLDER), 'supervisor', RECEIVER)).statusCode).toBe(403);
    expect((await call('GET', retention(HOLDER), 'supervisor', HOLDER)).statusCode).toBe(200);
  });

  it('refuses a case route whose reach cannot be read (no resolver registered)', async () => {
    expect((await call('GET', `/legal/${CASE}`, 'caseworker')).statusCode).toBe(403);
  });

  it('hands every refusal to the audit recorder before answering', async () => {
    recorded.length = 0;
    await call('POST', '/audit-export', 'caseworker', HOLDER, { zz: 1 });
    await call('GET', `/cases/${randomUUID()}`, 'caseworker');
    await call('GET', `/cases/${CASE}`, 'caseworker');
    expect(recorded).toEqual([403, 404]);
  });
});
