import { randomUUID } from 'node:crypto';
import {
  createLegalAidApp,
  ok as post,
  legalServiceWithStaff,
  organisationWithStaff,
  stringsIn,
  type ApiApp,
  type OrganisationWithStaff,
} from './support';

/**
 * The legal-aid view of a case over HTTP (real PostgreSQL, real command side): who reaches it,
 * exactly what it shows, and that it shows nothing else. A case is written through every command
 * that carries personal data or facts a lawyer must not see, with unique markers.
 */
describe('legal-aid access view (HTTP, PostgreSQL)', () => {
  let api: ApiApp;
  let holder: OrganisationWithStaff;
  let receiver: OrganisationWithStaff;
  let legal: OrganisationWithStaff;
  let otherLegal: OrganisationWithStaff;
  let caseId: string;
  let reference: string;
  let body: string;
  let view: Record<string, any>;
  const tag = randomUUID().slice(0, 8);
  const marker = (what: string) => `MARK${what}${tag}`;

  /** Each hidden personal value (searched as a substring) or hidden fact (searched as an exact string value). */
  const hidden: { field: string; value: () => string; exact?: boolean }[] = [
    { field: 'aliases', value: () => marker('ALIAS') },
    { field: 'identity document number', value: () => marker('DOCNUM') },
    { field: 'identity document kind', value: () => `passport${tag}` },
    { field: 'addresses', value: () => marker('ADDRESS') },
    { field: 'shelter location', value: () => marker('SHELTER') },
    { field: 'notes taken at opening', value: () => marker('OPENNOTES') },
    { field: 'exact birth date', value: () => '1993-07-19' },
    { field: 'birth date as corrected', value: () => '1993-07-20' },
    { field: 'identification description', value: () => marker('STATUS') },
    { field: 'exploitation start date', value: () => '2020-05-04' },
    { field: 'sectors', value: () => 'T_ActivitiesOfHouseholdsAsEmployers', exact: true },
    { field: 'countries of recruitment', value: () => 'NG', exact: true },
    { field: 'countries of transit', value: () => 'LY', exact: true },
    { field: 'countries of exploitation', value: () => 'AT', exact: true },
    { field: 'means of control', value: () => 'DebtBondage', exact: true },
    { field: 'deciding body', value: () => 'CourtOrProsecution', exact: true },
    { field: 'referral source', value: () => 'Embassy', exact: true },
    { field: 'needs assessed (text)', value: () => marker('NEEDS') },
    { field: 'needs assessed (codes)', value: () => 'VocationalTraining', exact: true },
    { field: 'support plan', value: () => marker('PLAN') },
    { field: 'assistance records (text)', value: () => marker('ASSIST') },
    { field: 'assistance records (type)', value: () => 'MedicalOngoing', exact: true },
    { field: 'referral text', value: () => marker('REFER') },
    { field: 'referral service', value: () => 'FamilyTracing', exact: true },
    { field: 'referral receiving organisation', value: () => receiver.organisationId, exact: true },
    { field: 'case notes', value: () => marker('NOTE') },
    { field: 'correction text', value: () => marker('CORRECT') },
    { field: 'remedy description', value: () => marker('REMEDY') },
    { field: 'non-punishment flag description', value: () => marker('FLAG') },
    { field: 'law-enforcement cooperation', value: () => 'cooperating', exact: true },
    { field: 'consent language', value: () => 'fr', exact: true },
    { field: 'assigned caseworker', value: () => holder.caseworker.userId, exact: true },
    { field: 'holding organisation id', value: () => holder.organisationId, exact: true },
  ];

  const lawyerGet = (path = `/legal-aid/cases/${caseId}`) => api.get(legal.legalAid, path);
  /** The position of the last command (read your writes for the lists). */
  let last = '';
  const ok = async (...args: Parameters<typeof post>) => {
    const body = await post(...args);
    last = body.position;
    return body;
  };
  const fresh = () => ({ 'x-min-position': last });

  beforeAll(async () => {
    api = await createLegalAidApp();
    const admin = await api.user(['admin']);
    holder = await organisationWithStaff(api, admin);
    receiver = await organisationWithStaff(api, admin);
    legal = await legalServiceWithStaff(api, admin);
    otherLegal = await legalServiceWithStaff(api, admin);
    const cw = holder.caseworker;
    const opened = await ok(api, cw, '/cases', {
      referralSource: 'Embassy',
      profile: {
        sexGender: 'Feminine',
        ageUncertain: false,
        citizenships: ['UA', 'MD'],
        languages: ['uk', 'ru'],
      },
      personal: {
        fullName: marker('NAME'),
        aliases: [marker('ALIAS')],
        birthDate: '1993-07-19',
        identityDocuments: [{ kind: `passport${tag}`, number: marker('DOCNUM') }],
        contacts: [marker('PHONE')],
        addresses: [marker('ADDRESS')],
        shelterLocation: marker('SHELTER'),
        notes: marker('OPENNOTES'),
      },
    });
    caseId = opened.caseId;
    reference = opened.caseReference;
    const c = `/cases/${caseId}`;
    await ok(api, cw, `${c}/victim-status`, {
      status: 'ActualVictimOfTrafficking',
      decidingBody: 'CourtOrProsecution',
      decidedOn: '2026-01-05',
      formsOfExploitation: ['ForcedLabour', 'ForcedCriminality'],
      sectors: ['T_ActivitiesOfHouseholdsAsEmployers'],
      countriesOfRecruitment: ['NG'],
      countriesOfTransit: ['LY'],
      countriesOfExploitation: ['AT'],
      meansOfControl: ['DebtBondage'],
      exploitationFromYear: 2020,
      personal: { text: marker('STATUS'), exploitationStartedOn: '2020-05-04' },
    });
    await ok(api, cw, `${c}/reflection-period`, { days: 61 });
    await ok(api, cw, `${c}/consents`, {
      purpose: 'assistance',
      obtainedInLanguage: 'fr',
      interpreterUsed: true,
    });
    await ok(api, cw, `${c}/needs-assessments`, {
      needs: ['VocationalTraining'],
      personal: { text: marker('NEEDS') },
    });
    await ok(api, cw, `${c}/support-plans`, {
      plannedAssistance: ['VocationalTraining'],
      reviewOn: '2026-12-01',
      personal: { text: marker('PLAN') },
    });
    await ok(api, cw, `${c}/assistance`, {
      assistanceType: 'MedicalOngoing',
      personal: { text: marker('ASSIST') },
    });
    await ok(api, cw, `${c}/law-enforcement-cooperation`, { cooperation: 'cooperating' });
    await ok(api, cw, `${c}/consents`, {
      purpose: 'referral',
      receivingOrganisationId: receiver.organisationId,
      obtainedInLanguage: 'fr',
      interpreterUsed: false,
    });
    const referral = await ok(api, cw, `${c}/referrals`, {
      toOrganisationId: receiver.organisationId,
      service: 'FamilyTracing',
      personal: { text: marker('REFER') },
    });
    await ok(api, receiver.caseworker, `${c}/referrals/${referral.referralId}/accept`);
    await ok(api, cw, `${c}/caseworker`, { caseworkerId: cw.userId });
    await ok(api, cw, `${c}/notes`, { personal: { text: marker('NOTE') } });
    await ok(api, cw, `${c}/corrections`, {
      correction: { fact: 'sexGender', value: 'NonConforming' },
      personal: { text: marker('CORRECT') },
    });
    await ok(api, cw, `${c}/corrections`, {
      correction: { fact: 'birthDate' },
      personal: { birthDate: '1993-07-20' },
    });
    await ok(api, cw, `${c}/remedies`, {
      remedyType: 'Compensation',
      avenue: 'LabourOrEmploymentTribunal',
      personal: { text: marker('REMEDY') },
    });
    await ok(api, cw, `${c}/non-punishment-flags`, { personal: { text: marker('FLAG') } });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('is 404 before legal-aid access is granted, even with consent given (decided from the stream)', async () => {
    expect((await lawyerGet()).statusCode).toBe(404);
    await ok(api, holder.caseworker, `/cases/${caseId}/consents`, {
      purpose: 'legal_aid_access',
      receivingOrganisationId: legal.organisationId,
      obtainedInLanguage: 'uk',
      interpreterUsed: false,
    });
    expect((await lawyerGet()).statusCode).toBe(404);
    await ok(api, holder.caseworker, `/cases/${caseId}/legal-aid-access`, {
      legalAidOrganisationId: legal.organisationId,
    });
    // The lawyer's next request reaches the case (decided from the stream); X-Min-Position makes
    // the content include every write made so far.
    const res = await api.get(legal.legalAid, `/legal-aid/cases/${caseId}`, fresh());
    expect(res.statusCode).toBe(200);
    body = res.body;
    view = res.json();
  });

  it('shows exactly the listed fields, personal ones decrypted', () => {
    expect(Object.keys(view).sort()).toEqual(
      [
        'access',
        'caseId',
        'claims',
        'identification',
        'nonPunishmentFlags',
        'person',
        'profile',
        'reference',
        'remedies',
        'revision',
        'totals',
      ].sort(),
    );
    expect(view.caseId).toBe(caseId);
    expect(view.reference).toBe(reference);
    expect(view.access).toBe('legal_aid');
    expect(view.person).toEqual({
      erased: false,
      fullName: marker('NAME'),
      contacts: [marker('PHONE')],
    });
    expect(view.profile).toEqual({
      sexGender: 'NonConforming',
      ageGroup: { category: 'adult', bracket: '25-34' },
      citizenships: ['UA', 'MD'],
      languages: ['uk', 'ru'],
    });
    expect(view.identification).toEqual({
      status: 'ActualVictimOfTrafficking',
      formsOfExploitation: ['ForcedLabour', 'ForcedCriminality'],
    });
    expect(view.nonPunishmentFlags).toEqual([
      { flagId: expect.any(String), status: 'raised', raisedAt: expect.any(String) },
    ]);
    expect(view.remedies).toEqual([
      {
        remedyId: expect.any(String),
        remedyType: 'Compensation',
        avenue: 'LabourOrEmploymentTribunal',
        soughtAt: expect.any(String),
      },
    ]);
  });

  it.each(hidden.map((h) => [h.field, h] as const))('never shows %s', (_field, h) => {
    const value = h.value();
    if (h.exact) expect(stringsIn(view)).not.toContain(value);
    else expect(body.includes(value)).toBe(false);
  });

  it('holds no hidden personal value in clear in its table', async () => {
    const { rows } = await api.pool.query(
      `SELECT row_to_json(c)::text AS row FROM legal_aid_cases c WHERE case_id = $1`,
      [caseId],
    );
    const stored = rows[0].row as string;
    for (const h of hidden.filter((x) => !x.exact))
      expect({ field: h.field, stored: stored.includes(h.value()) }).toEqual({
        field: h.field,
        stored: false,
      });
    expect(stored.includes(marker('NAME'))).toBe(false);
    expect(stored.includes(marker('PHONE'))).toBe(false);
  });

  it('answers 401 without a token, 403 to rapporteurs and administrators, 404 to other organisations and unknown ids', async () => {
    expect(
      (await api.request(undefined, { method: 'GET', url: `/legal-aid/cases/${caseId}` }))
        .statusCode,
    ).toBe(401);
    expect((await api.get(legal.rapporteur, `/legal-aid/cases/${caseId}`)).statusCode).toBe(403);
    expect((await api.get(holder.admin, `/legal-aid/cases/${caseId}`)).statusCode).toBe(403);
    expect((await api.get(otherLegal.legalAid, `/legal-aid/cases/${caseId}`)).statusCode).toBe(404);
    // A referral gives the receiver the case, not the legal-aid view.
    expect((await api.get(receiver.caseworker, `/legal-aid/cases/${caseId}`)).statusCode).toBe(404);
    expect((await api.get(legal.legalAid, `/legal-aid/cases/${randomUUID()}`)).statusCode).toBe(
      404,
    );
    expect((await api.get(legal.legalAid, `/legal-aid/cases/not%20an%20id`)).statusCode).toBe(404);
  });

  it('claim routes: 403 for rapporteurs, 400 naming the field for bad filters', async () => {
    for (const path of [
      '/legal-aid/claims',
      '/legal-aid/portfolio',
      '/legal-aid/deadlines',
      '/legal-aid/outcomes',
    ]) {
      expect((await api.get(legal.rapporteur, path)).statusCode).toBe(403);
      expect((await api.get(legal.legalAid, path)).statusCode).toBe(200);
    }
    const cases: [string, string][] = [
      ['/legal-aid/claims?representative=someone', 'representative'],
      ['/legal-aid/claims?status=won', 'status'],
      ['/legal-aid/claims?avenue=Court', 'avenue'],
      ['/legal-aid/claims?caseId=42', 'caseId'],
      ['/legal-aid/claims?limit=501', 'limit'],
      ['/legal-aid/deadlines?days=367', 'days'],
      ['/legal-aid/deadlines?days=-1', 'days'],
      ['/legal-aid/portfolio?representative=1', 'representative'],
    ];
    for (const [path, field] of cases) {
      const res = await api.get(legal.legalAid, path);
      expect({ path, status: res.statusCode }).toEqual({ path, status: 400 });
      expect(res.json().fields).toEqual([expect.objectContaining({ name: field })]);
    }
  });

  it('serves the holding organisation too (its caseworkers read the claims of their cases)', async () => {
    const res = await api.get(holder.supervisor, `/legal-aid/cases/${caseId}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().access).toBe('holder');
    const list = await api.get(holder.caseworker, '/legal-aid/cases', fresh());
    expect(list.json().items.map((i: { caseId: string }) => i.caseId)).toContain(caseId);
  });

  it('lists the case for the lawyer while access is live', async () => {
    const list = await api.get(legal.legalAid, '/legal-aid/cases', fresh());
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([
      { caseId, reference, access: 'legal_aid', identificationStatus: 'ActualVictimOfTrafficking' },
    ]);
    expect((await api.get(otherLegal.legalAid, '/legal-aid/cases', fresh())).json().items).toEqual(
      [],
    );
  });

  it('withdrawing the legal-aid consent cuts the lawyer off on the very next request (404, and gone from lists)', async () => {
    await ok(api, holder.caseworker, `/cases/${caseId}/consents/withdraw`, {
      purpose: 'legal_aid_access',
      receivingOrganisationId: legal.organisationId,
    });
    expect((await lawyerGet()).statusCode).toBe(404);
    expect((await api.get(legal.legalAid, '/legal-aid/cases')).json().items).toEqual([]);
  });

  it('a new consent and grant restore access; the holder revoking it cuts it again', async () => {
    await ok(api, holder.caseworker, `/cases/${caseId}/consents`, {
      purpose: 'legal_aid_access',
      receivingOrganisationId: legal.organisationId,
      obtainedInLanguage: 'uk',
      interpreterUsed: true,
    });
    await ok(api, holder.caseworker, `/cases/${caseId}/legal-aid-access`, {
      legalAidOrganisationId: legal.organisationId,
    });
    expect((await lawyerGet()).statusCode).toBe(200);
    await ok(api, holder.supervisor, `/cases/${caseId}/legal-aid-access/revoke`, {
      legalAidOrganisationId: legal.organisationId,
    });
    expect((await lawyerGet()).statusCode).toBe(404);
    expect((await api.get(legal.legalAid, '/legal-aid/cases')).json().items).toEqual([]);
  });

  it('after erasure the person reads as erased; the coarse facts remain', async () => {
    await ok(api, holder.supervisor, `/cases/${caseId}/erasure`);
    const res = await api.get(holder.caseworker, `/legal-aid/cases/${caseId}`, fresh());
    expect(res.statusCode).toBe(200);
    expect(res.json().person).toEqual({ erased: true });
    expect(res.json().identification.status).toBe('ActualVictimOfTrafficking');
    const { rows } = await api.pool.query(
      `SELECT sealed_opening FROM legal_aid_cases WHERE case_id = $1`,
      [caseId],
    );
    expect(rows[0].sealed_opening).toBeNull();
  });
});
