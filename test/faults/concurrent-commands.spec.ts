import type { Pool } from 'pg';
import {
  OPEN_CASE_BODY,
  registerOrganisation,
  realApiPerSuite,
  type RealApi,
} from './support/real-api';
import { caseStreamId } from '@remedy/case-stream';
import { CONFLICT_RETRY } from '@remedy/case-commands';

/**
 * Fault test (issue 8): two hundred commands at once on ONE case, through the real API. Half send
 * no If-Match (one API process runs the commands on a case one at a time, and retries a conflict
 * with another process up to CONFLICT_RETRY: issue 18), half send the If-Match of the same
 * revision (at most one of them can win; the others get 409 from the append, or 412 when they
 * load the case after another one's append). Every command is either
 * acknowledged (200, with its revision) or refused; the stream holds exactly the opening events
 * plus one event per acknowledgement, at contiguous revisions, each acknowledged note once.
 */
const COMMANDS = 200;

describe('two hundred concurrent commands on one case (fault test)', () => {
  const started = realApiPerSuite('contended');
  let api: RealApi;
  let pool: Pool;

  beforeAll(() => {
    ({ api, pool } = started);
  });

  it(`appends or refuses each of ${COMMANDS} concurrent notes, losing and doubling none`, async () => {
    const organisationId = await registerOrganisation(api, 'CONTEND');
    const caseworker = await api.token(['caseworker'], organisationId);
    const supervisor = await api.token(['supervisor'], organisationId);
    const opened = await api.post(caseworker, '/cases', OPEN_CASE_BODY);
    expect(opened.statusCode).toBe(201);
    const { caseId, revision: openedAt } = opened.json() as { caseId: string; revision: number };
    const streamId = caseStreamId(caseId);

    const t0 = Date.now();
    const answers = await Promise.all(
      Array.from({ length: COMMANDS }, async (_, i) => {
        const withIfMatch = i % 2 === 1;
        const res = await api.request(i % 3 === 0 ? supervisor : caseworker, {
          method: 'POST',
          url: `/cases/${caseId}/notes`,
          headers: {
            'content-type': 'application/json',
            ...(withIfMatch ? { 'if-match': `"${openedAt}"` } : {}),
          },
          payload: { personal: { text: `note ${i}` } },
        });
        return {
          i,
          withIfMatch,
          status: res.statusCode,
          body: res.json() as Record<string, unknown>,
        };
      }),
    );
    const ms = Date.now() - t0;

    const acknowledged = answers.filter((a) => a.status === 200);
    const unexpected = answers.filter(
      (a) => a.status !== 200 && a.status !== 409 && !(a.withIfMatch && a.status === 412),
    );
    expect(unexpected.map((a) => `${a.i}: ${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(0);
    // Of the commands sent with the same If-Match, one at most was appended.
    expect(acknowledged.filter((a) => a.withIfMatch).length).toBeLessThanOrEqual(1);
    for (const a of answers.filter((x) => x.status === 409))
      expect(a.body).toMatchObject({
        status: 409,
        type: 'https://remedy.example/problems/conflict',
      });

    // The store: the opening events plus one NoteAdded per acknowledgement, revisions 0..n-1.
    const { rows } = await pool.query<{ revision: string; type: string; note_id: string | null }>(
      `SELECT stream_revision::text AS revision, event_type AS type, data->>'noteId' AS note_id
         FROM events WHERE stream_id = $1 ORDER BY stream_revision`,
      [streamId],
    );
    expect(rows.map((r) => Number(r.revision))).toEqual(rows.map((_, i) => i));
    const notes = rows.filter((r) => r.type === 'NoteAdded');
    expect(rows.length).toBe(openedAt + 1 + acknowledged.length);
    expect(notes.length).toBe(acknowledged.length);
    // Each acknowledgement names its own revision and note, found in the store exactly once.
    const ackRevisions = acknowledged.map((a) => Number(a.body.revision)).sort((x, y) => x - y);
    expect(ackRevisions).toEqual(notes.map((n) => Number(n.revision)));
    expect(new Set(acknowledged.map((a) => a.body.noteId)).size).toBe(acknowledged.length);
    expect(notes.map((n) => n.note_id).sort()).toEqual(
      acknowledged.map((a) => a.body.noteId as string).sort(),
    );
    // The case answers at the final revision (If-Match of the last acknowledgement succeeds).
    const last = Math.max(...ackRevisions);
    const after = await api.request(caseworker, {
      method: 'POST',
      url: `/cases/${caseId}/notes`,
      headers: { 'content-type': 'application/json', 'if-match': `"${last}"` },
      payload: { personal: { text: 'after the storm' } },
    });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ revision: last + 1 });
    console.log(
      `contended case: ${COMMANDS} commands in ${ms} ms → ${acknowledged.length} appended, ` +
        `${answers.filter((a) => a.status === 409).length} × 409, ${answers.filter((a) => a.status === 412).length} × 412`,
    );
  }, 60_000);

  it('appends all of 100 concurrent notes sent without If-Match, at contiguous revisions', async () => {
    // Within one API process the commands on a case run one at a time (StreamQueue), so none
    // loses a race. Between processes a lost race is re-read and re-decided: the retry bound is
    // 8 attempts in all (7 retries after 5, 10, 20, 40, 80, 100, 100 ms, each up to half shorter
    // at random), then 409. With If-Match there is no retry: 412 (or 409 on a lost race).
    expect(CONFLICT_RETRY).toEqual({
      maxAttempts: 8,
      initialDelayMs: 5,
      maxDelayMs: 100,
      jitter: 0.5,
    });
    const organisationId = await registerOrganisation(api, 'CALM');
    const caseworker = await api.token(['caseworker'], organisationId);
    const opened = await api.post(caseworker, '/cases', OPEN_CASE_BODY);
    const { caseId, revision: openedAt } = opened.json() as { caseId: string; revision: number };
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        api.post(caseworker, `/cases/${caseId}/notes`, { personal: { text: `note ${i}` } }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(answers.map(() => 200));
    const revisions = answers.map((a) => (a.json() as { revision: number }).revision);
    expect(revisions.sort((x, y) => x - y)).toEqual(
      Array.from({ length: 100 }, (_, i) => openedAt + 1 + i),
    );
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM events WHERE stream_id = $1 AND event_type = 'NoteAdded'`,
      [caseStreamId(caseId)],
    );
    expect(Number(rows[0]!.n)).toBe(100);
    // If-Match still asks for a version check: the revision the notes started from is stale.
    const stale = await api.request(caseworker, {
      method: 'POST',
      url: `/cases/${caseId}/notes`,
      headers: { 'content-type': 'application/json', 'if-match': `"${openedAt}"` },
      payload: { personal: { text: 'stale' } },
    });
    expect(stale.statusCode).toBe(412);
  }, 60_000);
});
