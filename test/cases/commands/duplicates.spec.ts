import { DataSource } from 'typeorm';
import {
  DuplicateDecisionsProcessModule,
  PERSON_MATCH_TOKENS,
  type PersonMatchTokens,
} from '@remedy/case-commands';
import { eventually } from '../../faults/support/processes';
import { perSuite } from '../../support/per-suite';
import {
  createCommandsApp,
  openCase,
  openCaseBody,
  organisationPerSuite,
  storedEvents,
  newId,
  type ApiApp,
  type TestUser,
} from './support';

/**
 * Issue 19, part 1: possible duplicates within an organisation, on the real command side and
 * PostgreSQL (row-level security), with the duplicate-decisions process manager running (as in
 * the worker).
 */
describe('possible duplicates within an organisation (HTTP, PostgreSQL)', () => {
  const api = perSuite(() => createCommandsApp({ modules: [DuplicateDecisionsProcessModule] }));
  const org = organisationPerSuite(api);
  const other = organisationPerSuite(api);

  const person = (fullName: string, birthDate: string, extra: Record<string, unknown> = {}) =>
    openCaseBody({ personal: { fullName, birthDate, ...extra } });
  const suggestions = async (user: TestUser, caseId: string) => {
    const res = await api.get(user, `/cases/${caseId}/possible-duplicates`);
    return res;
  };
  const suggestedIds = async (user: TestUser, caseId: string) => {
    const res = await suggestions(user, caseId);
    expect(res.statusCode).toBe(200);
    return (res.json().items as { caseId: string }[]).map((i) => i.caseId);
  };
  const decide = (
    user: TestUser,
    caseId: string,
    otherCaseId: string,
    decision: string,
    headers: Record<string, string> = {},
  ) => api.post(user, `/cases/${caseId}/duplicate-decisions`, { otherCaseId, decision }, headers);
  const decisionsOn = async (a: ApiApp, caseId: string) =>
    (await storedEvents(a, caseId)).filter((e) => e.event_type === 'DuplicateDecisionRecorded');

  it('suggests a duplicate opened in the same organisation (typos, order, diacritics), with its evidence, and not one of another organisation', async () => {
    const first = await openCase(api, org.caseworker, person('Oleksandr Kovalenko', '1991-03-14'));
    const again = await openCase(api, org.caseworker, person('Kovalenko Oleksandr', '1991-03-14'));
    const typo = await openCase(api, org.caseworker, person('Oleksander Kovalenk', '1991-03-14'));
    const elsewhere = await openCase(
      api,
      other.caseworker,
      person('Oleksandr Kovalenko', '1991-03-14'),
    );
    const stranger = await openCase(api, org.caseworker, person('Maria Ionescu', '1975-08-02'));

    const res = await suggestions(org.caseworker, first.caseId);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as {
      caseId: string;
      reference: string;
      status: string;
      openedOn: string;
      score: number;
      evidence: string[];
    }[];
    const ids = items.map((i) => i.caseId);
    expect(ids).toContain(again.caseId);
    expect(ids).toContain(typo.caseId);
    expect(ids).not.toContain(elsewhere.caseId);
    expect(ids).not.toContain(stranger.caseId);
    expect(ids).not.toContain(first.caseId);
    const item = items.find((i) => i.caseId === again.caseId)!;
    expect(item).toMatchObject({ reference: again.caseReference, status: 'open' });
    expect(item.openedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(item.score).toBeGreaterThan(0);
    expect(item.score).toBeLessThanOrEqual(1);
    expect(item.evidence).toEqual(expect.arrayContaining(['name', 'birth']));
    // The other organisation's case sees nothing of this organisation's cases.
    expect(await suggestedIds(other.caseworker, elsewhere.caseId)).toEqual([]);

    // No plaintext in the tokens table: opaque HMACs only.
    const { rows } = await api.pool.query(
      'SELECT * FROM person_match_tokens WHERE case_id = ANY($1)',
      [[first.caseId, again.caseId, elsewhere.caseId]],
    );
    expect(rows).toHaveLength(3);
    expect(JSON.stringify(rows)).not.toMatch(/oleks|kovalen|1991|03-14/i);
    // Keys are per organisation: the same person's tokens differ between organisations.
    const tokensOf = (id: string) => rows.find((r) => r.case_id === id).tokens as string[];
    const shared = tokensOf(first.caseId).filter((t) => tokensOf(elsewhere.caseId).includes(t));
    expect(shared).toEqual([]);
  });

  it('suggests the same person written in Cyrillic and in Latin letters', async () => {
    const cyrillic = await openCase(
      api,
      org.caseworker,
      person('Александр Коваленко', '1984-12-01'),
    );
    const latin = await openCase(api, org.caseworker, person('Aleksandr Kovalenko', '1984-12-01'));
    expect(await suggestedIds(org.caseworker, cyrillic.caseId)).toContain(latin.caseId);
    expect(await suggestedIds(org.caseworker, latin.caseId)).toContain(cyrillic.caseId);
  });

  it('a case with no birth date, exactly as close to two namesakes born on different days: one suggestion, "one of these" (tiedWith)', async () => {
    const first = await openCase(api, org.caseworker, person('Chiamaka Okafor', '1990-01-05'));
    const second = await openCase(api, org.caseworker, person('Chiamaka Okafor', '1993-07-20'));
    const undated = await openCase(
      api,
      org.caseworker,
      openCaseBody({ personal: { fullName: 'Chiamaka Okafor' } }),
    );
    const res = await suggestions(org.caseworker, undated.caseId);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { caseId: string; score: number; tiedWith: string[] }[];
    expect(items.map((i) => i.caseId).sort()).toEqual([first.caseId, second.caseId].sort());
    expect(items[0]!.score).toBe(items[1]!.score);
    expect(items.find((i) => i.caseId === first.caseId)!.tiedWith).toEqual([second.caseId]);
    expect(items.find((i) => i.caseId === second.caseId)!.tiedWith).toEqual([first.caseId]);
    // The two namesakes are no tie for each other: different birth dates, not suggested.
    expect(await suggestedIds(org.caseworker, first.caseId)).not.toContain(second.caseId);
    // A suggestion with no tie says so.
    const dated = (await suggestions(org.caseworker, first.caseId)).json().items as {
      caseId: string;
      tiedWith: string[];
    }[];
    for (const item of dated.filter((i) => i.caseId === undated.caseId))
      expect(item.tiedWith).toEqual([]);
  });

  it('answers 404 for a case of another organisation, 403 for a role without case content, 400 for an id that is no uuid', async () => {
    const mine = await openCase(api, org.caseworker, person('Petra Horvat', '1988-01-01'));
    expect((await suggestions(other.caseworker, mine.caseId)).statusCode).toBe(404);
    expect((await suggestions(org.caseworker, newId())).statusCode).toBe(404);
    expect((await suggestions(org.rapporteur, mine.caseId)).statusCode).toBe(403);
    expect((await suggestions(org.supervisor, mine.caseId)).statusCode).toBe(200);
    expect(
      (await api.get(org.caseworker, '/cases/not-a-uuid/possible-duplicates')).statusCode,
    ).toBe(400);
    expect(
      (
        await api.request(undefined, {
          method: 'GET',
          url: `/cases/${mine.caseId}/possible-duplicates`,
        })
      ).statusCode,
    ).toBe(401);
  });

  it('"not the same person" is recorded on both cases and never suggested again, from either side', async () => {
    const a = await openCase(api, org.caseworker, person('Ivan Petrenko', '1993-05-20'));
    const b = await openCase(api, org.caseworker, person('Ivan Petrenko', '1993-05-20'));
    expect(await suggestedIds(org.caseworker, a.caseId)).toContain(b.caseId);

    const res = await decide(org.caseworker, a.caseId, b.caseId, 'not_same_person', {
      'idempotency-key': newId(),
    });
    expect(res.statusCode).toBe(200);
    const { decisionId } = res.json();
    expect(decisionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.etag).toBeDefined();

    expect(await suggestedIds(org.caseworker, a.caseId)).not.toContain(b.caseId);
    expect(await suggestedIds(org.caseworker, b.caseId)).not.toContain(a.caseId);
    // The mirror on the other case (process manager), with the same decision id.
    const mirrored = await eventually('the mirror on the other case', async () => {
      const events = await decisionsOn(api, b.caseId);
      return events.length > 0 ? events : undefined;
    });
    expect(mirrored).toHaveLength(1);
    expect(mirrored[0]!.data).toMatchObject({
      decisionId,
      otherCaseId: a.caseId,
      decision: 'not_same_person',
      initiatedHere: false,
    });
    expect((await decisionsOn(api, a.caseId))[0]!.data).toMatchObject({
      decisionId,
      otherCaseId: b.caseId,
      initiatedHere: true,
    });
    // Still never suggested once the pair is on both streams, and no second decision.
    expect(await suggestedIds(org.caseworker, b.caseId)).not.toContain(a.caseId);
    const again = await decide(org.caseworker, b.caseId, a.caseId, 'same_person');
    expect(again.statusCode).toBe(422);
    expect(again.json().rule).toBe('DUPLICATE_ALREADY_DECIDED');
  });

  it('two opposite decisions on one pair at once, one from each case: one is recorded, the other refused, and both streams agree', async () => {
    for (let round = 0; round < 3; round++) {
      const a = await openCase(
        api,
        org.caseworker,
        person('Olena Marchenko', '1990-01-0' + (round + 1)),
      );
      const b = await openCase(
        api,
        org.caseworker,
        person('Olena Marchenko', '1990-01-0' + (round + 1)),
      );
      const answers = await Promise.all([
        decide(org.caseworker, a.caseId, b.caseId, 'same_person'),
        decide(org.caseworker, b.caseId, a.caseId, 'not_same_person'),
      ]);
      expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 422]);
      const refused = answers.find((r) => r.statusCode === 422)!;
      expect(refused.json().rule).toBe('DUPLICATE_ALREADY_DECIDED');
      const { decisionId } = answers.find((r) => r.statusCode === 200)!.json();
      // The one decision on both streams (the mirror by the process manager), none other.
      for (const caseId of [a.caseId, b.caseId]) {
        const decisions = await eventually('the decision on both cases', async () => {
          const events = await decisionsOn(api, caseId);
          return events.length > 0 ? events : undefined;
        });
        expect(decisions.map((e) => (e.data as { decisionId: string }).decisionId)).toEqual([
          decisionId,
        ]);
      }
    }
  });

  it('"same person" appears on both cases; then one is closed as a duplicate through request and approval', async () => {
    const a = await openCase(api, org.caseworker, person('Amina Haddad', '2001-11-09'));
    const b = await openCase(api, org.caseworker, person('Amina Hadad', '2001-11-09'));
    // Closing as a duplicate before any link: refused naming the rule.
    const early = await api.post(org.caseworker, `/cases/${b.caseId}/closure/request`, {
      reason: 'duplicate',
    });
    expect(early.statusCode).toBe(422);
    expect(early.json().rule).toBe('CLOSURE_DUPLICATE_NEEDS_SAME_PERSON_LINK');

    const res = await decide(org.caseworker, a.caseId, b.caseId, 'same_person');
    expect(res.statusCode).toBe(200);
    await eventually('the mirror on the other case', async () =>
      (await decisionsOn(api, b.caseId)).length > 0 ? true : undefined,
    );
    expect((await decisionsOn(api, b.caseId)).map((e) => e.data.decision)).toEqual(['same_person']);
    expect((await decisionsOn(api, a.caseId)).map((e) => e.data.decision)).toEqual(['same_person']);
    expect(await suggestedIds(org.caseworker, a.caseId)).not.toContain(b.caseId);

    // The mirrored link lets the other case be closed as a duplicate (four eyes as always).
    const request = await api.post(org.caseworker, `/cases/${b.caseId}/closure/request`, {
      reason: 'duplicate',
    });
    expect(request.statusCode).toBe(200);
    const approve = await api.post(org.supervisor, `/cases/${b.caseId}/closure/approve`, {});
    expect(approve.statusCode).toBe(200);
  });

  it('refuses what is no decision: the case itself (422), a case of another organisation (422, as an unknown one), a bad body (400), a stale If-Match (412), another organisation (404)', async () => {
    const a = await openCase(api, org.caseworker, person('Lena Schmidt', '1980-02-02'));
    const b = await openCase(api, org.caseworker, person('Lena Schmitt', '1980-02-02'));
    const theirs = await openCase(api, other.caseworker, person('Lena Schmidt', '1980-02-02'));

    const self = await decide(org.caseworker, a.caseId, a.caseId, 'same_person');
    expect(self.statusCode).toBe(422);
    expect(self.json().rule).toBe('DUPLICATE_SAME_CASE');
    for (const otherCaseId of [theirs.caseId, newId()]) {
      const unknown = await decide(org.caseworker, a.caseId, otherCaseId, 'same_person');
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json().rule).toBe('DUPLICATE_OTHER_CASE_UNKNOWN');
    }
    expect((await decide(org.caseworker, a.caseId, b.caseId, 'maybe')).statusCode).toBe(400);
    expect((await decide(org.caseworker, a.caseId, 'not-a-uuid', 'same_person')).statusCode).toBe(
      400,
    );
    expect(
      (await decide(org.caseworker, a.caseId, b.caseId, 'same_person', { 'if-match': '"99"' }))
        .statusCode,
    ).toBe(412);
    expect((await decide(other.caseworker, a.caseId, b.caseId, 'same_person')).statusCode).toBe(
      404,
    );
    expect((await decide(org.rapporteur, a.caseId, b.caseId, 'same_person')).statusCode).toBe(403);
    // A retry under the same Idempotency-Key answers the same decision, appended once.
    const key = newId();
    const first = await decide(org.caseworker, a.caseId, b.caseId, 'same_person', {
      'idempotency-key': key,
    });
    const retry = await decide(org.caseworker, a.caseId, b.caseId, 'same_person', {
      'idempotency-key': key,
    });
    expect(first.statusCode).toBe(200);
    expect(retry.statusCode).toBe(200);
    expect(retry.json().decisionId).toBe(first.json().decisionId);
    expect(await decisionsOn(api, a.caseId)).toHaveLength(1);
  });

  it('erasure removes the person’s tokens (token scan) and the case is suggested no more', async () => {
    const a = await openCase(api, org.caseworker, person('Nadia Rahman', '1996-07-07'));
    const b = await openCase(api, org.caseworker, person('Nadia Rahman', '1996-07-07'));
    expect(await suggestedIds(org.caseworker, a.caseId)).toContain(b.caseId);
    const { rows: before } = await api.pool.query(
      'SELECT tokens FROM person_match_tokens WHERE case_id = $1',
      [b.caseId],
    );
    const erasedTokens = before[0].tokens as string[];
    expect(erasedTokens.length).toBeGreaterThan(0);

    expect((await api.post(org.supervisor, `/cases/${b.caseId}/erasure`, {})).statusCode).toBe(200);
    const { rows: after } = await api.pool.query(
      'SELECT count(*)::int AS n FROM person_match_tokens WHERE case_id = $1',
      [b.caseId],
    );
    expect(after[0].n).toBe(0);
    // Token scan: none of the erased case's tokens is left anywhere in the tables but as
    // another case's own identical token (the same person's other case: a's tokens are a's).
    const { rows: all } = await api.pool.query(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('ARRAY', 'text', 'jsonb')`,
    );
    const tables = [...new Set(all.map((r) => r.table_name as string))];
    const aTokens = new Set(
      (
        await api.pool.query('SELECT tokens FROM person_match_tokens WHERE case_id = $1', [
          a.caseId,
        ])
      ).rows[0].tokens as string[],
    );
    const onlyB = erasedTokens.filter((t) => !aTokens.has(t));
    for (const table of tables) {
      const { rows } = await api.pool.query(`SELECT t::text AS row FROM ${table} t`);
      const dump = rows.map((r) => r.row as string).join('\n');
      for (const token of onlyB) expect(dump.includes(token) ? `${table}: ${token}` : '').toBe('');
    }
    expect(await suggestedIds(org.caseworker, a.caseId)).not.toContain(b.caseId);
  });

  it('recomputes the tokens on demand and after a correction of the birth date', async () => {
    const a = await openCase(api, org.caseworker, person('Tomas Novak', '1970-10-10'));
    const b = await openCase(api, org.caseworker, person('Tomas Novak', '1999-01-01'));
    const tokens = api.app.get<PersonMatchTokens>(PERSON_MATCH_TOKENS);
    await tokens.forget(a.caseId); // as a case from before issue 19
    const corrected = await api.post(org.caseworker, `/cases/${b.caseId}/corrections`, {
      correction: { fact: 'birthDate' },
      personal: { birthDate: '1970-10-10' },
    });
    expect(corrected.statusCode).toBe(200);
    expect(await suggestedIds(org.caseworker, a.caseId)).toContain(b.caseId);
    // A process manager's checkpoint row exists (it runs like a projection).
    const ds = api.app.get(DataSource);
    const cp = await ds.query(
      `SELECT count(*)::int AS n FROM projection_checkpoints WHERE projection = 'process.duplicate-decisions'`,
    );
    expect(cp[0].n).toBe(1);
  });
});
