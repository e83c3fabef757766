import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { AccessPolicyModule } from '@remedy/access-policy';
import { CASE_CIPHER, type CaseCommandsModule } from '@remedy/case-commands';
import type { CaseCipher } from '@remedy/crypto';
import { EVENT_STORE, type EventStore } from '@remedy/event-store';
import {
  LinkageEncoder,
  LinkageModule,
  linkageCasesProjection,
  loadLinkageSecret,
  rotateLinkageSecret,
  runLinkage,
} from '@remedy/linkage';
import { ProjectionRunners } from '@remedy/projections';
import { databaseUrl } from '../support/database';
import {
  caseReadSide,
  createCommandsApp,
  openCase,
  openCaseBody,
  organisationWithStaff,
  type ApiApp,
} from '../cases/commands/support';
import { perSuite } from '../support/per-suite';

type Org = Awaited<ReturnType<typeof organisationWithStaff>>;

/**
 * Record linkage across organisations (issue 19 part 2), end to end on PostgreSQL: the cases'
 * `linkage.cases` projection and the worker's encoder (organisation side), the linkage unit
 * connected as the `remedy_linkage` role, the consent-gated answer, erasure, objection, rotation.
 */
describe('record linkage across organisations (PostgreSQL, the remedy_linkage role)', () => {
  const api = perSuite(() =>
    createCommandsApp(caseReadSide(), {
      modules: [
        AccessPolicyModule.forRoot() as unknown as typeof CaseCommandsModule,
        LinkageModule.forApi() as unknown as typeof CaseCommandsModule,
      ],
      projections: [linkageCasesProjection],
    }),
  );
  const tag = randomUUID().slice(0, 8).toUpperCase();
  const marker = (what: string) => `Mark${what}${tag}`;
  let unit: Pool;
  let encoder: LinkageEncoder;
  let a: Org;
  let b: Org;

  beforeAll(async () => {
    // The role is NOLOGIN from the migration; the operator (or the supervisor) gives it LOGIN.
    await api.pool.query('ALTER ROLE remedy_linkage LOGIN');
    const url = new URL(databaseUrl(api.db.name));
    url.username = 'remedy_linkage';
    url.password = '';
    unit = new Pool({ connectionString: url.toString(), max: 2 });
    unit.on('error', () => undefined); // its idle connections end when the database is dropped
    encoder = new LinkageEncoder({
      pool: api.pool,
      store: api.app.get<EventStore>(EVENT_STORE),
      cipher: api.app.get<CaseCipher>(CASE_CIPHER),
      secret: await loadLinkageSecret({ dataDir: api.dataDir }),
    });
    const admin = await api.user(['admin']);
    a = await organisationWithStaff(api, admin);
    b = await organisationWithStaff(api, admin);
  });
  afterAll(async () => {
    await unit?.end();
  });

  /** Waits until the projection has seen every case (rows in `linkage_cases` at the revision). */
  async function projected(
    app: ApiApp,
    check: () => Promise<boolean>,
    what = 'projection',
  ): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    const status = app.app.get(ProjectionRunners).status();
    const failing = status.find((s) => s.lastError)?.lastError ?? 'no runner error';
    throw new Error(`timed out waiting for the ${what} (${failing})`);
  }
  const caseRow = async (caseId: string) =>
    (await api.pool.query('SELECT * FROM linkage_cases WHERE case_id = $1', [caseId])).rows[0];
  const recordOf = async (caseId: string) =>
    (await api.pool.query('SELECT * FROM linkage_records WHERE case_id = $1', [caseId])).rows[0] as
      { record_id: string; secret_version: number; organisation_id: string } | undefined;
  const clusterOf = async (recordId: string) =>
    (
      await unit.query('SELECT cluster_id FROM linkage.record_clusters WHERE record_id = $1', [
        recordId,
      ])
    ).rows[0]?.cluster_id as string | undefined;

  async function openPerson(org: Org, fullName: string, birthDate = '1991-03-14') {
    const { caseId } = await openCase(
      api,
      org.caseworker,
      openCaseBody({
        personal: { fullName, birthDate, contacts: [`+43 660 ${marker('PHONE')}`] },
        profile: {
          sexGender: 'Masculine',
          ageUncertain: false,
          citizenships: ['UA'],
          languages: ['uk'],
        },
      }),
    );
    await projected(api, async () => (await caseRow(caseId)) !== undefined);
    return caseId;
  }

  /** Every value of every column of schema `linkage`, as text (bytea as its raw bytes in latin1). */
  async function linkageSchemaText(): Promise<string> {
    const cols = await api.pool.query<{
      table_name: string;
      column_name: string;
      data_type: string;
    }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'linkage' ORDER BY table_name, ordinal_position`,
    );
    expect(cols.rows.map((c) => c.table_name)).toEqual(
      expect.arrayContaining(['encodings', 'pairs', 'record_clusters', 'runs']),
    );
    let all = '';
    for (const c of cols.rows) {
      const rows = await api.pool.query(
        `SELECT "${c.column_name}" AS v FROM linkage."${c.table_name}"`,
      );
      for (const r of rows.rows) {
        const v = r.v as unknown;
        all += Buffer.isBuffer(v) ? v.toString('latin1') : JSON.stringify(v);
        all += '\n';
      }
    }
    return all;
  }

  let matchA: string;
  let matchB: string;
  let loner: string;

  it('links two organisations’ cases of the same person spelled differently; the unit learns opaque ids and scores only', async () => {
    matchA = await openPerson(a, `Oleksandr ${marker('Petrenko')}`);
    matchB = await openPerson(b, `Olexandr ${marker('Petrenko')}`);
    loner = await openPerson(b, `Maria ${marker('Kowalska')}`, '1984-11-02');
    expect((await encoder.encodeAllDue()).failed).toEqual([]);

    const [ra, rb, rl] = [await recordOf(matchA), await recordOf(matchB), await recordOf(loner)];
    expect(ra?.organisation_id).toBe(a.organisationId);
    expect(rb?.organisation_id).toBe(b.organisationId);
    expect(new Set([ra!.record_id, rb!.record_id, rl!.record_id]).size).toBe(3);

    const run = await runLinkage(unit);
    expect(run).toMatchObject({ skipped: false, encodings: 3 });
    const pairs = (await unit.query('SELECT record_a, record_b, score FROM linkage.pairs')).rows;
    expect(pairs).toEqual([
      {
        record_a: [ra!.record_id, rb!.record_id].sort()[0],
        record_b: [ra!.record_id, rb!.record_id].sort()[1],
        score: expect.any(Number),
      },
    ]);
    expect(await clusterOf(ra!.record_id)).toBe(await clusterOf(rb!.record_id));
    expect(await clusterOf(rl!.record_id)).not.toBe(await clusterOf(ra!.record_id));
    // A second run over the same encodings changes nothing (skipped).
    expect((await runLinkage(unit)).skipped).toBe(true);

    // Neither organisation's linkage rows, nor anything of schema linkage, hold a name in clear.
    const text = await linkageSchemaText();
    const mapping =
      JSON.stringify((await api.pool.query('SELECT * FROM linkage_records')).rows) +
      JSON.stringify((await api.pool.query('SELECT * FROM linkage_cases')).rows);
    for (const m of [
      marker('Petrenko'),
      marker('Kowalska'),
      marker('PHONE'),
      'Oleksandr',
      'Olexandr',
      'Maria',
      '1991',
      '1984',
    ]) {
      expect(text).not.toContain(m);
      expect(text.toLowerCase()).not.toContain(m.toLowerCase());
      expect(mapping.toLowerCase()).not.toContain(m.toLowerCase());
    }
  });

  it('the linkage role reaches its own schema only: no key, no case, no event, no organisation table, not the mapping', async () => {
    const denied = async (sql: string) => {
      await expect(unit.query(sql)).rejects.toMatchObject({ code: '42501' });
    };
    for (const table of [
      'linkage_records',
      'linkage_cases',
      'case_data_keys',
      'person_blind_index',
      'events',
      'case_list',
      'case_timeline',
      'organisation_directory',
      'organisation_codes',
      'statistics_case_facts',
      'audit_trail',
      'idempotency_keys',
      'projection_checkpoints',
    ])
      await denied(`SELECT * FROM public.${table} LIMIT 1`);
    // Every table of every other schema (what later migrations add too): no privilege at all.
    const { rows } = await unit.query<{ t: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables
        WHERE schemaname NOT IN ('linkage', 'pg_catalog', 'information_schema')
          -- other sessions' temporary tables (a projector's COPY staging): unreachable anyway
          AND schemaname NOT LIKE 'pg\\_temp\\_%' AND schemaname NOT LIKE 'pg\\_toast\\_temp\\_%'
          AND (has_table_privilege(format('%I.%I', schemaname, tablename), 'SELECT')
            OR has_table_privilege(format('%I.%I', schemaname, tablename), 'INSERT')
            OR has_table_privilege(format('%I.%I', schemaname, tablename), 'UPDATE')
            OR has_table_privilege(format('%I.%I', schemaname, tablename), 'DELETE'))`,
    );
    expect(rows).toEqual([]);
    // The shared secret (a key file of the organisation side) and the other keys: not readable.
    await denied(`SELECT pg_read_file('${join(api.dataDir, 'keys', 'linkage-secret.1.key')}')`);
    await denied(`SELECT pg_read_binary_file('${join(api.dataDir, 'keys', 'blind-index.key')}')`);
    await denied(`SELECT pg_ls_dir('${join(api.dataDir, 'keys')}')`);
    // No role to switch to, no way around row security, no forged encodings.
    await expect(unit.query('SET ROLE remedy_owner')).rejects.toMatchObject({ code: '42501' });
    await denied(`INSERT INTO linkage.encodings (record_id, clk, blocks, secret_version)
                  VALUES (gen_random_uuid(), '\\x00', '{}', 1)`);
    await denied(`DELETE FROM linkage.encodings`);
    // Nor the API's question about a case (it names case ids).
    await denied(`SELECT linkage_probable_match_elsewhere(gen_random_uuid())`);
    const me = (
      await unit.query(
        `SELECT current_user AS u, rolsuper, rolbypassrls, rolinherit FROM pg_roles WHERE rolname = current_user`,
      )
    ).rows[0];
    expect(me).toEqual({
      u: 'remedy_linkage',
      rolsuper: false,
      rolbypassrls: false,
      rolinherit: false,
    });
    // Its own schema works.
    expect((await unit.query('SELECT count(*)::int AS n FROM linkage.encodings')).rows[0].n).toBe(
      3,
    );
    await unit.query('SELECT * FROM linkage.pairs');
    await unit.query('SELECT * FROM linkage.record_clusters');
    await unit.query('SELECT * FROM linkage.runs');
  });

  it('tells the holder of a probable match elsewhere only with the person’s consent for cross_organisation_matching', async () => {
    const before = await api.get(a.caseworker, `/cases/${matchA}/linkage`);
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual({ matchingConsent: false });

    const consent = (caseId: string, org: Org) =>
      api.post(org.caseworker, `/cases/${caseId}/consents`, {
        purpose: 'cross_organisation_matching',
        obtainedInLanguage: 'uk',
        interpreterUsed: false,
      });
    expect((await consent(matchA, a)).statusCode).toBe(200);
    const after = await api.get(a.caseworker, `/cases/${matchA}/linkage`);
    expect(after.json()).toEqual({ matchingConsent: true, probableMatchElsewhere: true });

    // The other case with consent, and a case without a match: only a boolean, never which case.
    expect((await consent(loner, b)).statusCode).toBe(200);
    expect((await api.get(b.caseworker, `/cases/${loner}/linkage`)).json()).toEqual({
      matchingConsent: true,
      probableMatchElsewhere: false,
    });
    // Organisation B's case matched, but its person did not consent: B is told nothing.
    expect((await api.get(b.caseworker, `/cases/${matchB}/linkage`)).json()).toEqual({
      matchingConsent: false,
    });
    // Another organisation: the case does not exist for it.
    expect((await api.get(b.caseworker, `/cases/${matchA}/linkage`)).statusCode).toBe(404);
    // A consent for matching names no organisation.
    const addressed = await api.post(a.caseworker, `/cases/${matchA}/consents`, {
      purpose: 'cross_organisation_matching',
      receivingOrganisationId: b.organisationId,
      obtainedInLanguage: 'uk',
      interpreterUsed: false,
    });
    expect(addressed.statusCode).toBe(422);
    // Withdrawn: nothing more is told.
    const withdraw = await api.post(a.caseworker, `/cases/${matchA}/consents/withdraw`, {
      purpose: 'cross_organisation_matching',
    });
    expect(withdraw.statusCode).toBe(200);
    expect((await api.get(a.caseworker, `/cases/${matchA}/linkage`)).json()).toEqual({
      matchingConsent: false,
    });
  });

  it('re-encodes every record when the shared secret rotates, and still links them', async () => {
    const before = await api.pool.query<{ record_id: string; clk: Buffer }>(
      `SELECT e.record_id, e.clk FROM linkage.encodings e ORDER BY record_id`,
    );
    const rotated = await rotateLinkageSecret(api.dataDir);
    expect(rotated.version).toBe(2);
    encoder.useSecret(await loadLinkageSecret({ dataDir: api.dataDir }));
    expect((await encoder.encodeAllDue()).encoded).toBe(3);
    const after = await api.pool.query<{ record_id: string; clk: Buffer; secret_version: number }>(
      `SELECT record_id, clk, secret_version FROM linkage.encodings ORDER BY record_id`,
    );
    expect(after.rows.map((r) => r.secret_version)).toEqual([2, 2, 2]);
    expect(after.rows.map((r) => r.record_id)).toEqual(before.rows.map((r) => r.record_id));
    after.rows.forEach((r, i) => expect(r.clk.equals(before.rows[i]!.clk)).toBe(false));
    const records = await api.pool.query(`SELECT DISTINCT secret_version FROM linkage_records`);
    expect(records.rows).toEqual([{ secret_version: 2 }]);
    const clusterBefore = await clusterOf((await recordOf(matchA))!.record_id);
    expect((await runLinkage(unit)).pairs).toBe(1);
    // The cluster keeps its id across the rotation.
    expect(await clusterOf((await recordOf(matchA))!.record_id)).toBe(clusterBefore);
    expect(await clusterOf((await recordOf(matchB))!.record_id)).toBe(clusterBefore);
  });

  it('an objection to statistical use removes the record and its encoding; withdrawing it encodes the case again', async () => {
    const record = (await recordOf(loner))!;
    const res = await api.post(b.caseworker, `/cases/${loner}/statistical-use-objection`, {});
    expect(res.statusCode).toBe(200);
    await projected(api, async () => (await recordOf(loner)) === undefined, 'objection');
    expect(
      (
        await api.pool.query('SELECT 1 FROM linkage.encodings WHERE record_id = $1', [
          record.record_id,
        ])
      ).rowCount,
    ).toBe(0);
    expect((await encoder.encodeAllDue()).encoded).toBe(0);
    expect(await recordOf(loner)).toBeUndefined();
    await api.post(b.caseworker, `/cases/${loner}/statistical-use-objection/withdraw`, {});
    await projected(api, async () => (await caseRow(loner))?.objects === false, 'withdrawal');
    expect((await encoder.encodeAllDue()).encoded).toBe(1);
    expect((await recordOf(loner))?.record_id).toBeDefined();
  });

  it('erasure removes the encoding, the unit’s rows of the record and the mapping (marker and token scan)', async () => {
    const record = (await recordOf(matchA))!;
    const clk = (
      await api.pool.query<{ clk: Buffer }>(
        'SELECT clk FROM linkage.encodings WHERE record_id = $1',
        [record.record_id],
      )
    ).rows[0]!.clk;
    const res = await api.post(a.supervisor, `/cases/${matchA}/erasure`, {});
    expect(res.statusCode).toBe(200);
    // The erasure steps ran in the command: nothing is left at once, before any projection.
    expect(await recordOf(matchA)).toBeUndefined();
    const text = await linkageSchemaText();
    expect(text).not.toContain(record.record_id);
    expect(text).not.toContain(clk.toString('latin1'));
    const everywhere = await api.pool.query(
      `SELECT count(*)::int AS n FROM linkage_records WHERE case_id = $1 OR record_id = $2`,
      [matchA, record.record_id],
    );
    expect(everywhere.rows[0].n).toBe(0);
    // The projection and the encoder never bring it back.
    await projected(api, async () => (await caseRow(matchA))?.erased === true, 'erasure');
    expect((await encoder.encodeAllDue()).encoded).toBe(0);
    expect(await recordOf(matchA)).toBeUndefined();
    await runLinkage(unit);
    expect((await unit.query('SELECT count(*)::int AS n FROM linkage.pairs')).rows[0].n).toBe(0);
    for (const m of [marker('Petrenko'), marker('PHONE')])
      expect((await linkageSchemaText()).toLowerCase()).not.toContain(m.toLowerCase());
  });
});
