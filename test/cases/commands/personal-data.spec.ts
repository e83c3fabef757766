import { randomUUID } from 'node:crypto';
import { commandsAppPerSuite, legalServiceWithStaff, organisationWithStaff } from './support';

/**
 * Every case command endpoint, walked through a whole case with personal values made of unique
 * markers; then the raw `events` table (data and metadata) and the command side's own tables are
 * searched for them: none may appear in clear.
 */
describe('personal data is sealed before it is stored (HTTP, PostgreSQL)', () => {
  const api = commandsAppPerSuite();
  const tag = randomUUID().slice(0, 8);
  const marker = (what: string) => `MARK${what}${tag}`;
  const birthDate = '1993-07-19';
  const childBirthDate = '2015-03-09';
  const markers = [
    marker('NAME'),
    marker('ALIAS'),
    marker('DOCNUM'),
    marker('PHONE'),
    marker('ADDRESS'),
    marker('SHELTER'),
    marker('OPENNOTES'),
    marker('STATUS'),
    marker('NOTE'),
    marker('NEEDS'),
    marker('PLAN'),
    marker('ASSIST'),
    marker('REFER'),
    marker('DECLINE'),
    marker('GUARDIAN'),
    marker('GUARDIANPHONE'),
    marker('BIA'),
    marker('REMEDY'),
    marker('FLAG'),
    marker('RESOLVE'),
    marker('CLOSE'),
    marker('APPROVE'),
    marker('REOPEN'),
    marker('CORRECT'),
    marker('MINOR'),
    marker('CLAIM'),
    marker('LATEFILING'),
    marker('HEARING'),
    marker('AWARD'),
    marker('ABOVEAWARD'),
    marker('CLAIMCLOSED'),
    birthDate,
    childBirthDate,
    '2020-05-04',
  ];

  it('accepts every command with personal fields, and stores none of them in clear', async () => {
    const admin = await api.user(['admin']);
    const holder = await organisationWithStaff(api, admin);
    const receiver = await organisationWithStaff(api, admin);
    const legal = await legalServiceWithStaff(api, admin);
    const cw = holder.caseworker;
    const sup = holder.supervisor;
    const ok = async (user: typeof cw, path: string, body: object = {}) => {
      const res = await api.post(user, path, body);
      if (res.statusCode >= 300) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
      return res.json();
    };

    const opened = await api.post(cw, '/cases', {
      referralSource: 'NGO',
      profile: {
        sexGender: 'Feminine',
        ageUncertain: false,
        citizenships: ['NG'],
        languages: ['en'],
      },
      personal: {
        fullName: marker('NAME'),
        aliases: [marker('ALIAS')],
        birthDate,
        identityDocuments: [{ kind: 'passport', number: marker('DOCNUM') }],
        contacts: [marker('PHONE')],
        addresses: [marker('ADDRESS')],
        shelterLocation: marker('SHELTER'),
        notes: marker('OPENNOTES'),
      },
    });
    expect(opened.statusCode).toBe(201);
    const c = `/cases/${opened.json().caseId}`;

    await ok(cw, `${c}/victim-status`, {
      status: 'ActualVictimOfTrafficking',
      decidingBody: 'NGO',
      decidedOn: '2026-01-05',
      formsOfExploitation: ['SexualExploitation'],
      sectors: [],
      countriesOfRecruitment: ['NG'],
      countriesOfTransit: ['LY', 'IT'],
      countriesOfExploitation: ['AT'],
      meansOfControl: ['DebtBondage'],
      exploitationFromYear: 2020,
      personal: { text: marker('STATUS'), exploitationStartedOn: '2020-05-04' },
    });
    await ok(cw, `${c}/reflection-period`, { days: 60 });
    await ok(cw, `${c}/consents`, {
      purpose: 'assistance',
      obtainedInLanguage: 'en',
      interpreterUsed: true,
    });
    await ok(cw, `${c}/needs-assessments`, {
      needs: ['Accommodation', 'Psychological'],
      personal: { text: marker('NEEDS') },
    });
    await ok(cw, `${c}/support-plans`, {
      plannedAssistance: ['Accommodation'],
      reviewOn: '2026-12-01',
      personal: { text: marker('PLAN') },
    });
    await ok(cw, `${c}/assistance`, {
      assistanceType: 'Accommodation',
      personal: { text: marker('ASSIST') },
    });
    await ok(cw, `${c}/statistical-use-objection`);
    await ok(cw, `${c}/statistical-use-objection/withdraw`);
    await ok(cw, `${c}/law-enforcement-cooperation`, { cooperation: 'declined' });

    await ok(cw, `${c}/consents`, {
      purpose: 'referral',
      receivingOrganisationId: receiver.organisationId,
      obtainedInLanguage: 'en',
      interpreterUsed: false,
    });
    const r1 = await ok(cw, `${c}/referrals`, {
      toOrganisationId: receiver.organisationId,
      service: 'Accommodation',
      personal: { text: marker('REFER') },
    });
    await ok(receiver.caseworker, `${c}/referrals/${r1.referralId}/decline`, {
      personal: { text: marker('DECLINE') },
    });
    const r2 = await ok(cw, `${c}/referrals`, {
      toOrganisationId: receiver.organisationId,
      service: 'LegalCounselling',
    });
    await ok(cw, `${c}/referrals/${r2.referralId}/revoke`, { personal: { text: marker('REFER') } });
    const r3 = await ok(cw, `${c}/referrals`, {
      toOrganisationId: receiver.organisationId,
      service: 'Psychological',
    });
    await ok(receiver.caseworker, `${c}/referrals/${r3.referralId}/accept`);
    await ok(receiver.caseworker, `${c}/referrals/${r3.referralId}/complete`);
    await ok(cw, `${c}/consents/withdraw`, {
      purpose: 'referral',
      receivingOrganisationId: receiver.organisationId,
    });

    await ok(cw, `${c}/consents`, {
      purpose: 'legal_aid_access',
      receivingOrganisationId: legal.organisationId,
      obtainedInLanguage: 'en',
      interpreterUsed: false,
    });
    await ok(cw, `${c}/legal-aid-access`, { legalAidOrganisationId: legal.organisationId });
    const remedy = await ok(legal.legalAid, `${c}/remedies`, {
      remedyType: 'Compensation',
      avenue: 'CivilClaim',
      personal: { text: marker('REMEDY') },
    });
    expect(remedy.remedyId).toBeDefined();
    const claim = await ok(legal.legalAid, `${c}/claims`, {
      remedyId: remedy.remedyId,
      avenue: 'CivilClaim',
      respondentKind: 'Trafficker',
      currency: 'EUR',
      claimed: { MoralDamage: 500_000 },
      filedOn: '2026-02-02',
      filingDeadline: '2026-02-01',
      personal: { text: marker('CLAIM'), lateFilingReason: marker('LATEFILING') },
    });
    const cl = `${c}/claims/${claim.claimId}`;
    await ok(legal.legalAid, `${cl}/hearings`, {
      hearingOn: '2027-02-02',
      personal: { text: marker('HEARING') },
    });
    await ok(legal.legalAid, `${cl}/decision`, {
      outcome: 'awarded',
      awarded: { MoralDamage: 500_000 },
      currency: 'EUR',
      personal: { text: marker('AWARD') },
    });
    await ok(legal.legalAid, `${cl}/payments`, {
      amount: 600_000,
      currency: 'EUR',
      personal: { aboveAwardReason: marker('ABOVEAWARD') },
    });
    await ok(legal.legalAid, `${cl}/closure`, {
      outcome: 'fully_paid',
      personal: { text: marker('CLAIMCLOSED') },
    });
    await ok(cw, `${c}/legal-aid-access/revoke`, { legalAidOrganisationId: legal.organisationId });

    const flag = await ok(cw, `${c}/non-punishment-flags`, { personal: { text: marker('FLAG') } });
    await ok(cw, `${c}/non-punishment-flags/${flag.flagId}/resolve`, {
      resolution: 'charges_dropped',
      personal: { text: marker('RESOLVE') },
    });
    await ok(cw, `${c}/caseworker`, { caseworkerId: cw.userId });
    await ok(cw, `${c}/notes`, { personal: { text: marker('NOTE') } });
    await ok(cw, `${c}/corrections`, {
      correction: { fact: 'sexGender', value: 'TransgenderFeminine' },
      personal: { text: marker('CORRECT') },
    });
    await ok(cw, `${c}/corrections`, {
      correction: { fact: 'birthDate' },
      personal: { birthDate },
    });
    await ok(cw, `${c}/closure/request`, {
      reason: 'assistance_completed',
      personal: { text: marker('CLOSE') },
    });
    await ok(sup, `${c}/closure/approve`, { personal: { text: marker('APPROVE') } });
    await ok(sup, `${c}/reopen`, { personal: { text: marker('REOPEN') } });

    // A child whose age is uncertain: presumption, best interests, guardian, age verification.
    const child = await api.post(cw, '/cases', {
      referralSource: 'Hotline',
      profile: {
        sexGender: 'Masculine',
        estimatedAge: 15,
        ageUncertain: true,
        citizenships: ['UNKNOWN'],
        languages: [],
      },
      personal: {},
    });
    expect(child.statusCode).toBe(201);
    const k = `/cases/${child.json().caseId}`;
    await ok(cw, `${k}/presume-minority`, { personal: { text: marker('MINOR') } });
    await ok(sup, `${k}/best-interests-assessments`, {
      decision: 'referral',
      outcome: 'proceed',
      guardianPresent: false,
      personal: { text: marker('BIA') },
    });
    await ok(cw, `${k}/guardians`, {
      kind: 'guardian',
      personal: { name: marker('GUARDIAN'), contact: marker('GUARDIANPHONE') },
    });
    await ok(cw, `${k}/verify-age`, {
      method: 'identity_document',
      personal: { birthDate: childBirthDate },
    });
    await ok(cw, `${k}/consents`, {
      purpose: 'transfer',
      receivingOrganisationId: receiver.organisationId,
      obtainedInLanguage: 'en',
      interpreterUsed: true,
    });
    await ok(sup, `${k}/best-interests-assessments`, {
      decision: 'transfer',
      outcome: 'proceed',
      guardianPresent: true,
    });
    await ok(sup, `${k}/transfer`, {
      toOrganisationId: receiver.organisationId,
      personal: { text: marker('CLOSE') },
    });
    await ok(receiver.supervisor, `${k}/erasure`);

    const { rows } = await api.pool.query(
      `SELECT event_type, data::text AS data, metadata::text AS metadata FROM events WHERE stream_id LIKE 'case-%'`,
    );
    const types = new Set(rows.map((r: { event_type: string }) => r.event_type));
    expect(types.size).toBeGreaterThanOrEqual(30);
    const stored = rows
      .map((r: { data: string; metadata: string }) => `${r.data}\n${r.metadata}`)
      .join('\n');
    for (const m of markers)
      expect({ marker: m, found: stored.includes(m) }).toEqual({ marker: m, found: false });
    expect(stored).toContain('"sealed"');

    const sideTables = await api.pool.query(
      `SELECT (SELECT json_agg(i)::text FROM idempotency_keys i) AS a,
              (SELECT json_agg(p)::text FROM person_blind_index p) AS b,
              (SELECT json_agg(o)::text FROM organisation_directory o) AS c`,
    );
    const side = JSON.stringify(sideTables.rows[0]);
    for (const m of markers) expect(side.includes(m)).toBe(false);
  });
});
