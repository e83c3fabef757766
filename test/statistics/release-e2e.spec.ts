import {
  CASE_CIPHER,
  CaseCommandsModule,
  organisationDirectoryProjection,
} from '@remedy/case-commands';
import {
  StatisticsModule,
  statisticsFactsProjection,
  type ReleaseDocument,
} from '@remedy/statistics';
import { createApiApp, type ApiApp, type TestUser } from '../support/api-app';
import { organisationWithStaff, type OrganisationWithStaff } from '../cases/commands/support';
import { untilBuilt } from './app';
import { victimStatus } from '../support/fixtures';
import { mulberry32 } from '../support/prng';

/**
 * The end-to-end check: at least 2,000 cases seeded through the command API (HTTP, the
 * real pipeline: decide, seal personal data, append) across several organisations, with bounded
 * concurrency; a rapporteur requests a release; the worker builds it; the unconditional-assistance
 * table is checked against counts computed independently here from what was sent.
 * STATISTICS_E2E_CASES overrides the number of cases (default 2,000).
 */
const CASES = Number(process.env.STATISTICS_E2E_CASES ?? 2000);
const ORGANISATIONS = 4;
const CONCURRENCY = 12;
const COOPERATION = ['not_decided', 'declined', 'cooperating', 'withdrew'] as const;
type Cooperation = (typeof COOPERATION)[number] | 'not_recorded';

interface Plan {
  readonly before?: (typeof COOPERATION)[number];
  readonly assisted: boolean;
  readonly after?: (typeof COOPERATION)[number];
}

