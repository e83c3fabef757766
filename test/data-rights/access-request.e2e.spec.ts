import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import {
  OPEN_CASE_BODY,
  projectAllUntil,
  registerOrganisation,
  realApiPerSuite,
  type RealApi,
} from '../faults/support/real-api';

/**
 * Issue 4 item 5: the person's access request, through the real API (apps/api ApiModule) on real
 * PostgreSQL: everything held on the person of a case, decrypted, for a supervisor of the holding
 * organisation; no-store, audited, never stored; 404 across organisations, 403 for other roles
 * and for an organisation reaching the case by referral; `{ erased: true }` after erasure.
 */
const MARK = `AccessMarker${randomUUID().slice(0, 8)}`;
const ROUTE = '/cases/:caseId/access-request-export';

describe('the access request export (real API)', () => {
  const started = realApiPerSuite('access-request');
  let api: RealApi;
  let pool: Pool;
  let holderOrg: string;
  let receiverOrg: string;
  let thirdOrg: string;
  let supervisor: string;
  let caseworker: string;
  let caseId: string;
  let lastPosition = '';

  const command = async (token: string, url: string, body: object) => {
    const res = await api.post(token, url, body);
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    lastPosition = (res.json() as { position: string }).position;
    return res.json() as { caseId: string; position: string };
  };
  /** The API runs no projection (the worker does): bring every read model up to date here. */
  const project = () => projectAllUntil(started.db, lastPosition);
  const exportAs = (token: string | undefined, id = caseId) =>
    api.request(token, { method: 'GET', url: `/cases/${id}/access-request-export` });
  /** Row counts of every table of the public schema (what an export could have stored). */
  const tableCounts = async () => {
    const { rows } = await pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const counts: Record<string, number> = {};
    for (const { table_name } of rows)
      counts[table_name] = Number(
        (await pool.query(`SELECT count(*) AS n FROM "${table_name}"`)).rows[0].n,
      );
    return counts;
  };

  beforeAll(async () => {
    ({ api, pool } = started);
    holderOrg = await registerOrganisation(api, 'ARHOLD');
    receiverOrg = await registerOrganisation(api, 'ARRECV');
    thirdOrg = await registerOrganisation(api, 'ARTHRD');
    caseworker = await api.token(['caseworker'], holderOrg);
    supervisor = await api.token(['supervisor'], holderOrg);

    caseId = (
      await command(caseworker, '/cases', {
        ...OPEN_CASE_BODY,
        personal: { fullName: `${MARK} Person`, birthDate: '1990-04-02' },
      })
    ).caseId;
    await command(caseworker, `/cases/${caseId}/notes`, {
      personal: { text: `${MARK} note: prefers morning calls` },
    });
    await command(caseworker, `/cases/${caseId}/consents`, {
      purpose: 'referral',
      receivingOrganisationId: receiverOrg,
      obtainedInLanguage: 'uk',
      interpreterUsed: true,
    });
    await command(caseworker, `/cases/${caseId}/referrals`, {
      toOrganisationId: receiverOrg,
      service: 'Accommodation',
      personal: { text: `${MARK} referral: needs a quiet room` },
    });
    // A read by the holder's caseworker: it must appear in the access history.
    expect(
      (await api.request(caseworker, { method: 'GET', url: `/cases/${caseId}/timeline` }))
        .statusCode,
    ).toBeLessThan(500);
    await project();
  });

  it('gives a supervisor of the holder everything held, decrypted, with no-store, audited, and stores nothing', async () => {
    const before = await tableCounts();
    const res = await exportAs(supervisor);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(body).toMatchObject({
      format: 'remedy-access-request/v1',
      caseId,
      holdingOrganisationId: holderOrg,
      erased: false,
      stored: false,
    });
    // Every event of the stream, with its personal part decrypted.
    const types = (body.events as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(['CaseOpened', 'NoteAdded', 'ConsentGiven', 'CaseReferred']);
    expect(body.events[0].personal).toEqual({
      erased: false,
      value: { fullName: `${MARK} Person`, birthDate: '1990-04-02' },
    });
    expect(body.events[0].actorOrganisationId).toBe(holderOrg);
    expect(body.notes).toHaveLength(1);
    expect(body.notes[0].personal.value.text).toBe(`${MARK} note: prefers morning calls`);
    expect(body.consents).toHaveLength(1);
    expect(body.consents[0].facts).toMatchObject({
      purpose: 'referral',
      receivingOrganisationId: receiverOrg,
    });
    expect(body.referrals).toEqual([
      expect.objectContaining({ toOrganisationId: receiverOrg, service: 'Accommodation' }),
    ]);
    // The read model's view: readable facts and personal fields.
    expect(body.case.caseId).toBe(caseId);
    expect(JSON.stringify(body.case.personal)).toContain(`${MARK} Person`);
    expect(body.facts.liveConsents).toEqual([`referral:${receiverOrg}`]);
    expect(body.claims).toEqual([]);
    // The access history: the caseworker's commands and read of this case, from the audit trail.
    const history = body.accessHistory as { route: string; method: string; outcome: string }[];
    expect(history.map((h) => `${h.method} ${h.route}`)).toEqual(
      expect.arrayContaining(['GET /cases/:caseId/timeline', 'POST /cases/:caseId/notes']),
    );

    // Audited as a read of the case, written before the answer.
    const audit = await pool.query(
      `SELECT outcome, status, case_id FROM audit_trail WHERE route = $1 ORDER BY audit_id DESC LIMIT 1`,
      [ROUTE],
    );
    expect(audit.rows).toEqual([{ outcome: 'allowed', status: 200, case_id: caseId }]);
    // Nothing stored: every table as before but the audit trail (one row: this request).
    const after = await tableCounts();
    expect(after).toEqual({ ...before, audit_trail: before.audit_trail! + 1 });
  });

  it('refuses other roles of the holder (403), a referral receiver (403), other organisations and unknown cases (404), anonymous callers (401), each audited', async () => {
    const statuses: Record<string, number> = {};
    for (const role of ['caseworker', 'legal_aid', 'rapporteur', 'admin'] as const)
      statuses[`holder ${role}`] = (await exportAs(await api.token([role], holderOrg))).statusCode;
    statuses['receiver supervisor'] = (
      await exportAs(await api.token(['supervisor'], receiverOrg))
    ).statusCode;
    statuses['third supervisor'] = (
      await exportAs(await api.token(['supervisor'], thirdOrg))
    ).statusCode;
    statuses['holder supervisor, unknown case'] = (
      await exportAs(supervisor, randomUUID())
    ).statusCode;
    statuses['holder supervisor, not a uuid'] = (await exportAs(supervisor, 'abc')).statusCode;
    statuses.anonymous = (await exportAs(undefined)).statusCode;
    expect(statuses).toEqual({
      'holder caseworker': 403,
      'holder legal_aid': 403,
      'holder rapporteur': 403,
      'holder admin': 403,
      'receiver supervisor': 403,
      'third supervisor': 404,
      'holder supervisor, unknown case': 404,
      'holder supervisor, not a uuid': 404,
      anonymous: 401,
    });
    const denied = await pool.query(
      `SELECT organisation_id, status FROM audit_trail WHERE route = $1 AND outcome = 'denied' AND case_id = $2`,
      [ROUTE, caseId],
    );
    expect(denied.rows).toEqual(
      expect.arrayContaining([
        { organisation_id: thirdOrg, status: 404 },
        { organisation_id: receiverOrg, status: 403 },
      ]),
    );
    const refused = await exportAs(await api.token(['caseworker'], holderOrg));
    expect(refused.body).not.toContain(MARK);
  });

  it('after erasure, every personal field reads { erased: true } and no marker is left in the export', async () => {
    await command(supervisor, `/cases/${caseId}/erasure`, {});
    await project();
    const res = await exportAs(supervisor);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(MARK);
    const body = res.json();
    expect(body.erased).toBe(true);
    const withPersonal = (body.events as { type: string; personal?: unknown }[]).filter(
      (e) => e.personal !== undefined,
    );
    expect(withPersonal.map((e) => e.type)).toEqual(['CaseOpened', 'NoteAdded', 'CaseReferred']);
    for (const e of withPersonal) expect(e.personal).toEqual({ erased: true });
    expect(body.events.at(-1).type).toBe('PersonalDataErased');
    for (const view of Object.values(body.case.personal)) expect(view).toEqual({ erased: true });
  });
});
