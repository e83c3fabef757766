import {
  CASE_CIPHER,
  CaseCommandsModule,
  CLOCK,
  organisationDirectoryProjection,
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
describe('child now follows the 18th birthday (HTTP, PostgreSQL)', () => {
  const now = new Date('2026-12-06T10:00:00Z');
  let api: ApiApp;
  let staff: OrganisationWithStaff;
  const cases: Record<string, string> = {};
  let position = '';

  beforeAll(async () => {
    api = await createApiApp({
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
