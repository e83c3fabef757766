import { CaseReferenceAllocator } from '@remedy/case-commands';
import {
  commandsAppPerSuite,
  openCase,
  openCaseBody,
  organisationWithStaff,
  type OrganisationWithStaff,
} from './support';

/** Case references per organisation and year (unique under concurrency) and find-a-person. */
describe('case references and find-a-person (HTTP, PostgreSQL)', () => {
  const api = commandsAppPerSuite();
  let org: OrganisationWithStaff;
  let other: OrganisationWithStaff;

  beforeAll(async () => {
    const admin = await api.user(['admin']);
    org = await organisationWithStaff(api, admin);
    other = await organisationWithStaff(api, admin);
  });

  it('allocates unique, consecutive references when cases are opened concurrently', async () => {
    const year = new Date().getUTCFullYear();
    const opened = await Promise.all(
      Array.from({ length: 15 }, () => api.post(org.caseworker, '/cases', openCaseBody())),
    );
    expect(opened.every((r) => r.statusCode === 201)).toBe(true);
    const references = opened.map((r) => r.json().caseReference as string);
    expect(new Set(references).size).toBe(15);
    const sequences = references.map((r) => Number(r.split('-')[2])).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    for (const r of references) {
      const [code, y] = r.split('-');
      expect(code).toBe(org.code);
      expect([year, year + 1]).toContain(Number(y)); // the jurisdiction's year (Europe/Vienna) may be ahead of UTC
    }
  });

  it('keeps sequences per organisation and per year, under heavy concurrency', async () => {
    const allocator = api.app.get(CaseReferenceAllocator);
    const [a, b, older] = await Promise.all([
      Promise.all(
        Array.from({ length: 100 }, () =>
          allocator.allocate(other.organisationId, other.code, 2031),
        ),
      ),
      Promise.all(
        Array.from({ length: 100 }, () => allocator.allocate(org.organisationId, org.code, 2031)),
      ),
      Promise.all(
        Array.from({ length: 10 }, () =>
          allocator.allocate(other.organisationId, other.code, 2030),
        ),
      ),
    ]);
    expect(new Set(a).size).toBe(100);
    expect(new Set(b).size).toBe(100);
    expect(a).toContain(`${other.code}-2031-00100`);
    expect(b).toContain(`${org.code}-2031-00100`);
    expect([...older].sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `${other.code}-2030-${String(i + 1).padStart(5, '0')}`),
    );
  });

  it('finds a person by name and birth date within the organisation only, whatever the spelling of accents and case', async () => {
    const opened = await openCase(
      api,
      org.caseworker,
      openCaseBody({
        personal: { fullName: 'José  Pérez-López', aliases: ['Pepe'], birthDate: '1985-11-30' },
      }),
    );
    const search = (
      user = org.caseworker,
      fullName = 'jose perez lopez',
      birthDate = '1985-11-30',
    ) => api.post(user, '/cases/search', { fullName, birthDate });

    const found = await search();
    expect(found.statusCode).toBe(200);
    expect(found.json()).toEqual({
      matches: [{ caseId: opened.caseId, caseReference: opened.caseReference }],
    });
    expect((await search(org.caseworker, 'PEPE')).json().matches).toHaveLength(1);
    expect((await search(org.caseworker, 'jose perez lopez', '1985-11-29')).json().matches).toEqual(
      [],
    );
    expect((await search(org.caseworker, 'someone else')).json().matches).toEqual([]);
    expect((await search(other.caseworker)).json().matches).toEqual([]);
    expect((await search(org.rapporteur)).statusCode).toBe(403);
    expect((await search(org.caseworker, 'x', '1985-02-30')).statusCode).toBe(400);

    const { rows } = await api.pool.query('SELECT * FROM person_blind_index WHERE case_id = $1', [
      opened.caseId,
    ]);
    expect(rows).toHaveLength(2); // full name and alias
    expect(JSON.stringify(rows)).not.toMatch(/jos|p[eé]rez|pepe|1985/i);
  });

  it('re-keys the index for the receiving organisation on transfer, and forgets the person on erasure', async () => {
    const opened = await openCase(
      api,
      org.caseworker,
      openCaseBody({ personal: { fullName: 'Ana Novak', birthDate: '1999-01-01' } }),
    );
    const search = (user = org.caseworker) =>
      api.post(user, '/cases/search', { fullName: 'Ana Novak', birthDate: '1999-01-01' });
    await api.post(org.caseworker, `/cases/${opened.caseId}/consents`, {
      purpose: 'transfer',
      receivingOrganisationId: other.organisationId,
      obtainedInLanguage: 'sl',
      interpreterUsed: false,
    });
    const transfer = await api.post(org.supervisor, `/cases/${opened.caseId}/transfer`, {
      toOrganisationId: other.organisationId,
    });
    expect(transfer.statusCode).toBe(200);
    expect((await search()).json().matches).toEqual([]);
    expect((await search(other.caseworker)).json().matches).toEqual([
      { caseId: opened.caseId, caseReference: transfer.json().caseReference },
    ]);

    const erase = await api.post(other.supervisor, `/cases/${opened.caseId}/erasure`, {});
    expect(erase.statusCode).toBe(200);
    expect((await search(other.caseworker)).json().matches).toEqual([]);
    const { rows } = await api.pool.query(
      'SELECT count(*)::int AS n FROM person_blind_index WHERE case_id = $1',
      [opened.caseId],
    );
    expect(rows[0].n).toBe(0);
    // After erasure the case accepts no further command (rule 7).
    const after = await api.post(other.caseworker, `/cases/${opened.caseId}/notes`, {
      personal: { text: 'x' },
    });
    expect(after.statusCode).toBe(422);
    expect(after.json().rule).toBe('RULE_7_CASE_ERASED');
  });
});
