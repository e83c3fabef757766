import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuthModule, IssuerVerifierList, LocalTokenIssuer } from '@remedy/auth';
import {
  CaseReadModelsModule,
  casesProjection,
  timelineProjection,
} from '@remedy/case-read-models';
import { CaseRemindersModule } from '@remedy/case-reminders';
import { REMEDY_CONFIG } from '@remedy/config';
import { CaseCipher } from '@remedy/crypto';
import { EVENT_STORE, formatPosition } from '@remedy/event-store';
import {
  configureHttpApp,
  PROJECTION_WAITER,
  READ_YOUR_WRITES_TIMEOUT_MS,
  ReadYourWritesInterceptor,
} from '@remedy/http';
import { CheckpointWaiter, ProjectionRunner, waitForProjection } from '@remedy/projections';
import { createTestDatabase, TestDatabase } from '../../support/database';
import { actorsOf, openReadSide, projectionRunner, ReadSideHarness } from './support/case-writer';

describe('case read API over HTTP (Fastify, bearer tokens, read your writes)', () => {
  let db: TestDatabase;
  let h: ReadSideHarness;
  let app: NestFastifyApplication;
  let dataDir: string;
  let issuer: LocalTokenIssuer;
  let waiter: CheckpointWaiter;
  const runners: ProjectionRunner[] = [];
  const holder = actorsOf();
  const other = actorsOf();
  let caseId: string;
  let holderToken: string;
  let otherToken: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    h = await openReadSide(db.url, [casesProjection, timelineProjection]);
    dataDir = await mkdtemp(join(tmpdir(), 'remedy-read-http-'));
    issuer = await LocalTokenIssuer.load({ dataDir });
    waiter = new CheckpointWaiter(h.ds);
    for (const projection of [casesProjection, timelineProjection]) {
      const runner = projectionRunner(h, projection);
      runner.start();
      runners.push(runner);
    }

    @Global()
    @Module({
      providers: [
        { provide: DataSource, useValue: h.ds },
        { provide: CaseCipher, useValue: h.cipher },
        { provide: EVENT_STORE, useValue: h.store },
        { provide: REMEDY_CONFIG, useValue: { jurisdictionTimeZone: 'Europe/Vienna' } },
        { provide: PROJECTION_WAITER, useValue: waiter },
        { provide: READ_YOUR_WRITES_TIMEOUT_MS, useValue: 5_000 },
      ],
      exports: [
        DataSource,
        CaseCipher,
        EVENT_STORE,
        REMEDY_CONFIG,
        PROJECTION_WAITER,
        READ_YOUR_WRITES_TIMEOUT_MS,
      ],
    })
    class TestPlatform {}

    const moduleRef = await Test.createTestingModule({
      imports: [
        TestPlatform,
        AuthModule.forRoot({ verifier: new IssuerVerifierList([issuer]) }),
        CaseReadModelsModule.forRoot(),
        CaseRemindersModule.forApi(),
      ],
      providers: [{ provide: APP_INTERCEPTOR, useClass: ReadYourWritesInterceptor }],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    configureHttpApp(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();

    holderToken = await issuer.mintToken({
      userId: holder.caseworker.userId,
      organisationId: holder.organisationId,
      roles: ['caseworker'],
    });
    otherToken = await issuer.mintToken({
      userId: other.caseworker.userId,
      organisationId: other.organisationId,
      roles: ['caseworker'],
    });
    caseId = await h.writer.open(holder.caseworker, {
      sequence: 7,
      birthDate: '1990-04-02',
      fullName: 'Http Person',
    });
    expect(await waitForProjection(h.ds, casesProjection.name, h.writer.lastPosition, 10_000)).toBe(
      true,
    );
    expect(
      await waitForProjection(h.ds, timelineProjection.name, h.writer.lastPosition, 10_000),
    ).toBe(true);
  });

  afterAll(async () => {
    await app?.close();
    for (const r of runners) await r.stop();
    await waiter?.close();
    await h?.close();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const get = (url: string, token = holderToken) =>
    request(app.getHttpServer()).get(url).set('authorization', `Bearer ${token}`);

  it('needs a bearer token', async () => {
    expect((await request(app.getHttpServer()).get('/cases')).status).toBe(401);
  });

  it("GET /cases lists the caller's organisation's cases and validates its query", async () => {
    const res = await get('/cases?sort=reference&limit=10&child=false');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      items: [{ caseId, reference: 'ORG-2026-00007', status: 'open', childNow: false }],
      nextCursor: null,
    });
    expect((await get('/cases', otherToken)).body.items).toEqual([]);
    const tooMany = await get('/cases?limit=101');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.fields).toEqual([expect.objectContaining({ name: 'limit' })]);
    expect((await get('/cases?sort=name')).status).toBe(400);
    expect((await get('/cases?cursor=forged')).status).toBe(400);
  });

  it('GET /cases/:id answers the holding organisation with an ETag and decrypted personal fields, others 404', async () => {
    const res = await get(`/cases/${caseId}`);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"0"');
    expect(res.body).toMatchObject({
      caseId,
      personal: { opening: { erased: false, value: { fullName: 'Http Person' } } },
    });
    const foreign = await get(`/cases/${caseId}`, otherToken);
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toContain('Http Person');
    expect((await get(`/cases/${randomUUID()}`)).status).toBe(404);
    expect((await get(`/cases/${caseId.toUpperCase()}`)).status).toBe(200);
    expect((await get(`/cases/${encodeURIComponent('../etc')}`)).status).toBe(404);
  });

  it('X-Min-Position: a read right after a write waits for the projection and sees it', async () => {
    const caseworker = randomUUID();
    const position = await h.writer.run(caseId, {
      type: 'AssignCaseworker',
      actor: holder.supervisor,
      caseworkerId: caseworker,
    });
    const res = await get(`/cases/${caseId}`).set('x-min-position', formatPosition(position));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ assignedCaseworkerId: caseworker, revision: 1 });
    expect(res.headers.etag).toBe('"1"');
    const timeline = await get(`/cases/${caseId}/timeline`).set(
      'x-min-position',
      formatPosition(position),
    );
    expect(timeline.body.items.map((e: { type: string }) => e.type)).toEqual([
      'CaseOpened',
      'CaseworkerAssigned',
    ]);
    expect((await get(`/cases/${caseId}`).set('x-min-position', 'nonsense')).status).toBe(400);
  });

  it('GET /cases/:id/as-of folds the stream up to a recorded time', async () => {
    const res = await get(
      `/cases/${caseId}/as-of?recordedAt=${encodeURIComponent(new Date().toISOString())}`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      caseId,
      state: { lifecycle: 'open', holdingOrganisationId: holder.organisationId },
    });
    expect((await get(`/cases/${caseId}/as-of`)).status).toBe(400);
    expect((await get(`/cases/${caseId}/as-of?recordedAt=yesterday`)).status).toBe(400);
    expect(
      (await get(`/cases/${caseId}/as-of?recordedAt=2026-01-01T00:00:00Z`, otherToken)).status,
    ).toBe(404);
  });

  it('GET /referrals needs a direction; GET /reminders/due lists the caller organisation only', async () => {
    expect((await get('/referrals')).status).toBe(400);
    expect((await get('/referrals?direction=out')).body).toEqual({ items: [], nextCursor: null });
    await h.ds.query(
      `INSERT INTO due_reminders (reminder_id, case_id, organisation_id, kind, due_on) VALUES ($1, $2, $3, 'reflection_period_ending', '2026-12-01')`,
      [`reflection_period_ending-${caseId}-case-2026-12-01`, caseId, holder.organisationId],
    );
    const due = await get('/reminders/due');
    expect(due.status).toBe(200);
    expect(due.body.items).toEqual([
      expect.objectContaining({
        caseId,
        kind: 'reflection_period_ending',
        dueOn: '2026-12-01',
        doneAt: null,
      }),
    ]);
    expect((await get('/reminders/due', otherToken)).body.items).toEqual([]);
    const id = due.body.items[0].reminderId;
    const post = (token: string) =>
      request(app.getHttpServer())
        .post(`/reminders/due/${id}/done`)
        .set('authorization', `Bearer ${token}`);
    expect((await post(otherToken)).status).toBe(404);
    const done = await post(holderToken);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ reminderId: id, doneBy: holder.caseworker.userId });
    expect((await get('/reminders/due')).body.items).toEqual([]);
  });
});
