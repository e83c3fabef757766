import fc from 'fast-check';
import { victimStatus } from '../../support/fixtures';
import {
  commandsAppPerSuite,
  eventCount,
  openCase,
  openCaseBody,
  organisationWithStaff,
  type TestUser,
  type OrganisationWithStaff,
} from './support';

/**
 * Property: whatever body is posted to any command endpoint (malformed JSON, wrong types, unknown
 * fields, random values in valid shapes), the API never answers 5xx and appends nothing when the
 * body is invalid or the caller may not act.
 */
const SAMPLE_BODIES: Record<string, object> = {
  '/cases': openCaseBody({
    personal: {
      fullName: 'A B',
      birthDate: '1990-01-01',
      identityDocuments: [{ kind: 'passport', number: '1' }],
    },
  }),
  '/cases/search': { fullName: 'A B', birthDate: '1990-01-01' },
  'victim-status': victimStatus({
    status: 'PossibleVictimOfTrafficking',
    decidedOn: '2026-01-01',
    personal: { text: 't' },
  }),
  'presume-minority': { personal: { text: 't' } },
  'verify-age': { method: 'other', verifiedAge: 17, personal: { birthDate: '2009-01-01' } },
  'reflection-period': { startsOn: '2026-01-01', days: 30 },
  consents: { purpose: 'assistance', obtainedInLanguage: 'en', interpreterUsed: false },
  'consents/withdraw': { purpose: 'assistance' },
  'statistical-use-objection': {},
  'statistical-use-objection/withdraw': {},
  'needs-assessments': { needs: ['Accommodation'], personal: { text: 't' } },
  'support-plans': { plannedAssistance: ['Accommodation'], reviewOn: '2026-01-01' },
  assistance: { assistanceType: 'Accommodation', from: '2026-01-01' },
  referrals: { toOrganisationId: '6f1c3b1e-8a2d-4c7b-9e5f-0a1b2c3d4e5f', service: 'Accommodation' },
  'referrals/:referralId/accept': {},
  'referrals/:referralId/decline': { personal: { text: 't' } },
  'referrals/:referralId/complete': {},
  'referrals/:referralId/revoke': { personal: { text: 't' } },
  'legal-aid-access': { legalAidOrganisationId: '6f1c3b1e-8a2d-4c7b-9e5f-0a1b2c3d4e5f' },
  'legal-aid-access/revoke': { legalAidOrganisationId: '6f1c3b1e-8a2d-4c7b-9e5f-0a1b2c3d4e5f' },
  transfer: { toOrganisationId: '6f1c3b1e-8a2d-4c7b-9e5f-0a1b2c3d4e5f' },
  'best-interests-assessments': { decision: 'closure', outcome: 'proceed', guardianPresent: true },
  guardians: { kind: 'guardian', personal: { name: 'n' } },
  'law-enforcement-cooperation': { cooperation: 'not_decided' },
  remedies: { remedyType: 'Compensation', avenue: 'CivilClaim' },
  'non-punishment-flags': { personal: { text: 't' } },
  'non-punishment-flags/:flagId/resolve': { resolution: 'other' },
  'closure/request': { reason: 'other' },
  'closure/approve': {},
  reopen: {},
  caseworker: { caseworkerId: '6f1c3b1e-8a2d-4c7b-9e5f-0a1b2c3d4e5f' },
  notes: { personal: { text: 't' } },
  corrections: { correction: { fact: 'estimatedAge', value: 30, estimatedOn: '2026-01-01' } },
  'duplicate-decisions': {
    otherCaseId: '5d1c7a2e-8f3b-4c6d-9e0a-1b2c3d4e5f60',
    decision: 'not_same_person',
  },
  erasure: {},
  claims: {
    avenue: 'LabourOrEmploymentTribunal',
    respondentKind: 'Employer',
    currency: 'EUR',
    claimed: { UnpaidWages: 100_000 },
    filedOn: '2026-01-01',
    personal: { text: 't' },
  },
  'claims/:claimId/legal-representative': {
    legalRepresentativeId: '6f1c3b1e-8a2d-4c7b-9e5f-0a1b2c3d4e5f',
  },
  'claims/:claimId/hearings': { hearingOn: '2026-09-01', personal: { text: 't' } },
  'claims/:claimId/decision': {
    outcome: 'awarded',
    awarded: { UnpaidWages: 100_000 },
    currency: 'EUR',
    paymentDueOn: '2026-09-01',
  },
  'claims/:claimId/appeal': { appealedBy: 'respondent' },
  'claims/:claimId/final': {},
  'claims/:claimId/payments': {
    amount: 100_000,
    currency: 'USD',
    exchangeRate: '0.9',
    convertedAmount: 90_000,
    personal: { aboveAwardReason: 't' },
  },
  'claims/:claimId/enforcement': { personal: { text: 't' } },
  'claims/:claimId/closure': { outcome: 'withdrawn' },
};

