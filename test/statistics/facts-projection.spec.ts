import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  STATISTICS_FACTS_PROJECTION,
  statisticsFactsProjection,
  StatisticsReleases,
} from '@remedy/statistics';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  actorsOf,
  eventsOf,
  catchUpWithWriter,
  openReadSide,
  type ReadSideHarness,
} from '../cases/read/support/case-writer';
import { caseScript, marker } from './support';
import { victimStatus } from '../support/fixtures';

/**
 * The anonymous fact projection on real PostgreSQL: categorical facts per case and year, no
 * identifier or personal field stored, idempotent (a replayed batch changes nothing), a rebuild
 * gives the same rows, erasure leaves the row as it was, and an objection keeps the case out of
 * the facts a release reads (until it is withdrawn).
 */
describe('statistics fact projection', () => {
  let db: TestDatabase;
  let h: ReadSideHarness;
  let dataDir: string;
  const org = actorsOf();
  const markers = {
    name: marker('NAME'),
    note: marker('NOTE'),
    contact: marker('CONTACT'),
    text: marker('TEXT'),
  };
  let caseId: string;
  let childCaseId: string;

  const facts = async () =>
    (await h.pool.query(`SELECT * FROM statistics_case_facts ORDER BY row_key, year`))
      .rows as Record<string, unknown>[];
  const states = async () =>
    (await h.pool.query(`SELECT * FROM statistics_case_state ORDER BY row_key`)).rows as Record<
      string,
      unknown
    >[];
  const project = () => catchUpWithWriter(h, statisticsFactsProjection, 7);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'remedy-stat-facts-'));
    process.env.REMEDY_DATA_DIR = dataDir;
    process.env.REMEDY_JURISDICTION_TIMEZONE = 'Europe/Vienna';
    process.env.LEGAL_AID_REFERENCE_RATES = JSON.stringify({
      referenceCurrency: 'EUR',
      years: { '2026': { USD: '0.9' } },
    });
    db = await createTestDatabase();
    h = await openReadSide(db.url, [statisticsFactsProjection]);
    caseId = randomUUID();
    const run = caseScript(h.writer, org.caseworker, caseId);
    await run({
      type: 'OpenCase',
      caseReference: 'ORG-2026-00001',
      referralSource: 'LabourInspectorate',
      profile: {
        sexGender: 'Masculine',
        ageUncertain: false,
        citizenships: ['UA', 'MD'],
        languages: ['uk'],
      },
      personal: {
        fullName: markers.name,
        birthDate: '1990-04-02',
        contacts: [markers.contact],
        notes: markers.note,
      },
    });
    await run({
      type: 'RecordVictimStatus',
      status: 'ActualVictimOfTrafficking',
      decidingBody: 'Police',
      decidedOn: '2026-03-10',
      formsOfExploitation: ['ForcedLabour', 'ForcedCriminality'],
      sectors: ['F_Construction'],
      countriesOfRecruitment: ['UA'],
      countriesOfTransit: [],
      countriesOfExploitation: ['AT'],
      meansOfControl: ['DebtBondage'],
      personal: { text: markers.text },
    });
    await run({
      type: 'GiveConsent',
      purpose: 'assistance',
      obtainedInLanguage: 'uk',
      interpreterUsed: true,
    });
    await run({ type: 'RecordLawEnforcementCooperation', cooperation: 'declined' });
    await run({
      type: 'ProvideAssistance',
      assistanceId: randomUUID(),
      assistanceType: 'Accommodation',
      from: '2026-03-11',
      personal: { text: markers.text },
    });
    await run({ type: 'RecordLawEnforcementCooperation', cooperation: 'cooperating' });
    await run({
      type: 'ProvideAssistance',
      assistanceId: randomUUID(),
      assistanceType: 'Psychological',
      from: '2026-04-01',
      personal: {},
    });
    await run({ type: 'GrantReflectionPeriod', startsOn: '2026-03-10', days: 60 });
    await run({
      type: 'SeekRemedy',
      remedyId: randomUUID(),
      remedyType: 'Compensation',
      avenue: 'LabourOrEmploymentTribunal',
      personal: { text: markers.text },
    });

    // A claim in USD: 12 345.67 USD awarded (11 111 EUR at 0.9), 11.11 USD paid.
    const claimId = randomUUID();
    await run({
      type: 'FileCompensationClaim',
      claimId,
      avenue: 'LabourOrEmploymentTribunal',
      respondentKind: 'Employer',
      currency: 'USD',
      claimed: { UnpaidWages: 2_345_678 },
      filedOn: '2026-03-12',
      personal: { text: markers.text },
    });
    await run({
      type: 'DecideClaim',
      claimId,
      outcome: 'partly_awarded',
      awarded: { UnpaidWages: 1_234_567 },
      currency: 'USD',
      decidedOn: '2026-05-04',
      personal: {},
    });
    await run({
      type: 'RecordClaimPayment',
      claimId,
      paymentId: randomUUID(),
      amount: 1_111,
      currency: 'USD',
      receivedOn: '2026-06-01',
      personal: {},
    });

    // A presumed minor referred after a best-interests assessment.
    childCaseId = randomUUID();
    const child = caseScript(h.writer, org.caseworker, childCaseId);
    await child({
      type: 'OpenCase',
      caseReference: 'ORG-2026-00002',
      referralSource: 'Hotline',
      profile: {
        sexGender: 'NonConforming',
        ageUncertain: true,
        estimatedAge: 16,
        citizenships: ['UNKNOWN'],
        languages: [],
      },
      personal: { fullName: marker('CHILD') },
    });
    await child({ type: 'PresumeMinority', personal: {} });
    await child({
      type: 'RecordVictimStatus',
      ...victimStatus({
        status: 'PossibleVictimOfTrafficking',
        decidedOn: '2026-05-02',
        formsOfExploitation: ['SexualExploitation'],
      }),
    });
    const receiver = randomUUID();
    await child({
      type: 'GiveConsent',
      purpose: 'referral',
      receivingOrganisationId: receiver,
      obtainedInLanguage: 'uk',
      interpreterUsed: true,
    });
    await caseScript(
      h.writer,
      org.supervisor,
      childCaseId,
    )({
      type: 'RecordBestInterestsAssessment',
      assessmentId: randomUUID(),
      decision: 'referral',
      outcome: 'proceed',
      guardianPresent: true,
      personal: { text: marker('BIA') },
    });
    await child({
      type: 'ReferCase',
      referralId: randomUUID(),
      toOrganisationId: receiver,
      service: 'Psychological',
      personal: {},
    });
    await project();
  });

  afterAll(async () => {
    await h?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    delete process.env.LEGAL_AID_REFERENCE_RATES;
  });

  it('keeps one row per case and year with categorical facts only', async () => {
    const rows = await facts();
    expect(rows).toHaveLength(2);
    const adult = rows.find((r) => r.sex_gender === 'Masculine')!;
    expect(adult).toMatchObject({
      year: 2026,
      identification_year: 2026,
      age_group: '35-44',
      citizenships: ['UA', 'MD'],
      status: 'ActualVictimOfTrafficking',
      deciding_body: 'Police',
      identified_in_year: true,
      forms: ['ForcedLabour', 'ForcedCriminality'],
      sectors: ['F_Construction'],
      referral_source: 'LabourInspectorate',
      assistance_types: ['Accommodation', 'Psychological'],
      assisted: true,
      // The first assistance came while the person declined to cooperate (rule 1's measure).
      assisted_while_not_cooperating: true,
      cooperation: 'cooperating',
      reflection_granted: true,
      remedies: ['Compensation|LabourOrEmploymentTribunal'],
      claims: [
        {
          avenue: 'LabourOrEmploymentTribunal',
          respondentKind: 'Employer',
          currency: 'USD',
          filedYear: 2026,
          outcome: 'partly_awarded',
          payment: 'paid_in_part',
          awardedBand: '10000-49999',
          paidBand: '1-499',
        },
      ],
      objects: false,
    });
    const child = rows.find((r) => r.sex_gender === 'NonConforming')!;
    expect(child).toMatchObject({
      child_decisions: 1,
      child_decisions_assessed: 1,
      age_group: '12-17',
      citizenships: ['UNKNOWN'],
      status: 'PossibleVictimOfTrafficking',
      cooperation: 'not_recorded',
      assisted: false,
    });
  });

  it('stores no case id, reference, organisation or user id, date, or personal marker in its tables', async () => {
    const dump = JSON.stringify([await facts(), await states()]);
    for (const forbidden of [
      caseId,
      childCaseId,
      org.organisationId,
      org.caseworker.userId,
      'ORG-2026-0000',
      ...Object.values(markers),
      '2026-03-10',
      '2026-03-11',
    ])
      expect(dump).not.toContain(forbidden);
    // The fact rows hold the age group, not the birth year (the private fold state keeps the year for rule 3),
    // and claim amounts in bands only (the private fold state keeps the amounts, to band them again).
    const factDump = JSON.stringify((await facts()).map(({ row_key: _key, ...row }) => row));
    for (const exact of ['1990', '2345678', '1234567', '1111'])
      expect(factDump).not.toContain(exact);
    await expect(
      h.pool.query(
        `UPDATE statistics_case_facts SET claims = '[{"awarded": 1234567, "paid": 0}]'::jsonb`,
      ),
    ).rejects.toThrow(/statistics_case_facts_claims_banded/);
    expect(dump).not.toMatch(/ZZMARK/);
    expect(dump).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    // The key is a keyed pseudonym: 64 hex digits, not derived without the installation's key.
    for (const r of await facts()) expect(r.row_key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is idempotent: replaying every event over the rows changes nothing', async () => {
    const before = await facts();
    await project();
    const events = await eventsOf(h, statisticsFactsProjection);
    await h.ds.transaction((em) => statisticsFactsProjection.apply(events, em));
    expect(await facts()).toEqual(before);
  });

  it('rebuilds to the same rows', async () => {
    const before = await facts();
    await h.ds.transaction((em) => statisticsFactsProjection.clear(em));
    expect(await facts()).toEqual([]);
    await project();
    expect(await facts()).toEqual(before);
    expect(STATISTICS_FACTS_PROJECTION).toBe(statisticsFactsProjection.name);
  });

  it('keeps the row as it was when the personal data is erased', async () => {
    const before = await facts();
    await caseScript(
      h.writer,
      org.supervisor,
      caseId,
    )({ type: 'ErasePersonalData', erasureRequestId: randomUUID() });
    await project();
    expect(await facts()).toEqual(before);
  });

  it('leaves an objecting case out of the facts a release reads, and counts it again after withdrawal', async () => {
    const releases = new StatisticsReleases(h.ds, undefined as never, h.store);
    expect(await releases.factsOf(2026)).toHaveLength(2);
    await caseScript(
      h.writer,
      org.caseworker,
      childCaseId,
    )({ type: 'RecordStatisticalUseObjection' });
    await project();
    const remaining = await releases.factsOf(2026);
    expect(remaining.map((r) => r.sex_gender)).toEqual(['Masculine']);
    await caseScript(
      h.writer,
      org.caseworker,
      childCaseId,
    )({ type: 'WithdrawStatisticalUseObjection' });
    await project();
    expect(await releases.factsOf(2026)).toHaveLength(2);
  });
});
