import { AuditModule } from '@remedy/audit';
import {
  createLegalAidApp,
  ok,
  openCase,
  legalServiceWithStaff,
  organisationWithStaff,
  type ApiApp,
  type TestUser,
  type OrganisationWithStaff,
} from '../legal-aid/support';

/**
 * The legal-aid view is personal data too (name, contacts, claims): each read of it, allowed or
 * refused, is in the audit trail before it is answered, as the API's one audit hook records it.
 */
describe('legal-aid reads in the audit trail', () => {
  let api: ApiApp;
  let holder: OrganisationWithStaff;
  let legal: OrganisationWithStaff;
  let otherLegal: OrganisationWithStaff;
  let caseId: string;
  let granted: string;

  const lastRow = async (user: TestUser) =>
    (
      await api.pool.query(
        `SELECT route, case_id, case_ids::text[] AS case_ids, status, outcome, rule, organisation_id
           FROM audit_trail WHERE user_id = $1 ORDER BY audit_trail.audit_id DESC LIMIT 1`,
        [user.userId],
      )
    ).rows[0] as Record<string, unknown>;

  beforeAll(async () => {
    api = await createLegalAidApp({ modules: [AuditModule.forRoot()] });
    const admin = await api.user(['admin']);
    holder = await organisationWithStaff(api, admin);
    legal = await legalServiceWithStaff(api, admin);
    otherLegal = await legalServiceWithStaff(api, admin);
    caseId = (await openCase(api, holder.caseworker)).caseId;
    await ok(api, holder.caseworker, `/cases/${caseId}/consents`, {
      purpose: 'legal_aid_access',
      receivingOrganisationId: legal.organisationId,
      obtainedInLanguage: 'uk',
      interpreterUsed: false,
    });
    granted = (
      await ok(api, holder.caseworker, `/cases/${caseId}/legal-aid-access`, {
        legalAidOrganisationId: legal.organisationId,
      })
    ).position as string;
  });

  afterAll(async () => {
    await api?.close();
  });

  it('records the view and the list (with the case ids they named), then the refusals', async () => {
    expect((await api.get(legal.legalAid, `/legal-aid/cases/${caseId}`)).statusCode).toBe(200);
    expect(await lastRow(legal.legalAid)).toMatchObject({
      route: '/legal-aid/cases/:caseId',
      case_id: caseId,
      status: 200,
      outcome: 'allowed',
      organisation_id: legal.organisationId,
    });
    // The list comes from the legal-aid projection: read it at the grant's position.
    const list = await api.get(legal.legalAid, '/legal-aid/cases', { 'x-min-position': granted });
    expect(list.statusCode).toBe(200);
    expect(await lastRow(legal.legalAid)).toMatchObject({
      route: '/legal-aid/cases',
      case_id: null,
      case_ids: [caseId],
    });
    // Another legal service guessing the id: 404, recorded.
    expect((await api.get(otherLegal.legalAid, `/legal-aid/cases/${caseId}`)).statusCode).toBe(404);
    expect(await lastRow(otherLegal.legalAid)).toMatchObject({
      case_id: caseId,
      status: 404,
      outcome: 'denied',
      rule: 'NOT_FOUND',
    });
    // A rapporteur: 403, recorded.
    expect((await api.get(holder.rapporteur, `/legal-aid/cases/${caseId}`)).statusCode).toBe(403);
    expect(await lastRow(holder.rapporteur)).toMatchObject({ status: 403, rule: 'FORBIDDEN' });
    // Consent withdrawn: the lawyer's next request is refused, and recorded.
    await ok(api, holder.caseworker, `/cases/${caseId}/consents/withdraw`, {
      purpose: 'legal_aid_access',
      receivingOrganisationId: legal.organisationId,
    });
    expect((await api.get(legal.legalAid, `/legal-aid/cases/${caseId}`)).statusCode).toBe(404);
    expect(await lastRow(legal.legalAid)).toMatchObject({ case_id: caseId, status: 404 });
  });
});
