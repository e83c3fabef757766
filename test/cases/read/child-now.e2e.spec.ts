import {
  ADULT_DATES_RECONCILER,
  AdultDatesAtStartUp,
  CASE_CIPHER,
  CaseCommandsModule,
  CLOCK,
  organisationDirectoryProjection,
  type AdultDatesReconciler,
} from '@remedy/case-commands';
import { CaseReadModelsModule, casesProjection } from '@remedy/case-read-models';
import { createApiApp, type ApiApp } from '../../support/api-app';
import {
  openCase,
  openCaseBody,
  organisationWithStaff,
  type OrganisationWithStaff,
} from '../commands/support';

/**
 * Issue 12, item 9: "child now" on the read side follows the decider's rule (adult from the 18th
 * birthday by the exact birth date), at a fixed today (2026-12-06 in Europe/Vienna) given to both
 * the command side (CLOCK) and the read side (`now`): born 2008-01-01 is an adult (18 since
 * 2026-01-01), born 2008-12-07 is a child until tomorrow. GET /cases/:id and GET /cases?child=…
 */
/** The case commands and read models, with the directory and cases projections, at `now`. */
function createApiAppAt(now: Date): Promise<ApiApp> {
  return createApiApp({
    modules: [
      CaseCommandsModule,
      CaseReadModelsModule.forRoot({
        now: () => now,
        imports: [CaseCommandsModule],
        cipherToken: CASE_CIPHER,
      }),
    ],
    projections: [organisationDirectoryProjection, casesProjection],
    overrides: [{ provide: CLOCK, useValue: () => now }],
    env: { REMEDY_JURISDICTION_TIMEZONE: 'Europe/Vienna' },
  });
}

