import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import type { HealthReport } from '@remedy/platform';
import { projectionStatus } from '@remedy/projections';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { freePort } from '../faults/support/processes';
import {
  OPEN_CASE_BODY,
  startRealApi,
  startRealWorker,
  type RealApi,
} from '../faults/support/real-api';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * The real compositions (apps/api's ApiModule, apps/worker's WorkerModule) on one database, as
 * `npm start` runs them: a command through the API becomes events, the worker's projection
 * runners turn them into the read models the API serves, and /metrics on each process's internal
 * listener reports what happened.
 */
describe('the whole system: API and worker compositions', () => {
  let db: TestDatabase;
  let dataDir: string;
  let api: NestFastifyApplication;
  let worker: INestApplicationContext | undefined;
  let pool: Pool;
  /** A token of a new user of the organisation (a new organisation unless given). */
  let mintToken: RealApi['token'];
  let internal: { api: string; worker: string };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'remedy-system-'));
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    internal = { api: `http://127.0.0.1:${apiPort}`, worker: `http://127.0.0.1:${workerPort}` };
    const env = {
      DATABASE_URL: db.url,
      REMEDY_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      REDIS_URL: undefined,
      EVENTSTORE_CONNECTION_STRING: undefined,
      METRICS_PORT: String(apiPort),
      WORKER_METRICS_PORT: String(workerPort),
    };
    worker = await startRealWorker(env);
    ({ app: api, token: mintToken } = await startRealApi(env));
    pool = new Pool({ connectionString: db.url, max: 2 });
  });

  afterAll(async () => {
    await api?.close();
    await worker?.close();
    await pool?.end();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('given a caseworker, when a case is opened through the API, then the worker projects it and the API lists it (read your writes)', async () => {
    // An administrator registers the organisation in the directory (its code prefixes references).
    const adminToken = await mintToken(['admin']);
    const registered = await api.inject({
      method: 'POST',
      url: '/organisations',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      payload: {
        name: 'Shelter One',
        type: 'NGO',
        services: ['Accommodation'],
        country: 'AT',
        code: 'SHONE',
      },
    });
    expect(registered.statusCode).toBe(201);
    const { organisationId } = registered.json() as { organisationId: string };
    const token = await mintToken(['caseworker'], organisationId);
    const auth = { authorization: `Bearer ${token}` };
    const opened = await api.inject({
      method: 'POST',
      url: '/cases',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: {
        referralSource: 'Hotline',
        profile: {
          sexGender: 'NonConforming',
          ageUncertain: false,
          citizenships: ['MD'],
          languages: ['ro'],
        },
        personal: { fullName: 'System Test Person', birthDate: '1994-07-11' },
      },
    });
    expect(opened.statusCode).toBe(201);
    const { caseId, position, caseReference } = opened.json() as {
      caseId: string;
      position: string;
      caseReference: string;
    };
    expect(caseReference).toMatch(/^SHONE-\d{4}-\d{5}$/);

    const list = await api.inject({
      method: 'GET',
      url: '/cases',
      headers: { ...auth, 'x-min-position': position },
    });
    expect(list.statusCode).toBe(200);
    const items = (list.json() as { items: { caseId: string }[] }).items;
    expect(items.map((i) => i.caseId)).toEqual([caseId]);

    const detail = await api.inject({
      method: 'GET',
      url: `/cases/${caseId}`,
      headers: { ...auth, 'x-min-position': position },
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.headers.etag).toBe('"0"');
  });

  it('answers anonymous /metrics with 404 and /health with the status only on the public port', async () => {
    const metrics = await api.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(404);
    expect(metrics.body).not.toContain('remedy_');
    for (const url of ['/health', '/health/ready']) {
      const res = await api.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: expect.stringMatching(/^(ok|degraded)$/) });
    }
  });

  it("serves each process's health details on its internal listener", async () => {
    for (const url of [internal.api, internal.worker]) {
      const res = await fetch(`${url}/health`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as HealthReport;
      expect(body).toMatchObject({
        database: { status: 'up', kind: 'postgresql' },
        eventStore: { status: 'up', kind: 'postgres', head: expect.any(String) },
        queue: { status: 'up', kind: 'postgres' },
      });
      expect(body.projections.length).toBe(ALL_PROJECTIONS.length);
    }
  });

  it("reports the HTTP, append, projection-lag and queue-depth series at the API's internal /metrics, and the worker's own", async () => {
    const res = await fetch(`${internal.api}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/remedy_http_requests_total\{[^}]*route="\/cases"[^}]*\} [1-9]/);
    expect(text).toMatch(/remedy_http_request_duration_seconds_bucket\{/);
    expect(text).toMatch(/remedy_events_appended_total\{[^}]*type="CaseOpened"[^}]*\} 1/);
    expect(text).toMatch(/remedy_projection_lag_events\{[^}]*projection="[a-z.-]+"[^}]*\} \d+/);
    expect(text).toMatch(/remedy_projection_lag_seconds\{/);
    for (const queue of ['case-reminders', 'statistics-releases', 'retention'])
      expect(text).toMatch(
        new RegExp(`remedy_queue_jobs\\{[^}]*queue="${queue}"[^}]*state="waiting"[^}]*\\} \\d+`),
      );
    expect(text).toContain('# TYPE remedy_jobs_failed_total counter');
    expect(text).toContain('process_resident_memory_bytes');
    // No id of any kind in a label.
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    const worker = await fetch(`${internal.worker}/metrics`);
    expect(worker.status).toBe(200);
    const workerText = await worker.text();
    expect(workerText).toMatch(/remedy_projection_lag_events\{[^}]*app="worker"/);
    expect(workerText).not.toContain('app="api"');
  });

  it('lists every queue of the system on the admin queue dashboard', async () => {
    const adminToken = await mintToken(['admin']);
    const res = await api.inject({
      method: 'GET',
      url: '/admin/queues/api/queues',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(res.statusCode).toBe(200);
    const names = (res.json() as { queues: { name: string }[] }).queues.map((q) => q.name);
    expect(names.sort()).toEqual([
      'case-reminders',
      'retention',
      'statistics-releases',
      'statistics-reports',
    ]);
  });

  it("given a referral with the person's consent, the receiving organisation reads the case on its next request, without X-Min-Position (the command waited for the access projections)", async () => {
    const adminToken = await mintToken(['admin']);
    const register = async (code: string, services: string[]) => {
      const res = await api.inject({
        method: 'POST',
        url: '/organisations',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        payload: { name: `Org ${code}`, type: 'NGO', services, country: 'AT', code },
      });
      expect(res.statusCode).toBe(201);
      return (res.json() as { organisationId: string }).organisationId;
    };
    const holderOrg = await register('GRHOLD', ['Accommodation']);
    const receiverOrg = await register('GRRECV', ['Psychological']);
    const tokenOf = (organisationId: string) => mintToken(['caseworker'], organisationId);
    const holder = { authorization: `Bearer ${await tokenOf(holderOrg)}` };
    const receiver = { authorization: `Bearer ${await tokenOf(receiverOrg)}` };
    const post = (url: string, payload: unknown) =>
      api.inject({
        method: 'POST',
        url,
        headers: { ...holder, 'content-type': 'application/json' },
        payload: payload as Record<string, unknown>,
      });
    const opened = await post('/cases', {
      ...OPEN_CASE_BODY,
      personal: { fullName: 'Grant Test Person', birthDate: '1988-03-09' },
    });
    expect(opened.statusCode).toBe(201);
    const { caseId } = opened.json() as { caseId: string };
    const consent = await post(`/cases/${caseId}/consents`, {
      purpose: 'referral',
      receivingOrganisationId: receiverOrg,
      obtainedInLanguage: 'uk',
      interpreterUsed: true,
    });
    expect(consent.statusCode).toBe(200);
    const referred = await post(`/cases/${caseId}/referrals`, {
      toOrganisationId: receiverOrg,
      service: 'Psychological',
    });
    expect(referred.statusCode).toBe(200);
    expect(referred.headers['x-access-pending']).toBeUndefined();

    const read = await api.inject({ method: 'GET', url: `/cases/${caseId}`, headers: receiver });
    expect(read.statusCode).toBe(200);
    expect((read.json() as { caseId: string }).caseId).toBe(caseId);
    const timeline = await api.inject({
      method: 'GET',
      url: `/cases/${caseId}/timeline`,
      headers: receiver,
    });
    expect(timeline.statusCode).toBe(200);

    // Withdrawal needs no wait: the stream decides the next request.
    const withdrawn = await post(`/cases/${caseId}/consents/withdraw`, {
      purpose: 'referral',
      receivingOrganisationId: receiverOrg,
    });
    expect(withdrawn.statusCode).toBe(200);
    const after = await api.inject({ method: 'GET', url: `/cases/${caseId}`, headers: receiver });
    expect(after.statusCode).toBe(404);
  });

  it('given the worker stops on its shutdown hooks, then no projection has an event of its types left to apply', async () => {
    await worker!.close();
    worker = undefined;
    const lags = await projectionStatus(pool, ALL_PROJECTIONS);
    expect(lags.length).toBe(ALL_PROJECTIONS.length);
    for (const l of lags)
      expect({ projection: l.projection, behind: l.eventsBehind }).toEqual({
        projection: l.projection,
        behind: 0,
      });
  });
});
