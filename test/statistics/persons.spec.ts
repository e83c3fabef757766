import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CATALOGUE,
  countTable,
  PeriodicPersonsRefresh,
  refreshPersonKeys,
  ReleaseSigner,
  statisticsFactsProjection,
  StatisticsReleases,
  type ReleaseDocument,
  type ReleaseRequest,
} from '@remedy/statistics';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  actorsOf,
  catchUpWithWriter,
  openReadSide,
  type ReadSideHarness,
} from '../cases/read/support/case-writer';
import { victimStatus } from '../support/fixtures';
import { caseScript } from './support';

/**
 * Persons, not only cases (issue 19 part 3), on real PostgreSQL: the fact rows carry a person key
 * from the linkage unit's clusters (two cases of one cluster: one person, two cases), a case
 * without a cluster is a person of its own, a re-clustering reaches the facts through the refresh
 * (and every release build), a rebuild stamps the current clustering, suppression applies to the
 * persons tables, and the person column holds no case, record or cluster id.
 */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('statistics of persons (linkage clusters in the facts)', () => {
  let db: TestDatabase;
  let h: ReadSideHarness;
  let dataDir: string;
  const orgA = actorsOf();
  const orgB = actorsOf();
  const cases = { a: randomUUID(), b: randomUUID(), alone: randomUUID() };
  const records = { a: randomUUID(), b: randomUUID(), alone: randomUUID() };
  const clusters = { one: randomUUID(), two: randomUUID() };

  const project = () => catchUpWithWriter(h, statisticsFactsProjection, 7);
  const facts = async () =>
    (
      await h.pool.query<{ row_key: string; person_key: string | null }>(
        `SELECT row_key, person_key FROM statistics_case_facts ORDER BY row_key, year`,
      )
    ).rows;
  const releases = () => new StatisticsReleases(h.ds, {} as never, h.store);
  const totals = async () => {
    const rows = await releases().factsOf(2026);
    const total = (id: string) =>
      countTable(
        CATALOGUE.find((t) => t.id === id)!,
        rows,
      ).cells.reduce((n, c) => n + c.count, 0);
    return {
      cases: total('victims-by-status-sex-age'),
      persons: total('persons-by-status-sex-age'),
    };
  };
  const cluster = async (record: string, clusterId: string | null) => {
    await h.pool.query(`DELETE FROM linkage.record_clusters WHERE record_id = $1`, [record]);
    if (clusterId)
      await h.pool.query(
        `INSERT INTO linkage.record_clusters (record_id, cluster_id) VALUES ($1, $2)`,
        [record, clusterId],
      );
  };
  const open = async (
    actor: ReturnType<typeof actorsOf>['caseworker'],
    caseId: string,
    ref: string,
  ) => {
    const run = caseScript(h.writer, actor, caseId);
    await run({
      type: 'OpenCase',
      caseReference: ref,
      referralSource: 'NGO',
      profile: {
        sexGender: 'Feminine',
        ageUncertain: false,
        citizenships: ['UA'],
        languages: ['uk'],
      },
      personal: { fullName: 'Persons Test' },
    });
    await run({
      type: 'RecordVictimStatus',
      ...victimStatus({ status: 'ActualVictimOfTrafficking', decidedOn: '2026-03-10' }),
    });
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'remedy-stat-persons-'));
    process.env.REMEDY_DATA_DIR = dataDir;
    db = await createTestDatabase();
    h = await openReadSide(db.url, [statisticsFactsProjection]);
    await open(orgA.caseworker, cases.a, 'ORGA-2026-00001');
    await open(orgB.caseworker, cases.b, 'ORGB-2026-00001');
    await open(orgA.caseworker, cases.alone, 'ORGA-2026-00002');
    // The organisations' records; the unit put the first two in one cluster, the third in none.
    for (const [key, org] of [
      ['a', orgA],
      ['b', orgB],
      ['alone', orgA],
    ] as const)
      await h.pool.query(
        `INSERT INTO linkage_records (case_id, organisation_id, record_id, secret_version) VALUES ($1, $2, $3, 1)`,
        [cases[key], org.caseworker.organisationId, records[key]],
      );
    await cluster(records.a, clusters.one);
    await cluster(records.b, clusters.one);
    await project();
  });

  afterAll(async () => {
    await h?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts two cases of one cluster as one person and two cases, a case without a cluster as one person', async () => {
    const rows = await facts();
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.person_key)).size).toBe(2);
    expect(await totals()).toEqual({ cases: 3, persons: 2 });
  });

  it('holds no case, record or cluster id in the person column (nor the case pseudonym)', async () => {
    const rows = await facts();
    const dump = JSON.stringify(
      (await h.pool.query(`SELECT * FROM statistics_case_facts`)).rows,
    ).toLowerCase();
    for (const id of [
      ...Object.values(cases),
      ...Object.values(records),
      ...Object.values(clusters),
    ])
      expect(dump).not.toContain(id.toLowerCase());
    for (const r of rows) {
      expect(r.person_key).toMatch(/^[0-9a-f]{64}$/);
      expect(r.person_key).not.toMatch(UUID);
      expect(rows.map((x) => x.row_key)).not.toContain(r.person_key);
    }
  });

  it('learns of a re-clustering through the refresh (not an event), and a rebuild stamps the same keys', async () => {
    await cluster(records.b, clusters.two); // the unit splits the cluster
    await project(); // no event changed: the projection alone does not see it
    expect(await totals()).toEqual({ cases: 3, persons: 2 });
    expect(await refreshPersonKeys(h.ds)).toBe(1);
    expect(await totals()).toEqual({ cases: 3, persons: 3 });
    expect(await refreshPersonKeys(h.ds)).toBe(0); // idempotent

    await cluster(records.alone, clusters.one); // the third case joins the first
    await cluster(records.b, null); // and the second leaves every cluster
    expect(await refreshPersonKeys(h.ds)).toBe(2);
    expect(await totals()).toEqual({ cases: 3, persons: 2 });
    const refreshed = await facts();

    await h.ds.transaction((em) => statisticsFactsProjection.clear!(em));
    await project();
    expect(await facts()).toEqual(refreshed);
  });

  it("skips a worker's periodic refresh while the linkage is unchanged, and runs it on any change", async () => {
    const periodic = new PeriodicPersonsRefresh(h.ds);
    expect(await periodic.run()).toBe(0); // its first look refreshes (nothing left to change)
    expect(await periodic.run()).toBe('unchanged');

    await cluster(records.b, clusters.two); // the unit re-clusters (b alone, a with the third)
    expect(await periodic.run()).toBe(1);
    expect(await totals()).toEqual({ cases: 3, persons: 2 });
    expect(await periodic.run()).toBe('unchanged');

    // A record deleted (objection or erasure): its case becomes a person of its own.
    await h.pool.query(`DELETE FROM linkage_records WHERE record_id = $1`, [records.alone]);
    expect(await periodic.run()).toBe(1);
    expect(await totals()).toEqual({ cases: 3, persons: 3 });
    await h.pool.query(
      `INSERT INTO linkage_records (case_id, organisation_id, record_id, secret_version) VALUES ($1, $2, $3, 1)`,
      [cases.alone, orgA.caseworker.organisationId, records.alone],
    ); // encoded again
    expect(await periodic.run()).toBe(1);
    expect(await periodic.run()).toBe('unchanged');
  });

  it('refreshes before a release counts, and suppresses the persons cells below k like every table', async () => {
    await cluster(records.b, clusters.one); // all three cases are one person now
    const request: ReleaseRequest = {
      period: '2026',
      tables: ['persons-by-status-sex-age', 'victims-by-status-sex-age'],
      mode: 'suppression',
      k: 10,
      roundingBase: null,
      epsilon: null,
    };
    const releaseId = randomUUID();
    await h.pool.query(
      `INSERT INTO statistics_releases (release_id, request_key, status, request) VALUES ($1, $2, 'queued', $3::jsonb)`,
      [releaseId, `persons-test-${releaseId}`, JSON.stringify(request)],
    );
    const status = await releases().build(
      { data: { releaseId }, updateProgress: async () => undefined },
      await ReleaseSigner.load(dataDir),
    );
    expect(status).toBe('built');
    expect(await totals()).toEqual({ cases: 3, persons: 1 });
    const body = (
      await h.pool.query<{ body: string }>(
        `SELECT body FROM statistics_releases WHERE release_id = $1`,
        [releaseId],
      )
    ).rows[0]!.body;
    const doc = JSON.parse(body) as ReleaseDocument;
    const persons = doc.tables.find((t) => t.id === 'persons-by-status-sex-age')!;
    expect(persons.unit).toBe('persons');
    const nonZero = persons.cells.filter((c) => c.value !== 0);
    expect(nonZero.length).toBeGreaterThan(0);
    for (const c of nonZero) expect(c).toMatchObject({ value: null, suppressed: true });
    for (const id of [
      ...Object.values(cases),
      ...Object.values(records),
      ...Object.values(clusters),
    ])
      expect(body).not.toContain(id);
  });
});