describe('child now follows the 18th birthday (HTTP, PostgreSQL)', () => {
  const now = new Date('2026-12-06T10:00:00Z');
  let api: ApiApp;
  let staff: OrganisationWithStaff;
  const cases: Record<string, string> = {};
  let position = '';

  beforeAll(async () => {
    api = await createApiAppAt(now);
    staff = await organisationWithStaff(api, await api.user(['admin']));
    for (const birthDate of ['2008-01-01', '2007-12-31', '2008-12-07', '2008-12-06']) {
      const opened = await openCase(
        api,
        staff.caseworker,
        openCaseBody({ personal: { fullName: `Born ${birthDate}`, birthDate } }),
      );
      cases[birthDate] = opened.caseId;
      position = opened.position;
    }
  });

  afterAll(async () => {
    await api?.close();
  });

  const get = async (url: string) => {
    const res = await api.get(staff.caseworker, url, { 'x-min-position': position });
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  it('GET /cases/:id: childNow is false from the 18th birthday on, true the day before', async () => {
    expect((await get(`/cases/${cases['2008-01-01']}`)).childNow).toBe(false);
    expect((await get(`/cases/${cases['2007-12-31']}`)).childNow).toBe(false);
    expect((await get(`/cases/${cases['2008-12-06']}`)).childNow).toBe(false);
    expect((await get(`/cases/${cases['2008-12-07']}`)).childNow).toBe(true);
  });

  it('GET /cases?child=true|false filters in the database by the same rule', async () => {
    const ids = async (child: boolean) =>
      (
        (await get(`/cases?child=${child}&limit=100`)).items as {
          caseId: string;
          childNow: boolean;
        }[]
      )
        .map((c) => c.caseId)
        .sort();
    expect(await ids(true)).toEqual([cases['2008-12-07']]);
    expect(await ids(false)).toEqual(
      [cases['2008-01-01'], cases['2007-12-31'], cases['2008-12-06']].sort(),
    );
  });
});

/**
 * The gap of the item above: `case_adult_dates` is written by the command pipeline after each
 * append, so a case from before the table (no row until its next command) or a crash between the
 * append and the write (row missing or stale) read by the birth year alone. The reconciliation
 * (`AdultDatesReconciler`, run at the API's start-up and by `cases reconcile-adult-dates`) brings
 * the table in line with the streams; erased cases get no row; twice is the same as once.
 */
describe('case_adult_dates reconciled from the streams (HTTP, PostgreSQL)', () => {
  const now = new Date('2026-12-06T10:00:00Z');
  let api: ApiApp;
  let staff: Awaited<ReturnType<typeof organisationWithStaff>>;
  let reconciler: AdultDatesReconciler;
  let position = '';
  const ids: Record<'adult' | 'child' | 'erased' | 'estimate', string> = {
    adult: '',
    child: '',
    erased: '',
    estimate: '',
  };

  beforeAll(async () => {
    api = await createApiAppAt(now);
    reconciler = api.app.get(ADULT_DATES_RECONCILER);
    staff = await organisationWithStaff(api, await api.user(['admin']));
    const open = async (
      personal: Record<string, unknown>,
      profile: Record<string, unknown> = {},
    ) => {
      const body = openCaseBody({ personal: { fullName: 'Reconciled Person', ...personal } });
      const opened = await openCase(api, staff.caseworker, {
        ...body,
        profile: { ...(body.profile as object), ...profile },
      });
      position = opened.position;
      return opened.caseId;
    };
    ids.adult = await open({ birthDate: '2008-01-01' });
    ids.child = await open({ birthDate: '2008-12-07' });
    ids.erased = await open({ birthDate: '2008-01-01' });
    ids.estimate = await open({}, { ageUncertain: true, estimatedAge: 16 });
    const note = await api.post(
      staff.caseworker,
      `/cases/${ids.child}/notes`,
      { personal: { text: 'a note' } },
      { 'idempotency-key': 'reconcile-note' },
    );
    expect(note.statusCode).toBe(200);
    const erased = await api.post(
      staff.supervisor,
      `/cases/${ids.erased}/erasure`,
      {},
      { 'idempotency-key': 'reconcile-erase' },
    );
    expect(erased.statusCode).toBe(200);
    position = erased.json().position; // the last command
    // Wait for the case list to show every command (the reconciliation reads what it knows).
    await get(`/cases?limit=100`);
  });

  afterAll(async () => {
    await api?.close();
  });

  async function get(url: string) {
    const res = await api.get(staff.caseworker, url, { 'x-min-position': position });
    expect(res.statusCode).toBe(200);
    return res.json();
  }
  const childNow = async (caseId: string): Promise<boolean> =>
    (await get(`/cases/${caseId}`)).childNow;
  const children = async (): Promise<string[]> =>
    ((await get(`/cases?child=true&limit=100`)).items as { caseId: string }[])
      .map((c) => c.caseId)
      .sort();
  const table = async () =>
    (
      await api.pool.query<{ case_id: string; adult_from: string; revision: string }>(
        `SELECT case_id, adult_from::text AS adult_from, revision::text AS revision
           FROM case_adult_dates ORDER BY case_id`,
      )
    ).rows;

  it('a case without a row reads by its birth year; a stale row reads wrong; both are reconciled', async () => {
    // As before the table existed (no row), and as after a crash that left an older row.
    await api.pool.query('DELETE FROM case_adult_dates');
    await api.pool.query(
      `INSERT INTO case_adult_dates (case_id, adult_from, revision) VALUES ($1, '2000-01-01', 0), ($2, '2000-01-01', 0)`,
      [ids.child, ids.erased],
    );
    expect(await childNow(ids.adult)).toBe(true); // born 2008: a child until 2027 by the year
    expect(await childNow(ids.child)).toBe(false); // the stale row
    expect(await children()).toEqual([ids.adult, ids.estimate].sort());

    const report = await reconciler.reconcile({ batchSize: 1 });
    expect(report).toEqual({
      checked: 3, // adult (no row), child (stale row), erased (a row left): not the estimate
      written: 2,
      withoutBirthDate: 0,
      erased: 1,
      newer: 0,
      failed: 0,
    });
    expect(await childNow(ids.adult)).toBe(false); // 18 since 2026-01-01
    expect(await childNow(ids.child)).toBe(true); // 18 tomorrow
    expect(await childNow(ids.estimate)).toBe(true);
    // After erasure only the birth year is known: a child until the end of the year they turn 18,
    // as the decider reads it.
    expect(await children()).toEqual([ids.child, ids.estimate, ids.erased].sort());
    expect(await table()).toEqual(
      [
        { case_id: ids.adult, adult_from: '2026-01-01', revision: '0' },
        { case_id: ids.child, adult_from: '2026-12-07', revision: '1' },
      ].sort((a, b) => a.case_id.localeCompare(b.case_id)),
    );
  });

  it('is idempotent: a second run finds nothing to do; a run over every case changes nothing', async () => {
    const before = await table();
    expect((await reconciler.reconcile()).checked).toBe(0);
    expect(await table()).toEqual(before);
    expect(await reconciler.reconcile({ all: true, batchSize: 2 })).toEqual({
      checked: 3, // every case not erased
      written: 2,
      withoutBirthDate: 1,
      erased: 0,
      newer: 0,
      failed: 0,
    });
    expect(await table()).toEqual(before);
    expect(await childNow(ids.adult)).toBe(false);
  });

  it('erased cases get no row, even when asked for every case', async () => {
    await reconciler.reconcile({ all: true });
    expect(
      (await api.pool.query('SELECT 1 FROM case_adult_dates WHERE case_id = $1', [ids.erased]))
        .rowCount,
    ).toBe(0);
  });

  it('never replaces a row a command wrote from a later revision', async () => {
    await api.pool.query(
      `UPDATE case_adult_dates SET adult_from = '2030-01-01', revision = 99 WHERE case_id = $1`,
      [ids.adult],
    );
    const report = await reconciler.reconcile({ all: true });
    expect(report.newer).toBe(1);
    expect((await table()).find((r) => r.case_id === ids.adult)).toEqual({
      case_id: ids.adult,
      adult_from: '2030-01-01',
      revision: '99',
    });
    await api.pool.query('DELETE FROM case_adult_dates WHERE case_id = $1', [ids.adult]);
  });

  it("the API's start-up runs it in the background (cases that need it only)", async () => {
    await api.pool.query('DELETE FROM case_adult_dates');
    const startUp = new AdultDatesAtStartUp(reconciler);
    startUp.onApplicationBootstrap();
    expect(await startUp.done).toEqual(expect.objectContaining({ checked: 2, written: 2 }));
    await startUp.beforeApplicationShutdown();
    expect(await childNow(ids.adult)).toBe(false);
    expect(await children()).toEqual([ids.child, ids.estimate, ids.erased].sort());
  });
});
