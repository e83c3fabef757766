import { randomUUID } from 'node:crypto';
import { AuditModule, type AuditRow } from '@remedy/audit';
import type { ApiApp, TestUser } from '../support/api-app';
import {
  caseReadSide,
  createCommandsApp,
  openCase,
  openCaseBody,
  organisationWithStaff,
  type OrganisationWithStaff,
} from '../cases/commands/support';

/**
 * Issue 4, "Who may see what": the audit trail (every read of a case's personal data and every
 * command, allowed or refused, written before the answer) and consent-based read access for the
 * receiver of a referral, through the API's composition on real PostgreSQL.
 */

const FULL_NAME = 'Audit Trail Person';

/** The audit rows as these tests select them (all but the time). */
type Row = Omit<AuditRow, 'recorded_at'>;

describe('audit trail and consent-based access (API)', () => {
  let api: ApiApp;
  let holder: OrganisationWithStaff;
  let receiver: OrganisationWithStaff;
  let third: OrganisationWithStaff;
  let caseId: string;
  let lastPosition: string;

  const rows = async (where = 'TRUE', params: unknown[] = []): Promise<Row[]> =>
    (
      await api.pool.query(
        `SELECT audit_id::text, user_id, organisation_id, roles, method, route, case_id,
                case_ids::text[] AS case_ids, status, outcome, rule, request_id
           FROM audit_trail WHERE ${where} ORDER BY audit_trail.audit_id`,
        params,
      )
    ).rows as Row[];
  const lastRow = async (user: TestUser): Promise<Row> => {
    const mine = await rows('user_id = $1', [user.userId]);
    return mine[mine.length - 1]!;
  };
  const command = async (user: TestUser, url: string, body: object = {}) => {
    const res = await api.post(user, url, body);
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    lastPosition = res.json().position;
    return res.json() as { revision: number; position: string; [k: string]: unknown };
  };
  const read = (user: TestUser, url: string) =>
    api.get(user, url, { 'x-min-position': lastPosition });

  beforeAll(async () => {
    api = await createCommandsApp(caseReadSide(), { modules: [AuditModule.forRoot()] });
    const admin = await api.user(['admin']);
    holder = await organisationWithStaff(api, admin);
    receiver = await organisationWithStaff(api, admin);
    third = await organisationWithStaff(api, admin);
    const opened = await openCase(
      api,
      holder.caseworker,
      openCaseBody({ personal: { fullName: FULL_NAME, birthDate: '1990-04-02' } }),
    );
    caseId = opened.caseId;
    lastPosition = opened.position;
  });

  afterAll(async () => {
    await api?.close();
  });

  it('records a command: who, organisation, route template, case, status (the new case id from the answer)', async () => {
    const opened = (await rows(`route = '/cases' AND method = 'POST'`)).find((r) =>
      r.case_ids.includes(caseId),
    );
    expect(opened).toMatchObject({
      user_id: holder.caseworker.userId,
      organisation_id: holder.organisationId,
      roles: ['caseworker'],
      case_id: null,
      status: 201,
      outcome: 'allowed',
      rule: null,
    });
    await command(holder.caseworker, `/cases/${caseId}/notes`, {
      personal: { text: 'called back' },
    });
    expect(await lastRow(holder.caseworker)).toMatchObject({
      method: 'POST',
      route: '/cases/:caseId/notes',
      case_id: caseId,
      status: 200,
      outcome: 'allowed',
    });
  });

  it('records a read of personal data before answering it: detail, timeline, as-of, search results', async () => {
    const detail = await read(holder.caseworker, `/cases/${caseId}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json().personal.opening.value.fullName).toBe(FULL_NAME);
    expect(await lastRow(holder.caseworker)).toMatchObject({
      method: 'GET',
      route: '/cases/:caseId',
      case_id: caseId,
      status: 200,
      outcome: 'allowed',
    });
    expect((await read(holder.caseworker, `/cases/${caseId}/timeline?limit=5`)).statusCode).toBe(
      200,
    );
    expect((await lastRow(holder.caseworker)).route).toBe('/cases/:caseId/timeline');
    const asOf = await read(
      holder.caseworker,
      `/cases/${caseId}/as-of?recordedAt=${new Date().toISOString()}`,
    );
    expect(asOf.statusCode).toBe(200);
    expect((await lastRow(holder.caseworker)).route).toBe('/cases/:caseId/as-of');
    const search = await api.post(holder.caseworker, '/cases/search', {
      fullName: FULL_NAME,
      birthDate: '1990-04-02',
    });
    expect(search.json().matches).toEqual([expect.objectContaining({ caseId })]);
    expect(await lastRow(holder.caseworker)).toMatchObject({
      method: 'POST',
      route: '/cases/search',
      case_id: null,
      case_ids: [caseId],
      status: 200,
    });
  });

  it('records refusals with their status and rule: 404 for another organisation, 400, 422 naming the rule', async () => {
    const guess = await read(third.caseworker, `/cases/${caseId}`);
    expect(guess.statusCode).toBe(404);
    expect(await lastRow(third.caseworker)).toMatchObject({
      organisation_id: third.organisationId,
      route: '/cases/:caseId',
      case_id: caseId,
      status: 404,
      outcome: 'denied',
      rule: 'NOT_FOUND',
    });
    // A command on another organisation's case: 404, never 403, and recorded.
    const act = await api.post(third.caseworker, `/cases/${caseId}/notes`, {
      personal: { text: 'x' },
    });
    expect(act.statusCode).toBe(404);
    expect(await lastRow(third.caseworker)).toMatchObject({
      method: 'POST',
      status: 404,
      outcome: 'denied',
    });
    // Invalid input: the pipe's 400 passes through the same hook.
    const bad = await api.post(holder.caseworker, `/cases/${caseId}/reflection-period`, {
      days: 'many',
    });
    expect(bad.statusCode).toBe(400);
    expect(await lastRow(holder.caseworker)).toMatchObject({ status: 400, rule: 'INVALID_INPUT' });
    // Rule 2: a referral without the person's consent is refused, and the rule id is kept.
    const refused = await api.post(holder.caseworker, `/cases/${caseId}/referrals`, {
      toOrganisationId: receiver.organisationId,
      service: 'Psychological',
    });
    expect(refused.statusCode).toBe(422);
    expect(await lastRow(holder.caseworker)).toMatchObject({
      route: '/cases/:caseId/referrals',
      status: 422,
      outcome: 'denied',
      rule: 'RULE_2_SHARING_CONSENT_REQUIRED',
    });
  });

  it('lets the receiver of a consented referral read the case, until the consent is withdrawn (next request: 404)', async () => {
    expect((await read(receiver.caseworker, `/cases/${caseId}`)).statusCode).toBe(404);
    await command(holder.caseworker, `/cases/${caseId}/consents`, {
      purpose: 'referral',
      receivingOrganisationId: receiver.organisationId,
      obtainedInLanguage: 'uk',
      interpreterUsed: true,
    });
    const referred = await command(holder.caseworker, `/cases/${caseId}/referrals`, {
      toOrganisationId: receiver.organisationId,
      service: 'Psychological',
      personal: { text: 'needs counselling' },
    });
    // Read your writes: the referral's position, no polling.
    const detail = await read(receiver.caseworker, `/cases/${caseId}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({
      caseId,
      organisationId: holder.organisationId,
      revision: referred.revision,
      personal: { opening: { value: { fullName: FULL_NAME } } },
    });
    const timeline = await read(receiver.caseworker, `/cases/${caseId}/timeline`);
    expect(timeline.statusCode).toBe(200);
    expect(timeline.json().items.map((e: { type: string }) => e.type)).toContain('CaseReferred');
    expect(await lastRow(receiver.caseworker)).toMatchObject({
      organisation_id: receiver.organisationId,
      route: '/cases/:caseId/timeline',
      status: 200,
    });
    // After acceptance too.
    await command(
      receiver.caseworker,
      `/cases/${caseId}/referrals/${String(referred.referralId)}/accept`,
    );
    expect((await read(receiver.caseworker, `/cases/${caseId}`)).statusCode).toBe(200);
    // A third organisation never reaches it.
    expect((await read(third.caseworker, `/cases/${caseId}`)).statusCode).toBe(404);
    expect((await read(third.caseworker, `/cases/${caseId}/timeline`)).statusCode).toBe(404);

    // The person withdraws the consent: the very next request is refused (no X-Min-Position).
    await command(holder.caseworker, `/cases/${caseId}/consents/withdraw`, {
      purpose: 'referral',
      receivingOrganisationId: receiver.organisationId,
    });
    const before = (await rows('organisation_id = $1', [receiver.organisationId])).length;
    expect((await api.get(receiver.caseworker, `/cases/${caseId}`)).statusCode).toBe(404);
    expect((await api.get(receiver.supervisor, `/cases/${caseId}/timeline`)).statusCode).toBe(404);
    expect(
      (
        await api.get(
          receiver.caseworker,
          `/cases/${caseId}/as-of?recordedAt=${new Date().toISOString()}`,
        )
      ).statusCode,
    ).toBe(404);
    const denied = (await rows('organisation_id = $1', [receiver.organisationId])).slice(before);
    expect(denied.map((r) => [r.route, r.status, r.outcome, r.case_id])).toEqual([
      ['/cases/:caseId', 404, 'denied', caseId],
      ['/cases/:caseId/timeline', 404, 'denied', caseId],
      ['/cases/:caseId/as-of', 404, 'denied', caseId],
    ]);
    // Commands are cut off as well (the same decision).
    expect(
      (await api.post(receiver.caseworker, `/cases/${caseId}/notes`, { personal: { text: 'x' } }))
        .statusCode,
    ).toBe(404);
  });

  it("guessing another organisation's case ids answers 404, never 403, and each attempt is in the trail", async () => {
    const guesses = [caseId, randomUUID(), randomUUID()];
    for (const id of guesses) {
      for (const path of ['', '/timeline', '/access-history']) {
        const res = await api.get(third.supervisor, `/cases/${id}${path}`);
        expect({ path, status: res.statusCode }).toEqual({ path, status: 404 });
      }
    }
    const attempts = await rows('user_id = $1', [third.supervisor.userId]);
    expect(attempts).toHaveLength(9);
    expect(new Set(attempts.map((r) => r.case_id))).toEqual(new Set(guesses));
    expect(attempts.every((r) => r.status === 404 && r.outcome === 'denied')).toBe(true);
  });

  it("shows a case's access history to the holding organisation's supervisors only", async () => {
    const res = await api.get(holder.supervisor, `/cases/${caseId}/access-history?limit=500`);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as {
      organisationId: string;
      route: string;
      status: number;
      userId: string;
    }[];
    // Newest first; the other organisations' refused attempts are there.
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          organisationId: third.organisationId,
          route: '/cases/:caseId',
          status: 404,
        }),
        expect.objectContaining({
          organisationId: receiver.organisationId,
          route: '/cases/:caseId/timeline',
          status: 200,
        }),
        expect.objectContaining({
          userId: holder.caseworker.userId,
          route: '/cases/search',
          status: 200,
        }),
      ]),
    );
    expect(JSON.stringify(res.json())).not.toContain(FULL_NAME);
    // Paging.
    const page = await api.get(holder.supervisor, `/cases/${caseId}/access-history?limit=2`);
    const next = await api.get(
      holder.supervisor,
      `/cases/${caseId}/access-history?limit=2&before=${page.json().nextBefore}`,
    );
    expect(page.json().items).toHaveLength(2);
    expect(next.json().items[0].auditId).not.toBe(page.json().items[1].auditId);
    expect(BigInt(next.json().items[0].auditId)).toBeLessThan(BigInt(page.json().items[1].auditId));
    // A caseworker of the holder: a known case, not allowed (403). Anyone else: 404.
    expect((await api.get(holder.caseworker, `/cases/${caseId}/access-history`)).statusCode).toBe(
      403,
    );
    expect((await api.get(receiver.supervisor, `/cases/${caseId}/access-history`)).statusCode).toBe(
      404,
    );
    expect((await api.get(holder.supervisor, `/cases/not-a-uuid/access-history`)).statusCode).toBe(
      404,
    );
  });

  it('exports the trail to administrators only, streamed as NDJSON or CSV, without personal data', async () => {
    const admin = await api.user(['admin']);
    expect((await api.get(holder.supervisor, '/admin/audit-trail')).statusCode).toBe(403);
    const ndjson = await api.get(
      admin,
      `/admin/audit-trail?from=2020-01-01T00:00:00Z&to=${new Date(Date.now() + 60_000).toISOString()}`,
    );
    expect(ndjson.statusCode).toBe(200);
    expect(ndjson.headers['content-type']).toContain('application/x-ndjson');
    const lines = ndjson.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // Every row, the export's own included (it is committed before the stream starts).
    expect(lines.length).toBe((await rows()).length);
    expect(lines[lines.length - 1]).toMatchObject({
      userId: admin.userId,
      route: '/admin/audit-trail',
      status: 200,
    });
    expect(lines[0]).toEqual(
      expect.objectContaining({
        auditId: expect.any(String),
        recordedAt: expect.any(String),
        route: expect.any(String),
      }),
    );
    const csv = await api.get(admin, '/admin/audit-trail?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const csvLines = csv.body.trim().split('\n');
    expect(csvLines[0]).toBe(
      'auditId,recordedAt,requestId,userId,organisationId,roles,method,route,caseId,caseIds,status,outcome,rule',
    );
    // Header + every row recorded before `to` (default: when the request was handled, so this
    // export's own row, committed just after, falls outside the window).
    expect(csvLines.length).toBe((await rows()).length);
    for (const body of [ndjson.body, csv.body]) {
      expect(body).not.toContain(FULL_NAME);
      expect(body).not.toContain('called back');
      expect(body).not.toMatch(/\/cases\/[0-9a-f]{8}-/); // route templates, never URLs with ids
    }
    // An empty window streams nothing.
    const empty = await api.get(
      admin,
      '/admin/audit-trail?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z',
    );
    expect(empty.body).toBe('');
    expect((await api.get(admin, '/admin/audit-trail?from=yesterday')).statusCode).toBe(400);
  });

  it('cannot be edited: UPDATE, DELETE and TRUNCATE raise', async () => {
    await expect(api.pool.query(`UPDATE audit_trail SET status = 200`)).rejects.toThrow(
      /append-only/,
    );
    await expect(api.pool.query(`DELETE FROM audit_trail`)).rejects.toThrow(/append-only/);
    await expect(api.pool.query(`TRUNCATE audit_trail`)).rejects.toThrow(/append-only/);
    // Shapes that could carry personal data are refused by the table itself.
    await expect(
      api.pool.query(
        `INSERT INTO audit_trail (request_id, user_id, organisation_id, roles, method, route, status, outcome)
         VALUES ('r', $1, $1, '{caseworker}', 'GET', '/cases?name=Ana Example', 200, 'allowed')`,
        [randomUUID()],
      ),
    ).rejects.toThrow(/check constraint/);
  });

  it('answers 503 and no data when the audit row cannot be written (reads and commands)', async () => {
    await api.pool.query(`ALTER TABLE audit_trail RENAME TO audit_trail_away`);
    try {
      const detail = await api.get(holder.caseworker, `/cases/${caseId}`);
      expect(detail.statusCode).toBe(503);
      expect(detail.body).not.toContain(FULL_NAME);
      expect(detail.json().detail).toMatch(/audit trail/);
      const denied = await api.get(third.caseworker, `/cases/${caseId}`);
      expect(denied.statusCode).toBe(503);
      const note = await api.post(holder.caseworker, `/cases/${caseId}/notes`, {
        personal: { text: 'unaudited?' },
      });
      expect(note.statusCode).toBe(503);
    } finally {
      await api.pool.query(`ALTER TABLE audit_trail_away RENAME TO audit_trail`);
    }
    expect((await api.get(holder.caseworker, `/cases/${caseId}`)).statusCode).toBe(200);
  });
});