describe(`release end to end: ${CASES} cases through the command API, unconditional-assistance table checked`, () => {
  let api: ApiApp;
  let rapporteur: TestUser;
  const plans: Plan[] = [];
  const seconds: Record<string, number> = {};

  beforeAll(async () => {
    api = await createApiApp({
      modules: [
        CaseCommandsModule,
        StatisticsModule.forApi({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
        StatisticsModule.forWorker(),
      ],
      projections: [organisationDirectoryProjection, statisticsFactsProjection],
      env: { REMEDY_JURISDICTION_TIMEZONE: 'Europe/Vienna' },
    });
    const admin = await api.user(['admin']);
    const orgs: OrganisationWithStaff[] = [];
    for (let i = 0; i < ORGANISATIONS; i++) orgs.push(await organisationWithStaff(api, admin));
    rapporteur = await api.user(['rapporteur']);

    const random = mulberry32(0x5eed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    for (let i = 0; i < CASES; i++) {
      const before = random() < 0.7 ? pick(COOPERATION) : undefined;
      plans.push({
        before,
        assisted: random() < 0.85,
        after: random() < 0.2 ? pick(COOPERATION) : undefined,
      });
    }

    const post = async (user: TestUser, url: string, body: unknown) => {
      const res = await api.post(user, url, body);
      if (res.statusCode >= 300)
        throw new Error(`${url.replace(/[0-9a-f-]{36}/, ':id')}: ${res.statusCode} ${res.body}`);
      return res.json() as { caseId: string };
    };
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < CASES; i = next++) {
        const plan = plans[i]!;
        const caseworker = orgs[i % ORGANISATIONS]!.caseworker;
        const { caseId } = await post(caseworker, '/cases', {
          referralSource: 'Hotline',
          profile: {
            sexGender: i % 2 ? 'Feminine' : 'Masculine',
            ageUncertain: false,
            citizenships: ['UA'],
            languages: ['uk'],
          },
          personal: { fullName: `Seed Person ${i}`, birthDate: '1990-04-02' },
        });
        const c = `/cases/${caseId}`;
        await post(
          caseworker,
          `${c}/victim-status`,
          victimStatus({
            status: i % 3 ? 'ActualVictimOfTrafficking' : 'PossibleVictimOfTrafficking',
            decidedOn: '2026-06-01',
            sectors: ['A_AgricultureForestryAndFishing'],
          }),
        );
        if (plan.before)
          await post(caseworker, `${c}/law-enforcement-cooperation`, { cooperation: plan.before });
        if (plan.assisted) {
          await post(caseworker, `${c}/consents`, {
            purpose: 'assistance',
            obtainedInLanguage: 'uk',
            interpreterUsed: false,
          });
          await post(caseworker, `${c}/assistance`, {
            assistanceType: 'Accommodation',
            from: '2026-06-02',
            personal: {},
          });
        }
        if (plan.after)
          await post(caseworker, `${c}/law-enforcement-cooperation`, { cooperation: plan.after });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    seconds.seeding = (Date.now() - started) / 1000;
  }, 600_000);

  afterAll(async () => {
    await api?.close();
    // Figures of this run (machine-dependent; speed goals belong in bench/).
    process.stdout.write(
      `[statistics e2e] ${CASES} cases seeded in ${seconds.seeding?.toFixed(1)} s; release built in ${seconds.release?.toFixed(1)} s\n`,
    );
  });

  it('publishes the unconditional-assistance table as counted independently from the commands sent', async () => {
    const started = Date.now();
    const res = await api.post(rapporteur, '/statistics/releases', {
      period: '2026',
      mode: 'suppression',
      tables: ['unconditional-assistance', 'assistance-by-type', 'victims-by-status-sex-age'],
    });
    expect(res.statusCode).toBe(202);
    const { releaseId } = res.json() as { releaseId: string };
    await untilBuilt(api, rapporteur, releaseId, 120_000);
    seconds.release = (Date.now() - started) / 1000;
    const doc = JSON.parse(
      (await api.get(rapporteur, `/statistics/releases/${releaseId}.json`)).body,
    ) as ReleaseDocument;

    // Independent count: assisted cases by (assistance given while not cooperating?, status at the end).
    const expected = new Map<string, number>();
    const add = (key: string) => expected.set(key, (expected.get(key) ?? 0) + 1);
    for (const plan of plans) {
      if (!plan.assisted) continue;
      const whileNot = plan.before === 'cooperating' ? 'no' : 'yes';
      const end: Cooperation = plan.after ?? plan.before ?? 'not_recorded';
      add(JSON.stringify([whileNot, end]));
      add(JSON.stringify([whileNot, null]));
      add(JSON.stringify([null, end]));
      add(JSON.stringify([null, null]));
    }
    const table = doc.tables.find((t) => t.id === 'unconditional-assistance')!;
    expect(table.cells.length).toBe(3 * 6);
    let published = 0;
    const mismatches = table.cells.filter(
      (c) => c.value !== null && c.value !== (expected.get(JSON.stringify(c.at)) ?? 0),
    );
    expect(
      mismatches.map((c) => ({
        at: c.at,
        value: c.value,
        expected: expected.get(JSON.stringify(c.at)) ?? 0,
      })),
    ).toEqual([]);
    for (const cell of table.cells) {
      const truth = expected.get(JSON.stringify(cell.at)) ?? 0;
      if (cell.value === null) {
        expect(cell.suppressed).toBeDefined();
        expect(cell.suppressed).toBe(true);
      } else {
        expect({ at: cell.at, value: cell.value }).toEqual({ at: cell.at, value: truth });
        published += 1;
      }
    }
    // The measure of rule 1 itself is published: assisted while not cooperating, and all assisted.
    const assisted = plans.filter((p) => p.assisted).length;
    const whileNotCooperating = plans.filter(
      (p) => p.assisted && p.before !== 'cooperating',
    ).length;
    expect(table.cells.find((c) => c.at[0] === 'yes' && c.at[1] === null)!.value).toBe(
      whileNotCooperating,
    );
    expect(table.cells.find((c) => c.at[0] === null && c.at[1] === null)!.value).toBe(assisted);
    expect(published).toBeGreaterThanOrEqual(12);
    const victims = doc.tables.find((t) => t.id === 'victims-by-status-sex-age')!;
    expect(victims.cells.find((c) => c.at.every((v) => v === null))!.value).toBe(CASES);
    const byType = doc.tables.find((t) => t.id === 'assistance-by-type')!;
    expect(byType.cells.find((c) => c.at[0] === 'Accommodation')!.value).toBe(assisted);
  });
});
