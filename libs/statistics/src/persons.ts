import type { DataSource, EntityManager } from 'typeorm';
import { pseudonymKey, pseudonymizer, type Pseudonymizer } from './pseudonym';

/**
 * Persons in the anonymous facts (issue 19 part 3). Each fact row carries `person_key`: the HMAC
 * of the case's linkage cluster id when the linkage unit has put its record in a cluster, else a
 * pseudonym derived from the case's own row key (a person of its own). The cluster id, like the
 * case id, is read in memory only.
 *
 * DECISION (how the facts learn of a clustering change): a cluster change is not an event of any
 * case stream, so the projection cannot see it. The projection stamps the person key of the
 * clustering it reads when it writes a case's rows (a rebuild therefore stamps the current
 * clustering: rebuildable, checkpoint untouched), and a REFRESH rewrites the person keys of every
 * case whose cluster changed since: run by the worker on a schedule and by every release build
 * before it counts (under the period's build lock), so that a release always counts the
 * clustering as of its build. Not a join at release time: the release builder reads the
 * anonymous facts only, and a join would need the case ids (the facts hold none) and the linkage
 * tables in the release's snapshot; the refresh keeps those reads in one place, in the worker.
 * The projection takes PERSONS_LOCK shared for its batch, the refresh takes it exclusive: a batch
 * that read the clustering before a change cannot commit its rows after the refresh that should
 * have rewritten them.
 *
 * The linkage tables (CreateRecordLinkage1796000001000): `public.linkage_records(case_id,
 * organisation_id, record_id, secret_version)` on the organisations' side (a row only while the
 * case is encoded: deleted on objection and on erasure) and `linkage.record_clusters(record_id,
 * cluster_id)` written by the linkage unit; the projector role may read both. A case without a
 * cluster is a person of its own: never encoded (objection to statistical use, which also leaves
 * it out of releases; too little to encode), erased, or matched with no other record.
 */
export const PERSONS_LOCK = 'remedy.statistics.persons';

type Db = Pick<EntityManager, 'query'>;

const CLUSTERS = `SELECT lr.case_id::text AS case_id, rc.cluster_id::text AS cluster_id
  FROM public.linkage_records lr JOIN linkage.record_clusters rc ON rc.record_id = lr.record_id`;

/** The cluster of each of `caseIds` that has one (case id → cluster id, in memory only). */
export async function clustersOf(db: Db, caseIds: readonly string[]): Promise<Map<string, string>> {
  const clusters = new Map<string, string>();
  if (caseIds.length === 0) return clusters;
  const rows = (await db.query(`${CLUSTERS} WHERE lr.case_id = ANY($1::uuid[])`, [caseIds])) as {
    case_id: string;
    cluster_id: string;
  }[];
  for (const r of rows) clusters.set(r.case_id.toLowerCase(), r.cluster_id.toLowerCase());
  return clusters;
}

/** Takes the persons lock shared for the transaction of `db` (the projection's batch). */
export const lockPersonsShared = (db: Db): Promise<unknown> =>
  db.query(`SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))`, [PERSONS_LOCK]);

/** The person key of a case: its cluster's, or its own. */
export const personKeyOf = (p: Pseudonymizer, rowKey: string, clusterId: string | undefined) =>
  clusterId === undefined ? p.ownPersonKey(rowKey) : p.clusterPersonKey(clusterId);

const UPDATE_BATCH = 5_000;

/**
 * Rewrites the person key of every fact row whose case's cluster changed (linked, re-linked,
 * unlinked) or that has none yet (rows written before persons existed). Idempotent; returns the
 * number of cases whose key changed. Memory: one entry per linked case and per case of the facts.
 */
export async function refreshPersonKeys(
  dataSource: Pick<DataSource, 'transaction'>,
  p?: Pseudonymizer,
): Promise<number> {
  const pz = p ?? pseudonymizer(await pseudonymKey());
  return dataSource.transaction(async (em) => {
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [PERSONS_LOCK]);
    const linked = new Map<string, string>();
    const rows = (await em.query(CLUSTERS)) as { case_id: string; cluster_id: string }[];
    for (const r of rows)
      linked.set(pz.caseKey(r.case_id), pz.clusterPersonKey(r.cluster_id.toLowerCase()));
    // Every row (a case has one per reporting year, mostly one): no sort, deduplicated here.
    const current = (await em.query(`SELECT row_key, person_key FROM statistics_case_facts`)) as {
      row_key: string;
      person_key: string | null;
    }[];
    const wanted = new Map<string, string>();
    const changes = new Map<string, string>();
    for (const r of current) {
      let want = wanted.get(r.row_key);
      if (want === undefined)
        wanted.set(r.row_key, (want = linked.get(r.row_key) ?? pz.ownPersonKey(r.row_key)));
      if (r.person_key !== want) changes.set(r.row_key, want);
    }
    const all = [...changes].map(([row_key, person_key]) => ({ row_key, person_key }));
    for (let i = 0; i < all.length; i += UPDATE_BATCH)
      await em.query(
        `UPDATE statistics_case_facts f SET person_key = x.person_key
           FROM jsonb_to_recordset($1::jsonb) AS x(row_key text, person_key text)
          WHERE f.row_key = x.row_key AND f.person_key IS DISTINCT FROM x.person_key`,
        [JSON.stringify(all.slice(i, i + UPDATE_BATCH))],
      );
    return changes.size;
  });
}

/**
 * What the persons refresh depends on, as one cheap string (a few aggregates computed in the
 * database, no row leaves it): the organisations' linkage records (a deletion on objection or
 * erasure, a new or re-encoded record), the unit's clustering, and fact rows without a person
 * key. Two equal states mean a refresh would change nothing; a state read before a refresh that
 * misses a concurrent change differs from the next one, so the change is picked up then.
 */
export async function personsState(db: Db): Promise<string> {
  const [row] = (await db.query(`
    SELECT (SELECT count(*) || '/' || coalesce(max(encoded_at)::text, '-') FROM public.linkage_records)
           || '|' ||
           (SELECT count(*) || '/' || coalesce(sum(hashtextextended(record_id::text || cluster_id::text, 0)), 0)
              FROM linkage.record_clusters)
           || '|' ||
           (SELECT count(*) FROM statistics_case_facts WHERE person_key IS NULL) AS state`)) as {
    state: string;
  }[];
  return row!.state;
}

/**
 * The periodic refresh of one worker: skipped while the persons state is the one its last
 * refresh saw (so N workers cost N cheap reads per period, and N full refreshes only when the
 * linkage changed, rather than N full refreshes per period, each holding the lock that the
 * projection's batches wait on). A release build still refreshes unconditionally.
 */
export class PeriodicPersonsRefresh {
  private seen?: string;

  constructor(
    private readonly dataSource: Pick<DataSource, 'transaction' | 'query'>,
    private readonly p?: Pseudonymizer,
  ) {}

  /** The number of cases whose key changed, or 'unchanged' when the refresh was skipped. */
  async run(): Promise<number | 'unchanged'> {
    const state = await personsState(this.dataSource);
    if (state === this.seen) return 'unchanged';
    const changed = await refreshPersonKeys(this.dataSource, this.p);
    this.seen = state;
    return changed;
  }
}
