import { randomUUID } from 'node:crypto';
import {
  CaseQueries,
  casesProjection,
  InvalidCursorError,
  timelineProjection,
  type CaseListItem,
} from '@remedy/case-read-models';
import {
  actorsOf,
  catchUpWithWriter,
  ReadSideHarness,
  readSidePerSuite,
} from './support/case-writer';
import { victimStatus } from '../../support/fixtures';

const projections = [casesProjection, timelineProjection];

async function snapshot(h: ReadSideHarness) {
  return {
    cases: await h.ds.query(`SELECT * FROM case_list ORDER BY case_id`),
    referrals: await h.ds.query(`SELECT * FROM case_referrals ORDER BY referral_id`),
    timeline: await h.ds.query(`SELECT * FROM case_timeline ORDER BY case_id, revision`),
  };
}

async function project(h: ReadSideHarness, batchSize = 100) {
  for (const p of projections) await catchUpWithWriter(h, p, batchSize);
}

describe('case read models (PostgreSQL)', () => {
  const h = readSidePerSuite(projections);
  let queries: CaseQueries;
  const holder = actorsOf();
  const receiver = actorsOf();
  const other = actorsOf();
  let adultCase: string;
  let childCase: string;
  let estimatedChildCase: string;
  let closingCase: string;
  let referralId: string;
  const caseworkerB = randomUUID();

  beforeAll(async () => {
    queries = new CaseQueries(h.ds, h.cipher, h.store, 'Europe/Vienna');
    const w = h.writer;
    // Adult, identified, reflection period, caseworker, referral to another organisation.
    adultCase = await w.open(holder.caseworker, {
      sequence: 1,
      birthDate: '1990-04-02',
      fullName: 'Ana Example',
    });
    await w.run(adultCase, {
      type: 'RecordVictimStatus',
      actor: holder.caseworker,
      ...victimStatus({
        status: 'PossibleVictimOfTrafficking',
        decidedOn: '2026-11-01',
        sectors: ['F_Construction'],
        countriesOfRecruitment: ['UA'],
        countriesOfExploitation: ['AT'],
        meansOfControl: ['DebtBondage'],
        personal: { text: 'worked on a building site' },
      }),
    });
    await w.run(adultCase, {
      type: 'GrantReflectionPeriod',
      actor: holder.caseworker,
      startsOn: '2026-11-10',
      days: 30,
    });
    await w.run(adultCase, {
      type: 'AssignCaseworker',
      actor: holder.supervisor,
      caseworkerId: holder.caseworker.userId,
    });
    referralId = await w.refer(adultCase, holder.caseworker, receiver.organisationId, {
      service: 'Accommodation',
      interpreterUsed: true,
      text: 'needs a shelter place',
    });
    await w.run(adultCase, {
      type: 'AddNote',
      actor: holder.caseworker,
      noteId: randomUUID(),
      personal: { text: 'called back' },
    });
    // A child by exact birth date; a child by estimate; an adult whose closure is requested.
    childCase = await w.open(holder.caseworker, { sequence: 2, birthDate: '2012-05-01' });
    await w.run(childCase, {
      type: 'AssignCaseworker',
      actor: holder.supervisor,
      caseworkerId: caseworkerB,
    });
    estimatedChildCase = await w.open(holder.caseworker, { sequence: 3, estimatedAge: 16 });
    closingCase = await w.open(holder.caseworker, { sequence: 4, birthDate: '1985-01-01' });
    await w.run(closingCase, {
      type: 'RequestClosure',
      actor: holder.caseworker,
      reason: 'assistance_completed',
      personal: { text: 'done' },
    });
    // More cases for pagination, and one of another organisation.
    for (let i = 5; i <= 16; i++)
      await w.open(holder.caseworker, { sequence: i, birthDate: '1980-01-01' });
    await w.open(other.caseworker, { sequence: 99, birthDate: '1980-01-01' });
    await project(h, 7);
  });

  it('projects the list row of a case: status, identification, caseworker, referrals, deadline, sealed personal data', async () => {
    const [row] = await h.ds.query(
      `SELECT *, reflection_ends_on::text AS ends, next_deadline::text AS deadline FROM case_list WHERE case_id = $1`,
      [adultCase],
    );
    expect(row).toMatchObject({
      organisation_id: holder.organisationId,
      reference: 'ORG-2026-00001',
      lifecycle: 'open',
      identification_status: 'PossibleVictimOfTrafficking',
      caseworker_id: holder.caseworker.userId,
      open_referrals: 1,
      ends: '2026-12-09',
      deadline: '2026-12-09',
      child_at_opening: false,
      erased: false,
      last_revision: '6',
    });
    // Personal fields are held as the events' ciphertext only, never in clear.
    expect(Object.keys(row.sealed_personal).sort()).toEqual(['identification', 'opening']);
    const stored =
      JSON.stringify(await h.ds.query(`SELECT * FROM case_list`)) +
      JSON.stringify(await h.ds.query(`SELECT * FROM case_timeline`));
    expect(stored).not.toContain('Ana Example');
    expect(stored).not.toContain('1990-04-02');
    expect(stored).not.toContain('building site');
    const [closing] = await h.ds.query(
      `SELECT lifecycle, best_interests_pending FROM case_list WHERE case_id = $1`,
      [closingCase],
    );
    expect(closing).toEqual({
      lifecycle: 'closure_requested',
      best_interests_pending: ['closure'],
    });
  });

  it('is idempotent: re-applying every event (in other batch sizes) changes nothing', async () => {
    const before = await snapshot(h);
    await project(h, 3);
    await project(h, 500);
    expect(await snapshot(h)).toEqual(before);
  });

  it('rebuilds to the same read model whatever the batch size', async () => {
    const before = await snapshot(h);
    for (const p of projections) await h.ds.transaction((em) => p.clear(em));
    expect((await snapshot(h)).cases).toEqual([]);
    await project(h, 1);
    expect(await snapshot(h)).toEqual(before);
  });

  it("lists only the caller's organisation's cases, with filters", async () => {
    const all = await queries.listCases(holder.organisationId, { limit: 100 });
    expect(all.items).toHaveLength(16);
    expect(all.nextCursor).toBeNull();
    const ids = (items: readonly CaseListItem[]) => items.map((i) => i.caseId).sort();
    expect((await queries.listCases(other.organisationId)).items).toHaveLength(1);
    expect(ids((await queries.listCases(holder.organisationId, { child: true })).items)).toEqual(
      [childCase, estimatedChildCase].sort(),
    );
    expect((await queries.listCases(holder.organisationId, { child: false })).items).toHaveLength(
      14,
    );
    expect(
      ids((await queries.listCases(holder.organisationId, { status: 'closure_requested' })).items),
    ).toEqual([closingCase]);
    expect(
      ids(
        (
          await queries.listCases(holder.organisationId, {
            identificationStatus: 'PossibleVictimOfTrafficking',
          })
        ).items,
      ),
    ).toEqual([adultCase]);
    expect(
      ids((await queries.listCases(holder.organisationId, { caseworkerId: caseworkerB })).items),
    ).toEqual([childCase]);
    expect(
      ids((await queries.listCases(holder.organisationId, { hasOpenReferrals: true })).items),
    ).toEqual([adultCase]);
    expect(
      (await queries.listCases(holder.organisationId, { hasOpenReferrals: false })).items,
    ).toHaveLength(15);
    const child = all.items.find((i) => i.caseId === childCase)!;
    expect(child).toMatchObject({
      childNow: true,
      childAtOpening: true,
      reference: 'ORG-2026-00002',
      status: 'open',
    });
  });

  it.each(['last_activity', 'reference', 'next_deadline'] as const)(
    'pages through every case once with an opaque cursor (sort %s)',
    async (sort) => {
      const full = (await queries.listCases(holder.organisationId, { sort, limit: 100 })).items.map(
        (i) => i.caseId,
      );
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await queries.listCases(holder.organisationId, {
          sort,
          limit: 5,
          ...(cursor ? { cursor } : {}),
        });
        seen.push(...page.items.map((i) => i.caseId));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      expect(pages).toBe(4);
      expect(seen).toEqual(full);
      expect(new Set(seen).size).toBe(16);
    },
  );

  it('sorts by reference, by next deadline (none last) and by last activity (latest first)', async () => {
    const byRef = (
      await queries.listCases(holder.organisationId, { sort: 'reference', limit: 3 })
    ).items.map((i) => i.reference);
    expect(byRef).toEqual(['ORG-2026-00001', 'ORG-2026-00002', 'ORG-2026-00003']);
    const byDeadline = (
      await queries.listCases(holder.organisationId, { sort: 'next_deadline', limit: 2 })
    ).items;
    expect(byDeadline[0]).toMatchObject({ caseId: adultCase, nextDeadline: '2026-12-09' });
    expect(byDeadline[1]!.nextDeadline).toBeNull();
    const byActivity = (await queries.listCases(holder.organisationId, { limit: 100 })).items;
    const times = byActivity.map((i) => i.lastActivity);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('refuses a cursor of another sort or a forged one', async () => {
    const page = await queries.listCases(holder.organisationId, { sort: 'reference', limit: 2 });
    await expect(
      queries.listCases(holder.organisationId, { sort: 'last_activity', cursor: page.nextCursor! }),
    ).rejects.toThrow(InvalidCursorError);
    await expect(
      queries.listCases(holder.organisationId, { cursor: 'not-a-cursor' }),
    ).rejects.toThrow(InvalidCursorError);
  });

  it('shows the detail with decrypted personal fields to the holder and to a consented referral receiver only', async () => {
    const detail = await queries.caseDetail(holder.organisationId, adultCase);
    expect(detail).toMatchObject({
      caseId: adultCase,
      reference: 'ORG-2026-00001',
      revision: 6,
      personal: {
        opening: { erased: false, value: { fullName: 'Ana Example', birthDate: '1990-04-02' } },
        identification: { erased: false, value: { text: 'worked on a building site' } },
      },
    });
    expect(detail!.facts).toMatchObject({
      profile: { sexGender: 'Masculine', birthYear: 1990, citizenships: ['UA'] },
    });
    expect(await queries.caseDetail(other.organisationId, adultCase)).toBeUndefined();
    // A pending referral to the receiver, with the person's consent naming it (rule 2).
    expect(await queries.caseDetail(receiver.organisationId, adultCase)).toMatchObject({
      caseId: adultCase,
      revision: 6,
    });
    expect(await queries.reachOf(receiver.organisationId, adultCase)).toBe('referral');
  });

  it('lists the timeline with both times, actor ids, facts and decrypted personal text', async () => {
    const timeline = await queries.timeline(holder.organisationId, adultCase);
    expect(timeline!.items.map((e) => e.type)).toEqual([
      'CaseOpened',
      'VictimIdentified',
      'ReflectionPeriodGranted',
      'CaseworkerAssigned',
      'ConsentGiven',
      'CaseReferred',
      'NoteAdded',
    ]);
    const note = timeline!.items[6]!;
    expect(note).toMatchObject({
      revision: 6,
      actorId: holder.caseworker.userId,
      personal: { erased: false, value: { text: 'called back' } },
    });
    expect(Date.parse(note.occurredAt)).not.toBeNaN();
    expect(Date.parse(note.recordedAt)).not.toBeNaN();
    expect(timeline!.items[3]).toMatchObject({ facts: { caseworkerId: holder.caseworker.userId } });
    expect(timeline!.items[3]!.personal).toBeUndefined();
    const page = await queries.timeline(holder.organisationId, adultCase, { limit: 4 });
    expect(page!.items).toHaveLength(4);
    expect(page!.nextAfterRevision).toBe(3);
    const rest = await queries.timeline(holder.organisationId, adultCase, { afterRevision: 3n });
    expect(rest!.items.map((e) => e.revision)).toEqual([4, 5, 6]);
    expect(await queries.timeline(other.organisationId, adultCase)).toBeUndefined();
  });

  it('lists referrals out (with the case reference) and in (case id only while consent is live)', async () => {
    const out = await queries.referrals(holder.organisationId, 'out');
    expect(out.items).toEqual([
      expect.objectContaining({
        referralId,
        caseId: adultCase,
        caseReference: 'ORG-2026-00001',
        status: 'pending',
        service: 'Accommodation',
      }),
    ]);
    const incoming = await queries.referrals(receiver.organisationId, 'in');
    expect(incoming.items).toHaveLength(1);
    expect(incoming.items[0]).toMatchObject({
      referralId,
      caseId: adultCase,
      fromOrganisationId: holder.organisationId,
    });
    expect(incoming.items[0]).not.toHaveProperty('caseReference');
    expect((await queries.referrals(receiver.organisationId, 'out')).items).toEqual([]);

    await h.writer.run(adultCase, {
      type: 'AcceptReferral',
      actor: receiver.caseworker,
      referralId,
    });
    await h.writer.run(adultCase, {
      type: 'WithdrawConsent',
      actor: holder.caseworker,
      purpose: 'referral',
      receivingOrganisationId: receiver.organisationId,
    });
    await project(h);
    const after = await queries.referrals(receiver.organisationId, 'in');
    expect(after.items[0]).toMatchObject({ referralId, caseId: null });
    expect(after.items[0]!.answeredAt).not.toBeNull();
    const [row] = await h.ds.query(
      `SELECT status, consent_live FROM case_referrals WHERE referral_id = $1`,
      [referralId],
    );
    expect(row.consent_live).toBe(false);
  });

  it('shows the case as of a past recorded time, folded from the stream', async () => {
    const caseId = await h.writer.open(holder.caseworker, {
      sequence: 50,
      birthDate: '1991-01-01',
    });
    await new Promise((r) => setTimeout(r, 30));
    const between = new Date();
    await new Promise((r) => setTimeout(r, 30));
    await h.writer.run(caseId, {
      type: 'AssignCaseworker',
      actor: holder.supervisor,
      caseworkerId: caseworkerB,
    });
    await project(h);
    const then = await queries.asOf(holder.organisationId, caseId, between);
    expect(then).toMatchObject({
      caseId,
      revision: 0,
      events: 1,
      state: { lifecycle: 'open', caseReference: 'ORG-2026-00050' },
    });
    expect(then!.state.caseworkerId).toBeUndefined();
    const now = await queries.asOf(holder.organisationId, caseId, new Date());
    expect(now).toMatchObject({ revision: 1, state: { caseworkerId: caseworkerB } });
    const before = await queries.asOf(
      holder.organisationId,
      caseId,
      new Date('2020-01-01T00:00:00Z'),
    );
    expect(before).toMatchObject({ revision: null, events: 0, state: { lifecycle: 'not_opened' } });
    expect(await queries.asOf(other.organisationId, caseId, new Date())).toBeUndefined();
  });

  it('reads as erased after the personal data is erased (key shredded, ciphertexts dropped)', async () => {
    const caseId = await h.writer.open(holder.caseworker, {
      sequence: 60,
      birthDate: '1992-02-02',
      fullName: 'Erased Person',
    });
    await h.writer.run(caseId, {
      type: 'AddNote',
      actor: holder.caseworker,
      noteId: randomUUID(),
      personal: { text: 'secret note' },
    });
    await project(h);
    expect(
      (await queries.caseDetail(holder.organisationId, caseId))!.personal.opening,
    ).toMatchObject({ erased: false });
    await h.writer.run(caseId, {
      type: 'ErasePersonalData',
      actor: holder.supervisor,
      erasureRequestId: randomUUID(),
    });
    await h.cipher.destroyCaseKey(caseId);
    await project(h);
    const detail = await queries.caseDetail(holder.organisationId, caseId);
    expect(detail).toMatchObject({
      erased: true,
      personal: { opening: { erased: true } },
      facts: { profile: { birthYear: 1992 } },
    });
    const timeline = await queries.timeline(holder.organisationId, caseId);
    expect(timeline!.items.map((e) => e.personal)).toEqual([
      { erased: true },
      { erased: true },
      undefined,
    ]);
    const [{ n }] = await h.ds.query(
      `SELECT count(*)::int AS n FROM case_timeline WHERE case_id = $1 AND sealed_personal IS NOT NULL`,
      [caseId],
    );
    expect(n).toBe(0);
  });
});