describe('every command endpoint under random bodies (fast-check, HTTP, PostgreSQL)', () => {
  const api = commandsAppPerSuite();
  let holder: OrganisationWithStaff;
  let outsider: TestUser;
  let urls: { path: string; sample: object }[];

  beforeAll(async () => {
    holder = await organisationWithStaff(api, await api.user(['admin']));
    outsider = await api.user(['supervisor']); // an organisation that is not in the directory
    const { caseId } = await openCase(api, holder.caseworker);
    const flag = (
      await api.post(holder.caseworker, `/cases/${caseId}/non-punishment-flags`, {})
    ).json().flagId;
    const claimId = (
      await api.post(holder.caseworker, `/cases/${caseId}/claims`, SAMPLE_BODIES.claims!)
    ).json().claimId;
    const referralId = '0b6f3d8e-1c2a-4f5b-8d9e-7a6b5c4d3e2f';
    urls = Object.entries(SAMPLE_BODIES).map(([route, sample]) => ({
      path: route.startsWith('/')
        ? route
        : `/cases/${caseId}/${route.replace(':referralId', referralId).replace(':flagId', flag).replace(':claimId', claimId)}`,
      sample,
    }));
  });

  it('covers every POST route under /cases (from the OpenAPI document)', async () => {
    const doc = (await api.request(undefined, { method: 'GET', url: '/docs-json' })).json() as {
      paths: Record<string, object>;
    };
    const posted = Object.entries(doc.paths)
      .filter(([path, ops]) => path.startsWith('/cases') && 'post' in ops)
      .map(([path]) =>
        path === '/cases' || path === '/cases/search'
          ? path
          : path.replace('/cases/{caseId}/', '').replace(/\{(\w+)\}/g, ':$1'),
      );
    expect(posted.sort()).toEqual(Object.keys(SAMPLE_BODIES).sort());
    expect(posted.length).toBeGreaterThanOrEqual(34);
    // Code lists are enums in the document.
    const schemas = (doc as unknown as { components: { schemas: Record<string, any> } }).components
      .schemas;
    expect(schemas.OpenCaseDto.properties.referralSource.enum).toContain('SelfReferral');
    expect(schemas.ProfileDto.properties.citizenships.items.enum).toContain('STATELESS');
    expect(schemas.RecordVictimStatusDto.properties.sectors.items.enum).toContain('F_Construction');
    expect(schemas.ReferCaseDto.properties.service.enum).toContain('FamilyTracing');
  });

  /** A body that cannot validate: raw malformed text, a JSON non-object, or an object with an unknown field. */
  const invalidBody = (sample: object) =>
    fc.oneof(
      fc.string({ maxLength: 60 }).filter((s) => {
        try {
          JSON.parse(s);
          return false;
        } catch {
          return true;
        }
      }),
      fc
        .oneof(
          fc.integer(),
          fc.boolean(),
          fc.constant(null),
          fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
          fc.string(),
        )
        .map((v) => JSON.stringify(v)),
      fc
        .tuple(
          fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), {
            maxKeys: 5,
          }),
          fc.string({ minLength: 1, maxLength: 10 }),
          fc.jsonValue({ maxDepth: 2 }),
        )
        .map(([random, key, value]) =>
          JSON.stringify({ ...sample, ...random, [`zz_${key}`]: value }),
        ),
    );

  /** Anything in roughly the right shape: a sample with fields replaced, removed, or random JSON objects. */
  const anyBody = (sample: object) =>
    fc.oneof(
      fc
        .dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 })
        .map((v) => JSON.stringify(v)),
      fc
        .tuple(
          fc.subarray(Object.keys(sample)),
          fc.constantFrom(...Object.keys(sample), 'occurredAt', 'personal'),
          fc.jsonValue({ maxDepth: 3 }),
        )
        .map(([keep, key, value]) => {
          const body: Record<string, unknown> = Object.fromEntries(
            keep.map((k) => [k, (sample as Record<string, unknown>)[k]]),
          );
          body[key] = value;
          return JSON.stringify(body);
        }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    );

  const post = (user: TestUser, path: string, payload: string) =>
    api.request(user, {
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/json' },
      payload,
    });

  it('answers invalid bodies from the holding organisation with 4xx, never 5xx, and appends nothing', async () => {
    const before = await eventCount(api);
    for (const { path, sample } of urls) {
      await fc.assert(
        fc.asyncProperty(invalidBody(sample), async (payload) => {
          const res = await post(holder.supervisor, path, payload);
          expect({ path, status: res.statusCode }).toEqual({ path, status: 400 });
        }),
        { numRuns: 40 },
      );
    }
    expect(await eventCount(api)).toBe(before);
  });

  it('answers random bodies from an organisation without access with 4xx (or an empty search), never 5xx, and appends nothing', async () => {
    const before = await eventCount(api);
    for (const { path, sample } of urls) {
      await fc.assert(
        fc.asyncProperty(anyBody(sample), async (payload) => {
          const res = await post(outsider, path, payload);
          expect(res.statusCode).toBeLessThan(500);
          if (path !== '/cases/search') expect([400, 404, 422]).toContain(res.statusCode);
        }),
        { numRuns: 40 },
      );
    }
    expect(await eventCount(api)).toBe(before);
  });

  it('never answers 5xx to random bodies from the holding organisation on a live case (valid ones may append)', async () => {
    for (const { path, sample } of urls) {
      await fc.assert(
        fc.asyncProperty(anyBody(sample), async (payload) => {
          const res = await post(holder.supervisor, path, payload);
          expect({ path, status: res.statusCode < 500 }).toEqual({ path, status: true });
        }),
        { numRuns: 20 },
      );
    }
  });

  it('refuses a body above the size limit without a 5xx', async () => {
    const before = await eventCount(api);
    const huge = JSON.stringify({ personal: { text: 'x'.repeat(300 * 1024) } });
    const res = await post(
      holder.caseworker,
      urls.find((u) => u.path.endsWith('/notes'))!.path,
      huge,
    );
    expect(res.statusCode).toBe(413);
    expect(await eventCount(api)).toBe(before);
  });
});
