import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { AuditModule } from '@remedy/audit';
import { CASE_CIPHER, CaseCommandsModule, CLOCK } from '@remedy/case-commands';
import {
  DataRightsModule,
  eraseJobId,
  RETENTION_ERASE_AUDIT_ROUTE,
  RETENTION_RUNTIME,
  RETENTION_SWEEP_SCHEDULER,
  RETENTION_SYSTEM_USER_ID,
  type RetentionJobData,
  type RetentionRuntime,
} from '@remedy/data-rights';
import { EVENT_STORE, type EventStore } from '@remedy/event-store';
import type { ApiApp, TestUser } from '../support/api-app';
import {
  caseReadSide,
  createCommandsApp,
  openCaseBody,
  organisationWithStaff,
} from '../cases/commands/support';
import { caseStreamId } from '@remedy/case-stream';

/**
 * Issue 4 item 5: the retention schedule per organisation, on the real PostgreSQL queue backend.
 * Cases are opened and closed at controlled dates (the decisions' CLOCK); the sweep job runs;
 * exactly the due cases (closed, not reopened, more than N years ago, not yet erased, of an
 * organisation with a schedule) are erased, through the erase command, once.
 */
describe('retention schedule (BullMQ on PostgreSQL)', () => {
  let api: ApiApp;
  let now = new Date('2020-01-10T10:00:00Z');
  let runtime: RetentionRuntime;
  let store: EventStore;
  let a: Awaited<ReturnType<typeof organisationWithStaff>>;
  let b: Awaited<ReturnType<typeof organisationWithStaff>>;
  let lastPosition = '';
  const cases: Record<string, string> = {};

  const at = (iso: string) => {
    now = new Date(iso);
  };
  const command = async (user: TestUser, url: string, body: object = {}) => {
    const res = await api.post(user, url, body);
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    lastPosition = res.json().position;
    return res.json() as { caseId: string; position: string };
  };
  const open = async (org: typeof a, when: string) => {
    at(when);
    return (await command(org.caseworker, '/cases', openCaseBody())).caseId;
  };
  const close = async (org: typeof a, caseId: string, when: string) => {
    at(when);
    await command(org.caseworker, `/cases/${caseId}/closure/request`, {
      reason: 'assistance_completed',
    });
    await command(org.supervisor, `/cases/${caseId}/closure/approve`, {});
  };
  const reopen = async (org: typeof a, caseId: string, when: string) => {
    at(when);
    await command(org.supervisor, `/cases/${caseId}/reopen`, {});
  };
  const erasures = async (caseId: string) =>
    (await store.readStream(caseStreamId(caseId))).filter((e) => e.type === 'PersonalDataErased');
  /** Waits until the read models have applied the last command. */
  const projected = async (user: TestUser, caseId: string) => {
    const res = await api.get(user, `/cases/${caseId}/timeline`, {
      'x-min-position': lastPosition,
    });
    expect(res.statusCode).toBe(200);
  };
  /** Until the job has completed and no erase job is waiting, running or retrying. */
  const settled = async (job: Job<RetentionJobData>) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const state = await runtime.queue.getJobState(job.id!);
      if (state === 'failed') throw new Error(`job ${job.id} failed`);
      // The scheduler's next sweep is always there, delayed: only erase jobs count.
      const pending = (
        await runtime.queue.getJobs(['waiting', 'active', 'delayed', 'prioritized'])
      ).filter((j) => j.data.kind === 'erase' || j.id === job.id);
      const retrying = pending.find((j) => j.failedReason);
      if (retrying) throw new Error(`job ${retrying.id} failed: ${retrying.failedReason}`);
      if (state === 'completed' && pending.length === 0) return;
      if (Date.now() > deadline) throw new Error(`queue not settled: ${state} ${pending.length}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const putRetention = (user: TestUser, organisationId: string, years: unknown) =>
    api.request(user, {
      method: 'PUT',
      url: `/organisations/${organisationId}/retention`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ erasePersonalDataYearsAfterClosure: years }),
    });

  beforeAll(async () => {
    api = await createCommandsApp(caseReadSide(), {
      modules: [
        AuditModule.forRoot(),
        DataRightsModule.forApi({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
        DataRightsModule.forWorker({ imports: [CaseCommandsModule] }),
      ],
      overrides: [{ provide: CLOCK, useValue: () => now }],
    });
    runtime = api.app.get<RetentionRuntime>(RETENTION_RUNTIME);
    store = api.app.get<EventStore>(EVENT_STORE);
    const admin = await api.user(['admin']);
    a = await organisationWithStaff(api, admin);
    b = await organisationWithStaff(api, admin);
    // Organisation A (schedule: 2 years after closure).
    cases.due = await open(a, '2020-01-10T10:00:00Z');
    await close(a, cases.due, '2021-03-01T10:00:00Z');
    cases.recent = await open(a, '2020-01-10T10:00:00Z');
    await close(a, cases.recent, '2023-01-15T10:00:00Z');
    cases.reopened = await open(a, '2020-01-10T10:00:00Z');
    await close(a, cases.reopened, '2021-02-01T10:00:00Z');
    await reopen(a, cases.reopened, '2021-05-01T10:00:00Z');
    cases.reclosed = await open(a, '2020-01-10T10:00:00Z');
    await close(a, cases.reclosed, '2021-01-01T10:00:00Z');
    await reopen(a, cases.reclosed, '2022-01-01T10:00:00Z');
    await close(a, cases.reclosed, '2023-03-01T10:00:00Z');
    cases.stillOpen = await open(a, '2020-01-10T10:00:00Z');
    cases.erasedBefore = await open(a, '2020-01-10T10:00:00Z');
    await close(a, cases.erasedBefore, '2021-01-05T10:00:00Z');
    at('2021-06-01T10:00:00Z');
    await command(a.supervisor, `/cases/${cases.erasedBefore}/erasure`, {});
    cases.secondDue = await open(a, '2020-01-10T10:00:00Z');
    await close(a, cases.secondDue, '2022-05-31T10:00:00Z');
    // Organisation B: no schedule.
    cases.otherOrg = await open(b, '2020-01-10T10:00:00Z');
    await close(b, cases.otherOrg, '2021-03-01T10:00:00Z');
    await projected(b.supervisor, cases.otherOrg);
    at('2024-06-01T10:00:00Z');
  });

  afterAll(async () => {
    await api?.close();
  });

  it('lets a supervisor of the organisation or an administrator set the schedule (1-100 years or none), nobody else; audited', async () => {
    expect((await putRetention(a.caseworker, a.organisationId, 2)).statusCode).toBe(403);
    expect((await putRetention(b.supervisor, a.organisationId, 2)).statusCode).toBe(403);
    expect((await putRetention(a.supervisor, randomUUID(), 2)).statusCode).toBe(404);
    for (const bad of [0, 101, 1.5, '2', undefined])
      expect([bad, (await putRetention(a.supervisor, a.organisationId, bad)).statusCode]).toEqual([
        bad,
        400,
      ]);
    const adminSet = await putRetention(a.admin, b.organisationId, null);
    expect(adminSet.statusCode).toBe(200);
    expect(adminSet.json()).toMatchObject({ erasePersonalDataYearsAfterClosure: null });
    const set = await putRetention(a.supervisor, a.organisationId, 2);
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({
      organisationId: a.organisationId,
      erasePersonalDataYearsAfterClosure: 2,
      revision: 0,
      setBy: a.supervisor.userId,
    });
    const read = await api.get(a.supervisor, `/organisations/${a.organisationId}/retention`);
    expect(read.json()).toMatchObject({ erasePersonalDataYearsAfterClosure: 2 });
    expect(read.headers.etag).toBe('"0"');
    // A stale If-Match is refused and changes nothing.
    const stale = await api.request(a.supervisor, {
      method: 'PUT',
      url: `/organisations/${a.organisationId}/retention`,
      headers: { 'content-type': 'application/json', 'if-match': '"-1"' },
      payload: JSON.stringify({ erasePersonalDataYearsAfterClosure: 50 }),
    });
    expect(stale.statusCode).toBe(412);
    const audit = await api.pool.query(
      `SELECT user_id, status FROM audit_trail WHERE route = '/organisations/:organisationId/retention' AND method = 'PUT' ORDER BY audit_id`,
    );
    expect(audit.rows).toEqual(
      expect.arrayContaining([
        { user_id: a.supervisor.userId, status: 200 },
        { user_id: b.supervisor.userId, status: 403 },
      ]),
    );
  });

  it('declares the repeatable sweep job', async () => {
    const schedulers = await runtime.queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toContain(RETENTION_SWEEP_SCHEDULER);
  });

  it('erases exactly the due cases, once, through the erase command as a system actor', async () => {
    const sweep = await runtime.sweepNow();
    await settled(sweep);
    expect(await runtime.queue.getJob(sweep.id!).then((j) => j?.returnvalue)).toEqual({
      organisations: 1,
      queued: 2,
    });
    const erased: Record<string, number> = {};
    for (const [name, id] of Object.entries(cases)) erased[name] = (await erasures(id)).length;
    expect(erased).toEqual({
      due: 1,
      recent: 0,
      reopened: 0,
      reclosed: 0,
      stillOpen: 0,
      erasedBefore: 1,
      secondDue: 1,
      otherOrg: 0,
    });
    const [event] = await erasures(cases.due!);
    expect(event!.metadata).toMatchObject({
      userId: RETENTION_SYSTEM_USER_ID,
      organisationId: a.organisationId,
    });
    // Audited like every command: the system actor, the organisation, the case, the outcome.
    const audit = await api.pool.query(
      `SELECT user_id, organisation_id, case_id, method, status, outcome FROM audit_trail
        WHERE route = $1 ORDER BY case_id`,
      [RETENTION_ERASE_AUDIT_ROUTE],
    );
    expect(audit.rows).toEqual(
      [cases.due!, cases.secondDue!].sort().map((caseId) => ({
        user_id: RETENTION_SYSTEM_USER_ID,
        organisation_id: a.organisationId,
        case_id: caseId,
        method: 'JOB',
        status: 200,
        outcome: 'allowed',
      })),
    );
    // The data key is shredded as by a supervisor's erasure.
    const keys = await api.pool.query(
      'SELECT case_id, wrapped_key IS NULL AS shredded FROM case_data_keys WHERE case_id = ANY($1)',
      [[cases.due, cases.secondDue, cases.recent]],
    );
    expect(Object.fromEntries(keys.rows.map((r) => [r.case_id, r.shredded]))).toEqual({
      [cases.due!]: true,
      [cases.secondDue!]: true,
      [cases.recent!]: false,
    });
    // Jobs carry opaque ids only.
    const jobs = await runtime.queue.getJobs(['completed']);
    for (const job of jobs.filter((j) => j.data.kind === 'erase'))
      expect(Object.keys(job.data).sort()).toEqual([
        'caseId',
        'closedAtRevision',
        'kind',
        'organisationId',
      ]);
  });

  it('never erases a case twice: a later sweep queues nothing, a repeated erase job appends nothing', async () => {
    // Once the read models show the erasures, the next sweep finds nothing due.
    const deadline = Date.now() + 10_000;
    while (
      (
        await api.pool.query(
          'SELECT count(*)::int AS n FROM case_list WHERE erased AND case_id = ANY($1)',
          [[cases.due, cases.secondDue]],
        )
      ).rows[0].n < 2
    ) {
      if (Date.now() > deadline) throw new Error('erasures not projected');
      await new Promise((r) => setTimeout(r, 100));
    }
    const again = await runtime.sweepNow('retention-sweep-again');
    await settled(again);
    expect((await runtime.queue.getJob(again.id!))?.returnvalue).toEqual({
      organisations: 1,
      queued: 0,
    });
    // An erase job for an erased case (e.g. queued from a stale read model) does nothing.
    const closure = (await store.readStream(caseStreamId(cases.due))).find(
      (e) => e.type === 'ClosureApproved',
    )!;
    const repeat = await runtime.queue.add(
      'erase',
      {
        kind: 'erase',
        caseId: cases.due!,
        organisationId: a.organisationId,
        closedAtRevision: closure.revision.toString(),
      },
      { jobId: `${eraseJobId(cases.due!, closure.revision.toString())}-again` },
    );
    await settled(repeat);
    expect((await runtime.queue.getJob(repeat.id!))?.returnvalue).toBe('already_erased');
    expect(await erasures(cases.due!)).toHaveLength(1);
    expect(await erasures(cases.secondDue!)).toHaveLength(1);
  });
});
