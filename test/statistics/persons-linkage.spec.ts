import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { AccessPolicyModule } from '@remedy/access-policy';
import { CASE_CIPHER, type CaseCommandsModule } from '@remedy/case-commands';
import type { CaseCipher } from '@remedy/crypto';
import { EVENT_STORE, type EventStore } from '@remedy/event-store';
import {
  LinkageEncoder,
  LinkageModule,
  linkageCasesProjection,
  loadLinkageSecret,
  runLinkage,
} from '@remedy/linkage';
import {
  CATALOGUE,
  countTable,
  refreshPersonKeys,
  statisticsFactsProjection,
  type FactRow,
} from '@remedy/statistics';
import { databaseUrl } from '../support/database';
import { perSuite } from '../support/per-suite';
import {
  caseReadSide,
  createCommandsApp,
  openCase,
  openCaseBody,
  organisationWithStaff,
} from '../cases/commands/support';

type Org = Awaited<ReturnType<typeof organisationWithStaff>>;

/**
 * Persons from the real linkage unit (issue 19 parts 2 and 3 together): two organisations open a
 * case each for the same person (spelled differently) and a third case for someone else; the
 * worker's encoder submits their encodings, the linkage unit (as `remedy_linkage`) clusters them,
 * the persons refresh stamps the clusters on the fact rows: 3 cases, 2 persons.
 */
describe('statistics of persons from the linkage unit (PostgreSQL)', () => {
  const api = perSuite(() =>
    createCommandsApp(caseReadSide(), {
      modules: [
        AccessPolicyModule.forRoot() as unknown as typeof CaseCommandsModule,
        LinkageModule.forApi() as unknown as typeof CaseCommandsModule,
      ],
      projections: [linkageCasesProjection, statisticsFactsProjection],
    }),
  );
  const tag = randomUUID().slice(0, 8).toUpperCase();
  let unit: Pool;

  beforeAll(async () => {
    await api.pool.query('ALTER ROLE remedy_linkage LOGIN');
    const url = new URL(databaseUrl(api.db.name));
    url.username = 'remedy_linkage';
    url.password = '';
    unit = new Pool({ connectionString: url.toString(), max: 2 });
    unit.on('error', () => undefined);
  });
  afterAll(async () => {
    await unit?.end();
  });

  const until = async (check: () => Promise<boolean>, what: string) => {
    for (let i = 0; i < 300; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  async function identifiedPerson(org: Org, fullName: string, birthDate = '1991-03-14') {
    const { caseId } = await openCase(
      api,
      org.caseworker,
      openCaseBody({
        personal: { fullName, birthDate },
        profile: {
          sexGender: 'Masculine',
          ageUncertain: false,
          citizenships: ['UA'],
          languages: ['uk'],
        },
      }),
    );
    const res = await api.post(org.caseworker, `/cases/${caseId}/victim-status`, {
      status: 'ActualVictimOfTrafficking',
      decidingBody: 'NGO',
      decidedOn: '2026-02-01',
      formsOfExploitation: ['ForcedLabour'],
      sectors: ['F_Construction'],
      countriesOfRecruitment: ['UA'],
      countriesOfTransit: [],
      countriesOfExploitation: ['AT'],
      meansOfControl: [],
      personal: {},
    });
    expect(res.statusCode).toBeLessThan(300);
    return caseId;
  }

  it('counts two organisations’ cases of one person as one person and two cases', async () => {
    const admin = await api.user(['admin']);
    const a = await organisationWithStaff(api, admin);
    const b = await organisationWithStaff(api, admin);
    const cases = [
      await identifiedPerson(a, `Oleksandr Petrenko${tag}`),
      await identifiedPerson(b, `Olexandr Petrenko${tag}`),
      await identifiedPerson(b, `Maria Kowalska${tag}`, '1984-11-02'),
    ];
    const count = async (q: string) => Number((await api.pool.query(q)).rows[0].n);
    await until(
      async () =>
        (await count(`SELECT count(*) AS n FROM linkage_cases`)) === 3 &&
        (await count(
          `SELECT count(*) AS n FROM statistics_case_facts WHERE identified_in_year AND year = 2026`,
        )) === 3,
      'the linkage and statistics projections',
    );
    const encoder = new LinkageEncoder({
      pool: api.pool,
      store: api.app.get<EventStore>(EVENT_STORE),
      cipher: api.app.get<CaseCipher>(CASE_CIPHER),
      secret: await loadLinkageSecret({ dataDir: api.dataDir }),
    });
    expect((await encoder.encodeAllDue()).failed).toEqual([]);
    expect(await runLinkage(unit)).toMatchObject({ skipped: false, encodings: 3 });
    expect(await refreshPersonKeys(api.app.get(DataSource))).toBeGreaterThan(0);

    const rows = (
      await api.pool.query(`SELECT * FROM statistics_case_facts WHERE year = 2026 AND NOT objects`)
    ).rows as FactRow[];
    const total = (id: string) =>
      countTable(
        CATALOGUE.find((t) => t.id === id)!,
        rows,
      ).cells.reduce((n, c) => n + c.count, 0);
    expect(total('victims-by-status-sex-age')).toBe(3);
    expect(total('persons-by-status-sex-age')).toBe(2);
    const dump = JSON.stringify(rows);
    for (const id of cases) expect(dump).not.toContain(id);
  });
});
