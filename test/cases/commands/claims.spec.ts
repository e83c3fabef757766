import { randomUUID } from 'node:crypto';
import {
  commandsAppPerSuite,
  eventCount,
  openCase,
  openCaseBody,
  legalServiceWithStaff,
  organisationWithStaff,
  type TestUser,
  type OrganisationWithStaff,
} from './support';
import { caseStreamId } from '@remedy/case-stream';

/**
 * Compensation claims over HTTP (rule 5): filing to money received, through the case command
 * pipeline on PostgreSQL. Domain refusals answer 422 naming the rule, invalid bodies 400 naming the
 * fields, organisations without legal aid access 404, and free text is sealed before it is stored.
 */
describe('compensation claims (HTTP, PostgreSQL)', () => {
  const api = commandsAppPerSuite();
  let holder: OrganisationWithStaff;
  let legal: OrganisationWithStaff;
  let otherLegal: OrganisationWithStaff;

  const fileBody = (overrides: Record<string, unknown> = {}) => ({
    avenue: 'LabourOrEmploymentTribunal',
    respondentKind: 'Employer',
    currency: 'EUR',
    claimed: { UnpaidWages: 1_200_000, MoralDamage: 300_000 },
    filedOn: '2026-01-10',
    filingDeadline: '2026-03-31',
    ...overrides,
  });

  const ok = async (user: TestUser, path: string, body: object = {}) => {
    const res = await api.post(user, path, body);
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
    return res.json();
  };

  /** A case of the holder with legal aid access granted to `legal`. */
  const caseWithLegalAid = async () => {
    const { caseId } = await openCase(api, holder.caseworker);
    const c = `/cases/${caseId}`;
    await ok(holder.caseworker, `${c}/consents`, {
      purpose: 'legal_aid_access',
      receivingOrganisationId: legal.organisationId,
      obtainedInLanguage: 'en',
      interpreterUsed: false,
    });
    await ok(holder.caseworker, `${c}/legal-aid-access`, {
      legalAidOrganisationId: legal.organisationId,
    });
    return { caseId, c };
  };

  const storedEvents = async (caseId: string) =>
    (
      await api.pool.query(
        `SELECT event_type, data FROM events WHERE stream_id = $1 ORDER BY stream_revision`,
        [caseStreamId(caseId)],
      )
    ).rows as { event_type: string; data: Record<string, unknown> }[];

  beforeAll(async () => {
    const admin = await api.user(['admin']);
    holder = await organisationWithStaff(api, admin);
    legal = await legalServiceWithStaff(api, admin);
    otherLegal = await legalServiceWithStaff(api, admin);
  });

  it('a legal aid lawyer follows a claim from filing to money received', async () => {
    const { caseId, c } = await caseWithLegalAid();
    const lawyer = legal.legalAid;
    const filed = await ok(lawyer, `${c}/claims`, fileBody());
    expect(filed).toMatchObject({ caseId });
    expect(filed.claimId).toMatch(/^[0-9a-f-]{36}$/);
    const k = `${c}/claims/${filed.claimId}`;

    await ok(lawyer, `${k}/legal-representative`, { legalRepresentativeId: lawyer.userId });
    const hearing = await ok(lawyer, `${k}/hearings`, { hearingOn: '2027-03-01' });
    expect(hearing.hearingId).toMatch(/^[0-9a-f-]{36}$/);
    await ok(lawyer, `${k}/decision`, {
      outcome: 'partly_awarded',
      awarded: { UnpaidWages: 1_000_000 },
      currency: 'EUR',
      decidedOn: '2026-02-10',
      paymentDueOn: '2026-03-10',
    });
    await ok(lawyer, `${k}/appeal`, { appealedBy: 'claimant', appealedOn: '2026-02-20' });
    await ok(lawyer, `${k}/decision`, {
      outcome: 'awarded',
      awarded: { UnpaidWages: 1_200_000, MoralDamage: 300_000 },
      currency: 'EUR',
      decidedOn: '2026-04-01',
      paymentDueOn: '2026-05-01',
    });
    await ok(lawyer, `${k}/final`, { finalOn: '2026-05-02' });
    const first = await ok(lawyer, `${k}/payments`, {
      amount: 500_000,
      currency: 'EUR',
      receivedOn: '2026-05-03',
      nextPaymentDueOn: '2026-06-03',
    });
    expect(first.paymentId).toMatch(/^[0-9a-f-]{36}$/);
    await ok(lawyer, `${k}/payments`, {
      amount: 100_000,
      currency: 'USD',
      exchangeRate: '0.9215',
      convertedAmount: 92_150,
      receivedOn: '2026-06-03',
    });
    await ok(lawyer, `${k}/enforcement`, { startedOn: '2026-07-01' });
    const closed = await api.post(holder.caseworker, `${k}/closure`, {
      outcome: 'partly_paid_abandoned',
      closedOn: '2026-08-01',
    });
    expect(closed.statusCode).toBe(200);
    expect(closed.headers.etag).toBe(`"${closed.json().revision}"`);

    const events = await storedEvents(caseId);
    const claimEvents = events.filter((e) => e.data.claimId === filed.claimId);
    expect(claimEvents.map((e) => e.event_type)).toEqual([
      'CompensationClaimFiled',
      'ClaimLegalRepresentativeRecorded',
      'ClaimHearingScheduled',
      'ClaimDecided',
      'ClaimAppealed',
      'ClaimDecided',
      'ClaimDecisionBecameFinal',
      'ClaimPaymentReceived',
      'ClaimPaymentReceived',
      'ClaimEnforcementStarted',
      'ClaimClosed',
    ]);
    expect(claimEvents[0]!.data).toMatchObject({
      organisationId: legal.organisationId,
      actorId: lawyer.userId,
      avenue: 'LabourOrEmploymentTribunal',
      respondentKind: 'Employer',
      currency: 'EUR',
      claimed: { UnpaidWages: 1_200_000, MoralDamage: 300_000 },
      claimedTotal: 1_500_000,
      filedOn: '2026-01-10',
      filingDeadline: '2026-03-31',
      filedLate: false,
    });
    expect(Object.keys(claimEvents[0]!.data.claimed as object).sort()).toEqual([
      'MoralDamage',
      'UnpaidWages',
    ]);
    expect(claimEvents[2]!.data).toMatchObject({
      hearingId: hearing.hearingId,
      hearingOn: '2027-03-01',
    });
    expect(claimEvents[5]!.data).toMatchObject({
      instance: 'appeal',
      outcome: 'awarded',
      awardedTotal: 1_500_000,
      paymentDueOn: '2026-05-01',
    });
    expect(claimEvents[8]!.data).toMatchObject({
      amount: 92_150,
      currency: 'EUR',
      original: { amount: 100_000, currency: 'USD', exchangeRate: '0.9215' },
      paidTotal: 592_150,
      aboveAward: false,
    });
    expect(claimEvents[10]!.data).toMatchObject({
      outcome: 'partly_paid_abandoned',
      awardedTotal: 1_500_000,
      paidTotal: 592_150,
      actorId: holder.caseworker.userId,
    });
  });

  it('created ids derive from the Idempotency-Key: a retry gets the same claim and appends nothing', async () => {
    const { c } = await caseWithLegalAid();
    const headers = { 'idempotency-key': `claim-${randomUUID()}` };
    const first = await api.post(legal.legalAid, `${c}/claims`, fileBody(), headers);
    expect(first.statusCode).toBe(200);
    const before = await eventCount(api);
    const retry = await api.post(legal.legalAid, `${c}/claims`, fileBody(), headers);
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().claimId).toBe(first.json().claimId);
    expect(await eventCount(api)).toBe(before);
  });

  it('answers 422 naming the rule for impossible transitions and broken rules', async () => {
    const { c } = await caseWithLegalAid();
    const cw = holder.caseworker;
    const rule = async (path: string, body: object, user: TestUser = cw) => {
      const res = await api.post(user, path, body);
      return { status: res.statusCode, rule: res.json().rule };
    };
    expect(
      await rule(`${c}/claims`, fileBody({ filedOn: '2026-04-01', filingDeadline: '2026-03-31' })),
    ).toEqual({ status: 422, rule: 'RULE_5_LATE_FILING_REASON_REQUIRED' });
    const { claimId } = await ok(cw, `${c}/claims`, fileBody());
    const k = `${c}/claims/${claimId}`;
    expect(await rule(`${k}/payments`, { amount: 1, currency: 'EUR' })).toEqual({
      status: 422,
      rule: 'CLAIM_NOT_DECIDED',
    });
    expect(await rule(`${k}/appeal`, { appealedBy: 'respondent' })).toEqual({
      status: 422,
      rule: 'CLAIM_NOT_DECIDED',
    });
    expect(
      await rule(`${k}/decision`, {
        outcome: 'awarded',
        awarded: { UnpaidWages: 1 },
        currency: 'USD',
      }),
    ).toEqual({ status: 422, rule: 'CLAIM_CURRENCY_MISMATCH' });
    expect(
      await rule(`${k}/decision`, {
        outcome: 'rejected',
        awarded: { UnpaidWages: 1 },
        currency: 'EUR',
      }),
    ).toEqual({
      status: 422,
      rule: 'CLAIM_AWARD_INCONSISTENT_WITH_OUTCOME',
    });
    await ok(cw, `${k}/decision`, {
      outcome: 'partly_awarded',
      awarded: { UnpaidWages: 1_000 },
      currency: 'EUR',
    });
    expect(await rule(`${k}/enforcement`, {})).toEqual({ status: 422, rule: 'CLAIM_NOT_FINAL' });
    expect(await rule(`${k}/payments`, { amount: 1_001, currency: 'EUR' })).toEqual({
      status: 422,
      rule: 'RULE_5_PAYMENT_ABOVE_AWARD_REASON_REQUIRED',
    });
    expect(await rule(`${k}/payments`, { amount: 100, currency: 'USD' })).toEqual({
      status: 422,
      rule: 'CLAIM_CURRENCY_MISMATCH',
    });
    expect(
      await rule(`${k}/payments`, {
        amount: 100,
        currency: 'USD',
        exchangeRate: '0.9',
        convertedAmount: 91,
      }),
    ).toEqual({ status: 422, rule: 'CLAIM_CONVERSION_MISMATCH' });
    expect(await rule(`${k}/closure`, { outcome: 'fully_paid' })).toEqual({
      status: 422,
      rule: 'CLAIM_NOT_FULLY_PAID',
    });
    expect(
      await rule(`${k}/payments`, { amount: 1, currency: 'EUR', receivedOn: '2999-01-01' }),
    ).toEqual({
      status: 422,
      rule: 'INVALID_INPUT',
    });
    await ok(cw, `${k}/closure`, { outcome: 'unenforceable' });
    expect(await rule(`${k}/payments`, { amount: 1, currency: 'EUR' })).toEqual({
      status: 422,
      rule: 'CLAIM_CLOSED',
    });
    expect(await rule(`${c}/claims/${randomUUID()}/final`, {})).toEqual({
      status: 422,
      rule: 'CLAIM_NOT_FOUND',
    });

    // A child's claim needs a guardian or a legal representative (rule 3).
    const child = await openCase(
      api,
      cw,
      openCaseBody({ personal: { fullName: 'A Child', birthDate: '2014-02-03' } }),
    );
    expect(await rule(`/cases/${child.caseId}/claims`, fileBody())).toEqual({
      status: 422,
      rule: 'RULE_3_CHILD_CLAIM_NEEDS_REPRESENTATIVE',
    });
    expect(
      (
        await api.post(
          cw,
          `/cases/${child.caseId}/claims`,
          fileBody({ legalRepresentativeId: legal.legalAid.userId }),
        )
      ).statusCode,
    ).toBe(200);
  });

  it('answers 400 naming the fields of an invalid body, and appends nothing', async () => {
    const { c } = await caseWithLegalAid();
    const cw = holder.caseworker;
    const { claimId } = await ok(cw, `${c}/claims`, fileBody());
    const k = `${c}/claims/${claimId}`;
    const before = await eventCount(api);
    const fields = async (path: string, body: object) => {
      const res = await api.post(cw, path, body);
      expect({ path, status: res.statusCode }).toEqual({ path, status: 400 });
      return (res.json().fields as { name: string; reason: string }[]).map((f) => f.name);
    };
    expect(
      await fields(`${c}/claims`, fileBody({ claimed: { UnpaidWages: 10.5, Revenge: 1 } })),
    ).toEqual(expect.arrayContaining(['claimed.UnpaidWages', 'claimed.Revenge']));
    expect(await fields(`${c}/claims`, fileBody({ currency: 'EURO', avenue: 'Court' }))).toEqual(
      expect.arrayContaining(['currency', 'avenue']),
    );
    expect(await fields(`${c}/claims`, fileBody({ respondentKind: undefined }))).toContain(
      'respondentKind',
    );
    expect(await fields(`${c}/claims`, fileBody({ filingDeadline: '2026-02-30' }))).toContain(
      'filingDeadline',
    );
    expect(await fields(`${c}/claims`, fileBody({ claimed: [1] }))).toContain('claimed');
    expect(await fields(`${k}/decision`, { outcome: 'won', currency: 'EUR' })).toEqual(
      expect.arrayContaining(['outcome', 'awarded']),
    );
    expect(
      await fields(`${k}/payments`, { amount: 0, currency: 'EUR', exchangeRate: 0.9 }),
    ).toEqual(expect.arrayContaining(['amount', 'exchangeRate']));
    expect(await fields(`${k}/payments`, { amount: '100', currency: 'EUR' })).toContain('amount');
    expect(
      await fields(`${k}/payments`, { amount: 1, currency: 'EUR', personal: { iban: 'x' } }),
    ).toContain('personal.iban');
    expect(await fields(`${k}/closure`, { outcome: 'settled' })).toContain('outcome');
    expect(await fields(`${k}/hearings`, {})).toContain('hearingOn');
    expect(await fields(`${k}/legal-representative`, { legalRepresentativeId: 'me' })).toContain(
      'legalRepresentativeId',
    );
    expect((await api.post(cw, `${c}/claims/not-a-uuid/final`, {})).statusCode).toBe(400);
    expect(await eventCount(api)).toBe(before);
  });

  it('a lawyer whose organisation has legal aid access files; one without gets 404; other roles 403', async () => {
    const { c } = await caseWithLegalAid();
    expect((await api.post(legal.legalAid, `${c}/claims`, fileBody())).statusCode).toBe(200);
    expect((await api.post(otherLegal.legalAid, `${c}/claims`, fileBody())).statusCode).toBe(404);
    expect((await api.post(holder.rapporteur, `${c}/claims`, fileBody())).statusCode).toBe(403);
    const before = await eventCount(api);
    await ok(holder.caseworker, `${c}/legal-aid-access/revoke`, {
      legalAidOrganisationId: legal.organisationId,
    });
    expect(await eventCount(api)).toBe(before + 1);
    expect((await api.post(legal.legalAid, `${c}/claims`, fileBody())).statusCode).toBe(404);
    expect(await eventCount(api)).toBe(before + 1);
  });

  it('seals free text (notes, late-filing and above-award reasons); amounts, dates and codes stay readable', async () => {
    const tag = randomUUID().slice(0, 8);
    const marker = (what: string) => `CLAIMMARK${what}${tag}`;
    const { caseId, c } = await caseWithLegalAid();
    const lawyer = legal.legalAid;
    const { claimId } = await ok(
      lawyer,
      `${c}/claims`,
      fileBody({
        filedOn: '2026-04-02',
        filingDeadline: '2026-04-01',
        personal: { text: marker('FILE'), lateFilingReason: marker('LATE') },
      }),
    );
    const k = `${c}/claims/${claimId}`;
    await ok(lawyer, `${k}/hearings`, {
      hearingOn: '2027-01-01',
      personal: { text: marker('HEARING') },
    });
    await ok(lawyer, `${k}/decision`, {
      outcome: 'awarded',
      awarded: { UnpaidWages: 40_000 },
      currency: 'EUR',
      personal: { text: marker('DECISION') },
    });
    await ok(lawyer, `${k}/appeal`, {
      appealedBy: 'respondent',
      personal: { text: marker('APPEAL') },
    });
    await ok(lawyer, `${k}/decision`, {
      outcome: 'awarded',
      awarded: { UnpaidWages: 40_000 },
      currency: 'EUR',
    });
    await ok(lawyer, `${k}/final`);
    await ok(lawyer, `${k}/enforcement`, { personal: { text: marker('ENFORCE') } });
    await ok(lawyer, `${k}/payments`, {
      amount: 50_000,
      currency: 'EUR',
      personal: { text: marker('PAY'), aboveAwardReason: marker('ABOVE') },
    });
    await ok(lawyer, `${k}/closure`, {
      outcome: 'fully_paid',
      personal: { text: marker('CLOSE') },
    });

    const { rows } = await api.pool.query(
      `SELECT data::text AS data, metadata::text AS metadata FROM events WHERE stream_id = $1`,
      [caseStreamId(caseId)],
    );
    const stored = rows
      .map((r: { data: string; metadata: string }) => `${r.data}\n${r.metadata}`)
      .join('\n');
    for (const what of [
      'FILE',
      'LATE',
      'HEARING',
      'DECISION',
      'APPEAL',
      'ENFORCE',
      'PAY',
      'ABOVE',
      'CLOSE',
    ])
      expect({ what, found: stored.includes(marker(what)) }).toEqual({ what, found: false });
    expect(stored).toContain('"sealed"');
    const events = await storedEvents(caseId);
    const payment = events.find((e) => e.event_type === 'ClaimPaymentReceived')!;
    expect(payment.data).toMatchObject({
      amount: 50_000,
      paidTotal: 50_000,
      aboveAward: true,
      personal: { sealed: expect.any(String) },
    });
    expect(events.find((e) => e.event_type === 'CompensationClaimFiled')!.data).toMatchObject({
      filedLate: true,
      claimedTotal: 1_500_000,
      personal: { sealed: expect.any(String) },
    });
  });
});
