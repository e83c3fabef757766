import { commandsAppPerSuite, freshCode, registerOrganisation, type TestUser } from './support';

/** The organisation directory: administrators register and update, every user reads (read your writes). */
describe('organisation directory (HTTP, PostgreSQL)', () => {
  const api = commandsAppPerSuite();
  let admin: TestUser;
  let caseworker: TestUser;

  beforeAll(async () => {
    admin = await api.user(['admin']);
    caseworker = await api.user(['caseworker']);
  });

  it('lets only administrators register organisations', async () => {
    for (const roles of [['caseworker'], ['supervisor'], ['rapporteur'], ['legal_aid']] as const) {
      const user = await api.user(roles);
      const res = await api.post(user, '/organisations', {
        name: 'X',
        type: 'NGO',
        services: [],
        country: 'AT',
        code: freshCode(),
      });
      expect(res.statusCode).toBe(403);
    }
    const { rows } = await api.pool.query(
      `SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'organisation-%'`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('registers an organisation as a stream of its own and lists it once projected', async () => {
    const res = await api.post(admin, '/organisations', {
      name: 'Safe Harbour',
      type: 'NGO',
      services: ['Accommodation', 'Psychological'],
      country: 'AT',
      code: 'SAFE',
    });
    expect(res.statusCode).toBe(201);
    const { organisationId, position, revision } = res.json();
    expect(revision).toBe(0);
    expect(res.headers.etag).toBe('"0"');
    const { rows } = await api.pool.query('SELECT event_type FROM events WHERE stream_id = $1', [
      `organisation-${organisationId}`,
    ]);
    expect(rows).toEqual([{ event_type: 'OrganisationRegistered' }]);

    const one = await api.get(caseworker, `/organisations/${organisationId}`, {
      'x-min-position': position,
    });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({
      organisationId,
      name: 'Safe Harbour',
      type: 'NGO',
      services: ['Accommodation', 'Psychological'],
      country: 'AT',
      code: 'SAFE',
    });
  });

  it('filters the directory by service and country', async () => {
    const legal = await registerOrganisation(api, admin, {
      name: 'Lex',
      type: 'LegalService',
      services: ['LegalRepresentation'],
      country: 'DE',
    });
    const shelter = await registerOrganisation(api, admin, {
      name: 'Roof',
      services: ['Accommodation'],
      country: 'DE',
    });
    const headers = { 'x-min-position': shelter.position };
    const byService = (
      await api.get(caseworker, '/organisations?service=LegalRepresentation', headers)
    ).json().organisations;
    expect(byService.map((o: { organisationId: string }) => o.organisationId)).toEqual([
      legal.organisationId,
    ]);
    const inGermany = (await api.get(caseworker, '/organisations?country=DE', headers)).json()
      .organisations;
    expect(inGermany.map((o: { name: string }) => o.name)).toEqual(['Lex', 'Roof']);
    const both = (
      await api.get(caseworker, '/organisations?country=DE&service=Accommodation', headers)
    ).json().organisations;
    expect(both.map((o: { name: string }) => o.name)).toEqual(['Roof']);
    expect((await api.get(caseworker, '/organisations?country=Germany', headers)).statusCode).toBe(
      400,
    );
    expect((await api.get(caseworker, '/organisations?service=Cake', headers)).statusCode).toBe(
      400,
    );
  });

  it('updates an organisation (code kept), honouring If-Match', async () => {
    const org = await registerOrganisation(api, admin, { name: 'Before' });
    const body = { name: 'After', type: 'NGO', services: ['FamilyTracing'], country: 'PL' };
    const stale = await api.request(admin, {
      method: 'PUT',
      url: `/organisations/${org.organisationId}`,
      headers: { 'content-type': 'application/json', 'if-match': '"7"' },
      payload: JSON.stringify(body),
    });
    expect(stale.statusCode).toBe(412);
    const res = await api.request(admin, {
      method: 'PUT',
      url: `/organisations/${org.organisationId}`,
      headers: { 'content-type': 'application/json', 'if-match': '"0"' },
      payload: JSON.stringify(body),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().revision).toBe(1);
    const read = await api.get(caseworker, `/organisations/${org.organisationId}`, {
      'x-min-position': res.json().position,
    });
    expect(read.json()).toMatchObject({
      name: 'After',
      services: ['FamilyTracing'],
      country: 'PL',
      code: org.code,
    });
  });

  it('refuses a code already used (422 ORGANISATION_CODE_TAKEN), invalid bodies (400), unknown ids (404)', async () => {
    await registerOrganisation(api, admin, { code: 'TAKEN' });
    const dup = await api.post(admin, '/organisations', {
      name: 'Y',
      type: 'NGO',
      services: [],
      country: 'AT',
      code: 'TAKEN',
    });
    expect(dup.statusCode).toBe(422);
    expect(dup.json().rule).toBe('ORGANISATION_CODE_TAKEN');
    const bad = await api.post(admin, '/organisations', {
      name: '',
      type: 'Club',
      services: ['Cake'],
      country: 'XX',
      code: 'lower',
    });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().fields.map((f: { name: string }) => f.name);
    expect(fields).toEqual(expect.arrayContaining(['name', 'type', 'services', 'country', 'code']));
    expect(
      (await api.get(caseworker, '/organisations/6f1c3b1e-8a2d-4c7b-9e5f-0a1b2c3d4e5f')).statusCode,
    ).toBe(404);
    expect((await api.get(caseworker, '/organisations/nope')).statusCode).toBe(400);
  });

  it('registers once under a retried Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'org-retry' };
    const body = { name: 'Once', type: 'NGO', services: [], country: 'AT', code: 'ONCE' };
    const a = await api.post(admin, '/organisations', body, headers);
    const b = await api.post(admin, '/organisations', body, headers);
    expect(a.statusCode).toBe(201);
    expect(b.json()).toEqual(a.json());
    const { rows } = await api.pool.query(
      `SELECT count(*)::int AS n FROM organisation_codes WHERE code = 'ONCE'`,
    );
    expect(rows[0].n).toBe(1);
  });
});
