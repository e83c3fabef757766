import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { verifyRelease, type ReleaseDocument } from '@remedy/statistics';
import { realApiPerSuite } from '../faults/support/real-api';

/**
 * The real compositions (apps/api ApiModule, apps/worker WorkerModule) on one database: the
 * worker runs the fact projection (ALL_PROJECTIONS) and the release builder; the API takes the
 * rapporteur's request and serves the signed release. Queues on BullMQ's PostgreSQL backend.
 */
describe('statistics in the real API and worker compositions', () => {
  const started = realApiPerSuite('stat-system', { LOG_LEVEL: 'silent' }, { worker: true });
  let api: NestFastifyApplication;

  beforeAll(() => {
    api = started.api.app;
  });

  it("builds a rapporteur's release from cases opened through the API, signed with the published key", async () => {
    const { token, post } = started.api;
    const registered = await post(await token(['admin']), '/organisations', {
      name: 'Statistics Shelter',
      type: 'NGO',
      services: ['Accommodation'],
      country: 'AT',
      code: 'STATS',
    });
    expect(registered.statusCode).toBe(201);
    const { organisationId } = registered.json() as { organisationId: string };
    const caseworker = await token(['caseworker'], organisationId);
    for (let i = 0; i < 12; i++) {
      const opened = await post(caseworker, '/cases', {
        referralSource: 'SelfReferral',
        profile: {
          sexGender: 'Masculine',
          ageUncertain: false,
          citizenships: ['SY'],
          languages: ['ar'],
        },
        personal: { fullName: `System Person ${i}`, birthDate: '1985-01-01' },
      });
      expect(opened.statusCode).toBe(201);
      const c = `/cases/${(opened.json() as { caseId: string }).caseId}`;
      expect(
        (
          await post(caseworker, `${c}/victim-status`, {
            status: 'ActualVictimOfTrafficking',
            decidingBody: 'NonPoliceGovernmentalOrganization',
            decidedOn: '2026-09-01',
            formsOfExploitation: ['ForcedLabour'],
            sectors: ['I_AccommodationAndFoodServiceActivities'],
            countriesOfRecruitment: [],
            countriesOfTransit: [],
            countriesOfExploitation: [],
            meansOfControl: [],
            personal: {},
          })
        ).statusCode,
      ).toBe(200);
    }
    const rapporteur = await token(['rapporteur']);
    const requested = await post(rapporteur, '/statistics/releases', {
      period: '2026',
      mode: 'suppression',
      tables: ['victims-by-sector'],
    });
    expect(requested.statusCode).toBe(202);
    const { releaseId } = requested.json() as { releaseId: string };
    const get = (url: string) =>
      api.inject({ method: 'GET', url, headers: { authorization: `Bearer ${rapporteur}` } });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const status = (await get(`/statistics/releases/${releaseId}`)).json() as { status: string };
      if (status.status === 'built') break;
      if (status.status === 'failed' || Date.now() > deadline)
        throw new Error(`release ${status.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const json = await get(`/statistics/releases/${releaseId}.json`);
    const doc = JSON.parse(json.body) as ReleaseDocument;
    expect(
      doc.tables[0]!.cells.find((c) => c.at[0] === 'I_AccommodationAndFoodServiceActivities')!
        .value,
    ).toBe(12);
    const publicKey = (await get('/statistics/public-key')).body;
    expect(verifyRelease(json.body, String(json.headers['x-signature-ed25519']), publicKey)).toBe(
      true,
    );
    expect(json.body).not.toContain('System Person');
  });
});
