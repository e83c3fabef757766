import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { casesProjection, timelineProjection } from '@remedy/case-read-models';
import {
  APPLICATION_ROLE,
  assertRowSecurityEnforced,
  RowSecurityNotEnforcedError,
  withOrganisationScope,
} from '@remedy/database';
import { comparePositions } from '@remedy/event-store';
import { legalAidProjection } from '@remedy/legal-aid';
import { rebuildProjection } from '@remedy/projections';
import { actorsOf, readSidePerSuite } from '../cases/read/support/case-writer';
import { eventually } from '../faults/support/processes';
import { serverUrl } from '../support/database';

/** Every table under row-level security, and the column naming whose rows they are. */
const RLS_TABLES = [
  'case_list',
  'case_referrals',
  'case_timeline',
  'due_reminders',
  'legal_aid_cases',
  'legal_aid_claims',
  'person_blind_index',
  'person_match_tokens',
  'person_duplicate_decisions',
] as const;

const projections = [casesProjection, timelineProjection, legalAidProjection];

describe('row-level security on the read models (PostgreSQL)', () => {
  const h = readSidePerSuite(projections);
  const a = actorsOf();
  const b = actorsOf();
  const lawyer = actorsOf();
  let caseOfA: string;
  let caseOfB: string;

  const count = (org: string | null, table: string) =>
    withOrganisationScope(h.ds, org, async (s) =>
      Number((await s.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n),
    );
  const caseIdsIn = (org: string | null, table: string) =>
    withOrganisationScope(h.ds, org, async (s) =>
      (await s.query<{ case_id: string }>(`SELECT DISTINCT case_id::text FROM ${table}`))
        .map((r) => r.case_id)
        .sort(),
    );
  const project = async () => {
    // A rebuild reads to the store's head, which stops at the oldest transaction still running on
    // the server (other test files run beside this one): wait until the head has passed the
    // writer's last append, so the rebuild sees every event written above.
    await eventually(
      'the head passes the last append',
      async () => comparePositions(await h.store.headPosition(), h.writer.lastPosition) >= 0,
    );
    for (const projection of projections) {
      await rebuildProjection({ dataSource: h.ds, eventStore: h.store, projection });
    }
  };

  beforeAll(async () => {
    const w = h.writer;
    caseOfA = await w.open(a.caseworker, { sequence: 1, birthDate: '1990-04-02' });
    caseOfB = await w.open(b.caseworker, { sequence: 2, birthDate: '1991-05-03' });
    // B refers its case to A with the person's consent: A may read it (a consent-based grant).
    await w.refer(caseOfB, b.caseworker, a.organisationId, {
      service: 'Accommodation',
      interpreterUsed: false,
      text: 'needs a shelter place',
    });
    // A grants a legal-aid organisation access to its case, with the person's consent.
    await w.run(caseOfA, {
      type: 'GiveConsent',
      actor: a.caseworker,
      purpose: 'legal_aid_access',
      receivingOrganisationId: lawyer.organisationId,
      obtainedInLanguage: 'uk',
      interpreterUsed: false,
    });
    await w.run(caseOfA, {
      type: 'GrantLegalAidAccess',
      actor: a.caseworker,
      legalAidOrganisationId: lawyer.organisationId,
    });
    await project();
    // Rows the projections do not write here: a due reminder and a blind index per organisation,
    // and a claim of A's case (written as the login role, which bypasses RLS).
    for (const [org, caseId] of [
      [a.organisationId, caseOfA],
      [b.organisationId, caseOfB],
    ] as const) {
      await h.ds.query(
        `INSERT INTO due_reminders (reminder_id, case_id, organisation_id, kind, due_on) VALUES ($1, $2, $3, 'reflection', '2026-12-01')`,
        [randomUUID(), caseId, org],
      );
      await h.ds.query(
        `INSERT INTO person_blind_index (organisation_id, blind_index, case_id, case_reference) VALUES ($1, $2, $3, 'X-1')`,
        [org, randomUUID(), caseId],
      );
      // Issue 19: the person's matching tokens and a decided pair, per organisation.
      await h.ds.query(
        `INSERT INTO person_match_tokens (case_id, organisation_id, case_reference, opened_on, version, tokens, blocking)
         VALUES ($1, $2, 'X-1', '2026-11-01', 'v', ARRAY['n.x'], ARRAY['n.x'])`,
        [caseId, org],
      );
      await h.ds.query(
        `INSERT INTO person_duplicate_decisions (case_id, other_case_id, organisation_id, decision, decision_id)
         VALUES ($1, $2, $3, 'not_same_person', $2)`,
        [caseId, randomUUID(), org],
      );
    }
    await h.ds.query(
      `INSERT INTO legal_aid_claims (claim_id, case_id, avenue, respondent_kind, currency, status, claimed, claimed_total,
         paid_total, outstanding, filed_on, filed_late, last_revision, updated_at)
       VALUES ($1, $2, 'civil', 'trafficker', 'EUR', 'filed', '[]', 100, 0, 100, '2026-11-01', false, 0, now())`,
      [randomUUID(), caseOfA],
    );
  }, 60_000);

  it('the application role owns no table, is no superuser and has no BYPASSRLS', async () => {
    const [role] = await h.ds.query(
      `SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = $1`,
      [APPLICATION_ROLE],
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, rolcanlogin: false });
    const owned = await h.ds.query(
      `SELECT relname FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)`,
      [APPLICATION_ROLE],
    );
    expect(owned).toEqual([]);
    const forced = await h.ds.query(
      `SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity AND relname = ANY($1::text[]) ORDER BY relname`,
      [RLS_TABLES],
    );
    expect(forced.map((r: { relname: string }) => r.relname)).toEqual([...RLS_TABLES].sort());
  });

  it('with no organisation set, the application role sees zero rows of every RLS table (while rows exist)', async () => {
    for (const table of RLS_TABLES) {
      const [all] = await h.ds.query(`SELECT count(*)::int AS n FROM ${table}`);
      expect({ table, exists: all.n > 0 }).toEqual({ table, exists: true });
      expect({ table, seen: await count(null, table) }).toEqual({ table, seen: 0 });
    }
  });

  it("with organisation A set, it sees A's rows and the rows a consent-based grant gives A, nothing else", async () => {
    const sorted = (...ids: string[]) => ids.sort();
    expect(await caseIdsIn(a.organisationId, 'case_list')).toEqual(sorted(caseOfA, caseOfB));
    expect(await caseIdsIn(a.organisationId, 'case_timeline')).toEqual(sorted(caseOfA, caseOfB));
    expect(await caseIdsIn(a.organisationId, 'case_referrals')).toEqual([caseOfB]);
    expect(await caseIdsIn(a.organisationId, 'due_reminders')).toEqual([caseOfA]);
    expect(await caseIdsIn(a.organisationId, 'person_blind_index')).toEqual([caseOfA]);
    expect(await caseIdsIn(a.organisationId, 'person_match_tokens')).toEqual([caseOfA]);
    expect(await caseIdsIn(a.organisationId, 'person_duplicate_decisions')).toEqual([caseOfA]);
    expect(await caseIdsIn(b.organisationId, 'person_match_tokens')).toEqual([caseOfB]);
    expect(await caseIdsIn(a.organisationId, 'legal_aid_cases')).toEqual([caseOfA]);
    expect(await caseIdsIn(a.organisationId, 'legal_aid_claims')).toEqual([caseOfA]);
    // B holds its own case only (A's case is not referred to B).
    expect(await caseIdsIn(b.organisationId, 'case_list')).toEqual([caseOfB]);
    expect(await caseIdsIn(b.organisationId, 'case_timeline')).toEqual([caseOfB]);
    expect(await caseIdsIn(b.organisationId, 'due_reminders')).toEqual([caseOfB]);
    // The legal-aid organisation: the legal-aid view of A's case and its claims; no full case.
    expect(await caseIdsIn(lawyer.organisationId, 'legal_aid_cases')).toEqual([caseOfA]);
    expect(await caseIdsIn(lawyer.organisationId, 'legal_aid_claims')).toEqual([caseOfA]);
    expect(await caseIdsIn(lawyer.organisationId, 'case_list')).toEqual([]);
    expect(await caseIdsIn(lawyer.organisationId, 'case_timeline')).toEqual([]);
    // Another organisation sees nothing; the organisation id is compared case-insensitively.
    for (const table of RLS_TABLES) expect(await count(randomUUID(), table)).toBe(0);
    expect(await caseIdsIn(a.organisationId.toUpperCase(), 'case_list')).toEqual(
      sorted(caseOfA, caseOfB),
    );
  });

  it('the application role cannot write the read models, nor reach another organisation by writing', async () => {
    await expect(
      withOrganisationScope(h.ds, a.organisationId, (s) => s.query(`DELETE FROM case_list`)),
    ).rejects.toThrow(/permission denied for table case_list/);
    // Marking a reminder done (its one write) only touches its own organisation's rows.
    await withOrganisationScope(h.ds, a.organisationId, (s) =>
      s.query(`UPDATE due_reminders SET done_at = now()`),
    );
    const done = await h.ds.query(
      `SELECT case_id FROM due_reminders WHERE done_at IS NOT NULL ORDER BY case_id`,
    );
    expect(done).toEqual([{ case_id: caseOfA }]);
    await h.ds.query(`UPDATE due_reminders SET done_at = NULL`);
  });

  it('the grant disappears when the person withdraws consent', async () => {
    await h.writer.run(caseOfB, {
      type: 'WithdrawConsent',
      actor: b.caseworker,
      purpose: 'referral',
      receivingOrganisationId: a.organisationId,
    });
    await h.writer.run(caseOfA, {
      type: 'WithdrawConsent',
      actor: a.caseworker,
      purpose: 'legal_aid_access',
      receivingOrganisationId: lawyer.organisationId,
    });
    await project();
    expect(await caseIdsIn(a.organisationId, 'case_list')).toEqual([caseOfA]);
    expect(await caseIdsIn(a.organisationId, 'case_timeline')).toEqual([caseOfA]);
    expect(await caseIdsIn(lawyer.organisationId, 'legal_aid_cases')).toEqual([]);
    expect(await caseIdsIn(lawyer.organisationId, 'legal_aid_claims')).toEqual([]);
    // The holders still see their cases.
    expect(await caseIdsIn(b.organisationId, 'case_list')).toEqual([caseOfB]);
    expect(await caseIdsIn(a.organisationId, 'legal_aid_cases')).toEqual([caseOfA]);
  });

  it('the application role can insert and read audit rows, never update or delete them', async () => {
    const requestId = `rls-${randomUUID()}`;
    await withOrganisationScope(h.ds, a.organisationId, (s) =>
      s.query(
        `INSERT INTO audit_trail (request_id, user_id, organisation_id, roles, method, route, status, outcome)
         VALUES ($1, $2, $3, ARRAY['caseworker'], 'GET', '/cases', 200, 'allowed')`,
        [requestId, a.caseworker.userId, a.organisationId],
      ),
    );
    const read = await withOrganisationScope(h.ds, a.organisationId, (s) =>
      s.query(`SELECT request_id FROM audit_trail WHERE request_id = $1`, [requestId]),
    );
    expect(read).toEqual([{ request_id: requestId }]);
    // Refused by privilege (not only by the append-only trigger, which would say "append-only").
    await expect(
      withOrganisationScope(h.ds, a.organisationId, (s) =>
        s.query(`UPDATE audit_trail SET status = 500 WHERE request_id = $1`, [requestId]),
      ),
    ).rejects.toThrow(/permission denied for table audit_trail/);
    await expect(
      withOrganisationScope(h.ds, a.organisationId, (s) =>
        s.query(`DELETE FROM audit_trail WHERE request_id = $1`, [requestId]),
      ),
    ).rejects.toThrow(/permission denied for table audit_trail/);
    await expect(
      withOrganisationScope(h.ds, a.organisationId, (s) => s.query(`TRUNCATE audit_trail`)),
    ).rejects.toThrow(/permission denied for table audit_trail/);
  });

  it('the organisation set for one transaction does not outlive it on the pooled connection', async () => {
    await count(a.organisationId, 'case_list');
    const [row] = await h.ds.query(`SELECT current_user AS who, remedy_organisation() AS org`);
    expect(row.org).toBeNull();
    expect(row.who).not.toBe(APPLICATION_ROLE);
  });

  describe('start-up check', () => {
    const bypassRole = `remedy_test_bypass_${process.pid}`;
    let admin: Client;

    beforeAll(async () => {
      admin = new Client({ connectionString: serverUrl() });
      await admin.connect();
      await admin.query(`DROP ROLE IF EXISTS ${bypassRole}`);
      await admin.query(`CREATE ROLE ${bypassRole} NOLOGIN BYPASSRLS`);
    });

    afterAll(async () => {
      await admin.query(`DROP ROLE IF EXISTS ${bypassRole}`).catch(() => undefined);
      await admin.end();
    });

    it('accepts the application role', async () => {
      await expect(assertRowSecurityEnforced(h.ds)).resolves.toBeUndefined();
    });

    it('refuses a role with BYPASSRLS', async () => {
      await expect(assertRowSecurityEnforced(h.ds, { role: bypassRole })).rejects.toThrow(
        /Refusing to start: .*bypasses row-level security \(BYPASSRLS\)/,
      );
    });

    it('refuses reads as the login superuser (no role switch)', async () => {
      const [{ who }] = await h.ds.query(`SELECT current_user AS who`);
      await expect(assertRowSecurityEnforced(h.ds, { role: who })).rejects.toThrow(
        /bypasses row-level security \(superuser\)/,
      );
    });

    it('refuses a role the login cannot switch to', async () => {
      await expect(
        assertRowSecurityEnforced(h.ds, { role: `remedy_missing_${process.pid}` }),
      ).rejects.toBeInstanceOf(RowSecurityNotEnforcedError);
    });
  });
});
