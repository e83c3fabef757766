import {
  commandsAppPerSuite,
  eventCount,
  openCaseBody,
  organisationPerSuite,
  storedEvents,
  type TestUser,
} from './support';
import { CASE_CIPHER, scopedId } from '@remedy/case-commands';
import type { CaseEvent } from '@remedy/case-domain';
import { caseStreamId, openEvent } from '@remedy/case-stream';
import type { CaseCipher } from '@remedy/crypto';

/**
 * Idempotency-Key: a retry with the same key and body gets the first answer and appends nothing;
 * the same key with another body is refused (422 IDEMPOTENCY_KEY_REUSED); concurrent retries
 * append once; keys are stored hashed, scoped to user and route.
 */
describe('Idempotency-Key on case commands (HTTP, PostgreSQL)', () => {
  const api = commandsAppPerSuite();
  const org = organisationPerSuite(api);
  let caseworker: TestUser;

  beforeAll(() => {
    caseworker = org.caseworker;
  });

  /** A new case of the caseworker's, and the Idempotency-Key header with `key`. */
  const caseAndKey = async (key: string) => ({
    caseId: (await api.post(caseworker, '/cases', openCaseBody())).json().caseId as string,
    headers: { 'idempotency-key': key },
  });

  it('replays the first answer to a retry of POST /cases and opens one case only', async () => {
    const before = await eventCount(api);
    const headers = { 'idempotency-key': 'open-1' };
    const first = await api.post(caseworker, '/cases', openCaseBody(), headers);
    const second = await api.post(caseworker, '/cases', openCaseBody(), headers);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers['x-position']).toBe(first.headers['x-position']);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await eventCount(api)).toBe(before + 1);
  });

  it('treats key order in the body as the same body', async () => {
    const { caseId, headers } = await caseAndKey('note-order');
    const a = await api.post(caseworker, `/cases/${caseId}/victim-status`, statusBody(), headers);
    const reordered = Object.fromEntries(Object.entries(statusBody()).reverse());
    const b = await api.post(caseworker, `/cases/${caseId}/victim-status`, reordered, headers);
    expect(a.statusCode).toBe(200);
    expect(b.json()).toEqual(a.json());
    expect(await eventCount(api, caseStreamId(caseId))).toBe(2);
  });

  it('refuses the same key with a different body (422 IDEMPOTENCY_KEY_REUSED), appending nothing', async () => {
    const { caseId, headers } = await caseAndKey('note-1');
    expect(
      (
        await api.post(
          caseworker,
          `/cases/${caseId}/notes`,
          { personal: { text: 'first' } },
          headers,
        )
      ).statusCode,
    ).toBe(200);
    const reused = await api.post(
      caseworker,
      `/cases/${caseId}/notes`,
      { personal: { text: 'second' } },
      headers,
    );
    expect(reused.statusCode).toBe(422);
    expect(reused.json().rule).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(reused.body).not.toContain('second');
    expect(await eventCount(api, caseStreamId(caseId))).toBe(2);
  });

  it('scopes keys to the user and the route', async () => {
    const { caseId, headers } = await caseAndKey('shared-key');
    const body = { personal: { text: 'same' } };
    const mine = await api.post(caseworker, `/cases/${caseId}/notes`, body, headers);
    const colleague = await api.post(org.supervisor, `/cases/${caseId}/notes`, body, headers);
    const otherRoute = await api.post(caseworker, `/cases/${caseId}/presume-minority`, {}, headers);
    expect(mine.statusCode).toBe(200);
    expect(colleague.statusCode).toBe(200);
    expect(colleague.json().revision).not.toBe(mine.json().revision);
    expect(otherRoute.json().rule).not.toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('appends once when retries race (the others wait and replay, or get 409)', async () => {
    const { caseId, headers } = await caseAndKey('race-1');
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        api.post(caseworker, `/cases/${caseId}/notes`, { personal: { text: 'race' } }, headers),
      ),
    );
    const ok = responses.filter((r) => r.statusCode === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(responses.every((r) => r.statusCode === 200 || r.statusCode === 409)).toBe(true);
    for (const r of ok) expect(r.json()).toEqual(ok[0]!.json());
    expect(await eventCount(api, caseStreamId(caseId))).toBe(2);
  });

  it('lets a failed command be retried with the same key (nothing stored for it)', async () => {
    const { caseId, headers } = await caseAndKey('after-refusal');
    const refused = await api.post(caseworker, `/cases/${caseId}/reflection-period`, {}, headers);
    expect(refused.statusCode).toBe(422);
    await api.post(caseworker, `/cases/${caseId}/victim-status`, statusBody());
    const retried = await api.post(caseworker, `/cases/${caseId}/reflection-period`, {}, headers);
    expect(retried.statusCode).toBe(200);
  });

  it('appends nothing when the answer was lost after the append (the store holds the command already)', async () => {
    const { caseId, headers } = await caseAndKey('lost-answer');
    const body = { personal: { text: 'once' } };
    const first = await api.post(caseworker, `/cases/${caseId}/notes`, body, headers);
    expect(first.statusCode).toBe(200);
    // As if the key's record were lost (deleted by hand): the retry is the key's "first use" and
    // does not look the append up, but the command's event ids are unique in the store: its append
    // conflicts, and the pipeline's retry finds the first append by id and answers from it.
    await api.pool.query('DELETE FROM idempotency_keys');
    const retry = await api.post(caseworker, `/cases/${caseId}/notes`, body, headers);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({
      caseId,
      revision: first.json().revision,
      position: first.json().position,
    });
    expect(await eventCount(api, caseStreamId(caseId))).toBe(2);
  });

  it('answers a retried opening whose key record was lost from the first opening: nothing appended, its key kept', async () => {
    const headers = { 'idempotency-key': 'lost-opening' };
    const first = await api.post(caseworker, '/cases', openCaseBody(), headers);
    expect(first.statusCode).toBe(201);
    const { caseId } = first.json() as { caseId: string };
    const keyRow = () =>
      api.pool
        .query('SELECT wrapped_key FROM case_data_keys WHERE case_id = $1', [caseId])
        .then((r) => r.rows);
    const key = await keyRow();
    expect(key).toHaveLength(1);
    await api.post(caseworker, `/cases/${caseId}/notes`, { personal: { text: 'later' } });
    // The key's next use is its "first" again: the opening reads no stream before its append, which
    // finds the events in place and writes nothing (no blind index, no key, no audit row of a
    // success); the retry reads the stream and answers from the first opening.
    await api.pool.query('DELETE FROM idempotency_keys');
    const retry = await api.post(caseworker, '/cases', openCaseBody(), headers);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(await eventCount(api, caseStreamId(caseId))).toBe(2);
    expect(await keyRow()).toEqual(key);
  });

  it('opens a case with the data key row it finds left by an earlier failed opening', async () => {
    const headers = { 'idempotency-key': 'orphan-key' };
    // The case id a keyed opening gets (`scopedId`), and its key row left without a stream (an
    // opening whose key was created before an append that failed), forgotten by this process.
    const caseId = scopedId(
      { userId: caseworker.userId, route: 'POST /cases', idempotencyKey: 'orphan-key' },
      'case',
    );
    const cipher = api.app.get<CaseCipher>(CASE_CIPHER);
    await cipher.createCaseKey(caseId);
    cipher.forgetCaseKey(caseId);
    const { rows: before } = await api.pool.query(
      'SELECT wrapped_key FROM case_data_keys WHERE case_id = $1',
      [caseId],
    );
    const opened = await api.post(caseworker, '/cases', openCaseBody(), headers);
    expect(opened.statusCode).toBe(201);
    expect(opened.json().caseId).toBe(caseId);
    const { rows: after } = await api.pool.query(
      'SELECT wrapped_key FROM case_data_keys WHERE case_id = $1',
      [caseId],
    );
    expect(after).toEqual(before);
    // Sealed with that key: it opens with the stored row (the cached key forgotten again).
    cipher.forgetCaseKey(caseId);
    const [stored] = await storedEvents(api, caseId);
    const opening = await openEvent(cipher, caseId, {
      type: stored!.event_type,
      schemaVersion: 1,
      data: stored!.data,
    } as unknown as CaseEvent);
    expect((opening.data as { personal: unknown }).personal).toMatchObject({
      fullName: 'Test Person',
    });
    const note = await api.post(caseworker, `/cases/${caseId}/notes`, { personal: { text: 'x' } });
    expect(note.statusCode).toBe(200);
  });

  it('keeps a released reservation: the next use of the key is not its first, and may carry another body', async () => {
    const { caseId, headers } = await caseAndKey('released');
    const route = `POST /cases/${caseId}/reflection-period`;
    const refused = await api.post(caseworker, `/cases/${caseId}/reflection-period`, {}, headers);
    expect(refused.statusCode).toBe(422);
    const record = () =>
      api.pool
        .query<{ released: boolean; status: number | null }>(
          'SELECT released, status FROM idempotency_keys WHERE route = $1',
          [route],
        )
        .then((r) => r.rows);
    expect(await record()).toEqual([{ released: true, status: null }]);
    await api.post(caseworker, `/cases/${caseId}/victim-status`, statusBody());
    const other = await api.post(
      caseworker,
      `/cases/${caseId}/reflection-period`,
      { days: 90 },
      headers,
    );
    expect(other.statusCode).toBe(200);
    expect(await record()).toEqual([{ released: false, status: 200 }]);
    expect(await eventCount(api, caseStreamId(caseId))).toBe(3);
  });

  it('takes over a reservation left in flight by a dead process once it is stale', async () => {
    const { caseId, headers } = await caseAndKey('stale-1');
    const body = { personal: { text: 'after a crash' } };
    const first = await api.post(caseworker, `/cases/${caseId}/notes`, body, headers);
    await api.pool.query(
      `UPDATE idempotency_keys SET status = NULL, response = NULL, completed_at = NULL, created_at = now() - interval '10 minutes'`,
    );
    const retry = await api.post(caseworker, `/cases/${caseId}/notes`, body, headers);
    expect(retry.statusCode).toBe(200);
    expect(retry.json().revision).toBe(first.json().revision);
    expect(await eventCount(api, caseStreamId(caseId))).toBe(2);
  });

  it('stores only hashes of keys and bodies, and refuses malformed keys', async () => {
    const { rows } = await api.pool.query(
      'SELECT key_hash, route, request_hash, response FROM idempotency_keys',
    );
    expect(rows.length).toBeGreaterThan(0);
    const dump = JSON.stringify(rows);
    for (const clear of ['open-1', 'note-1', 'race-1', 'Test Person', 'first'])
      expect(dump).not.toContain(clear);
    const bad = await api.post(caseworker, '/cases', openCaseBody(), {
      'idempotency-key': 'spaces are not allowed',
    });
    expect(bad.statusCode).toBe(400);
  });
});

function statusBody() {
  return {
    status: 'PossibleVictimOfTrafficking',
    decidingBody: 'NGO',
    decidedOn: '2026-01-10',
    formsOfExploitation: ['ForcedLabour'],
    sectors: ['F_Construction'],
    countriesOfRecruitment: ['UA'],
    countriesOfTransit: [],
    countriesOfExploitation: ['AT'],
    meansOfControl: ['DebtBondage'],
  };
}
