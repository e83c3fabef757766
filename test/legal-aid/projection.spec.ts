import { randomUUID } from 'node:crypto';
import { legalAidProjection, type LegalAidCaseRow } from '@remedy/legal-aid';
import { rebuildProjection } from '@remedy/projections';
import {
  actorsOf,
  eventsOf,
  catchUpWithWriter,
  readSidePerSuite,
} from '../cases/read/support/case-writer';
import { victimStatus } from '../support/fixtures';
import { grantLegalAidAccess } from './case-writing';

/**
 * The legal-aid projection on real PostgreSQL: what it folds, that re-applying events (the same
 * batch twice, older events after newer ones, other batch sizes) changes nothing, and that a
 * rebuild gives the same rows.
 */
describe('legal-aid projection (PostgreSQL)', () => {
  const h = readSidePerSuite([legalAidProjection]);
  const org = actorsOf();
  const legalOrg = randomUUID();
  const otherLegalOrg = randomUUID();
  const caseIds: string[] = [];

  const rows = async (): Promise<LegalAidCaseRow[]> =>
    (await h.ds.query(
      `SELECT *, last_revision::text AS last_revision, updated_at::text AS updated_at FROM legal_aid_cases ORDER BY case_id`,
    )) as LegalAidCaseRow[];
  const allEvents = () => eventsOf(h, legalAidProjection);

  beforeAll(async () => {
    const cw = org.caseworker;
    for (let i = 1; i <= 3; i++) {
      const caseId = await h.writer.open(cw, {
        sequence: i,
        birthDate: '1990-01-01',
        fullName: `Legal ${i}`,
      });
      caseIds.push(caseId);
      await h.writer.run(caseId, {
        type: 'RecordVictimStatus',
        actor: cw,
        ...victimStatus({
          status: 'PossibleVictimOfTrafficking',
          decidedOn: '2026-01-10',
        }),
      });
      for (const target of [legalOrg, otherLegalOrg]) {
        await grantLegalAidAccess(h.writer, caseId, cw, target);
      }
      await h.writer.run(caseId, {
        type: 'SeekRemedy',
        actor: cw,
        remedyId: randomUUID(),
        remedyType: 'Compensation',
        avenue: 'CivilClaim',
        personal: { text: 'free text' },
      });
      await h.writer.run(caseId, {
        type: 'RaiseNonPunishmentFlag',
        actor: cw,
        flagId: randomUUID(),
        personal: {},
      });
    }
    // Case 2: the person withdraws consent for one organisation; case 3: status changes.
    await h.writer.run(caseIds[1]!, {
      type: 'WithdrawConsent',
      actor: cw,
      purpose: 'legal_aid_access',
      receivingOrganisationId: otherLegalOrg,
    });
    await h.writer.run(caseIds[2]!, {
      type: 'RecordVictimStatus',
      actor: cw,
      ...victimStatus({
        status: 'ActualVictimOfTrafficking',
        decidedOn: '2026-02-10',
        formsOfExploitation: ['ForcedLabour', 'ForcedBegging'],
      }),
    });
    await catchUpWithWriter(h, legalAidProjection, 7);
  });

  it('folds the whitelisted facts and the live access of each case', async () => {
    const [r1, r2, r3] = caseIds.map((id) => id);
    const byId = new Map((await rows()).map((r) => [r.case_id, r]));
    expect(byId.size).toBe(3);
    const one = byId.get(r1!)!;
    expect(one).toMatchObject({
      holding_organisation_id: org.organisationId,
      reference: 'ORG-2026-00001',
      legal_aid_organisations: [legalOrg, otherLegalOrg],
      legal_aid_consents: [legalOrg, otherLegalOrg],
      sex_gender: 'Masculine',
      age_group: { category: 'adult', bracket: '35-44' },
      citizenships: ['UA'],
      languages: ['uk'],
      identification_status: 'PossibleVictimOfTrafficking',
      forms_of_exploitation: ['ForcedLabour'],
      erased: false,
    });
    expect(one.remedies).toEqual([
      expect.objectContaining({ remedyType: 'Compensation', avenue: 'CivilClaim' }),
    ]);
    expect(one.non_punishment_flags).toEqual([expect.objectContaining({ status: 'raised' })]);
    expect(one.sealed_opening).toMatch(/^v1\./);
    expect(byId.get(r2!)).toMatchObject({
      legal_aid_organisations: [legalOrg],
      legal_aid_consents: [legalOrg],
    });
    expect(byId.get(r3!)).toMatchObject({
      identification_status: 'ActualVictimOfTrafficking',
      forms_of_exploitation: ['ForcedLabour', 'ForcedBegging'],
    });
  });

  it('ignores events applied again: the same batch twice, and older events after newer ones', async () => {
    const before = await rows();
    const events = await allEvents();
    await h.ds.transaction((em) => legalAidProjection.apply(events, em));
    expect(await rows()).toEqual(before);
    const older = events.filter((e) => e.revision <= 2n);
    await h.ds.transaction((em) => legalAidProjection.apply(older, em));
    expect(await rows()).toEqual(before);
    // One event at a time, in reverse: every one is at or below the stored revision.
    for (const e of [...events].reverse())
      await h.ds.transaction((em) => legalAidProjection.apply([e], em));
    expect(await rows()).toEqual(before);
  });

  it('gives the same rows from a clear re-application one event per batch, and from a rebuild', async () => {
    const strip = (rs: LegalAidCaseRow[]) => rs.map(({ updated_at: _u, ...r }) => r);
    const before = strip(await rows());
    await h.ds.transaction((em) => legalAidProjection.clear(em));
    expect(await rows()).toEqual([]);
    await catchUpWithWriter(h, legalAidProjection, 1);
    expect(strip(await rows())).toEqual(before);
    const report = await rebuildProjection({
      dataSource: h.ds,
      eventStore: h.store,
      projection: legalAidProjection,
    });
    expect(report.done).toBe(true);
    expect(report.events).toBe((await allEvents()).length);
    expect(strip(await rows())).toEqual(before);
  });
});
