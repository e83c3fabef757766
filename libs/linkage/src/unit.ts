import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { CLK_VERSION, LINK_RIVAL_SCORE, linkScore, selectLinks } from '@remedy/person-matching';

/**
 * THE LINKAGE UNIT. It runs as the PostgreSQL role `remedy_linkage`, which may read
 * `linkage.encodings` and write `linkage.pairs`, `linkage.record_clusters` and `linkage.runs`,
 * and nothing else: not the shared secret (a file or setting of the organisation side), not the
 * data keys, not the blind indices, not a case, event or organisation table, not the mapping
 * `linkage_records`. So what it learns is opaque record ids, bit vectors and scores.
 *
 * A run: every encoding is compared with those sharing a blocking key (`clkBlocks`, computed by
 * the organisation side and stored beside the CLK), the same secret version (encodings under
 * different secrets are incomparable) and the current CLK layout (`CLK_VERSION`; an encoding of
 * an older layout waits, unpaired, for its re-encoding); each pair is scored (`linkScore`: the
 * fields' segments compared one by one, their Fellegi–Sunter weights added) and the links are
 * chosen among the scored pairs by `selectLinks` (a pair at `LINK_THRESHOLD` links on its own; a
 * weaker one only as the clear best candidate of both its records); clusters are the connected
 * components of the links (a record without a link is a
 * cluster of its own, so every encoded record has a cluster id: persons = distinct cluster ids).
 * A cluster keeps the id most of its records had in the previous run (so a person keeps their id
 * while records join and leave); a new cluster gets a random id.
 *
 * Runs are whole (the pairs and clusters are replaced in one transaction), skipped when the
 * encodings are unchanged since the last run (a fingerprint of ids, versions and CLK digests).
 */
export interface LinkageRunReport {
  readonly skipped: boolean;
  readonly encodings: number;
  readonly comparisons: number;
  readonly pairs: number;
  readonly clusters: number;
  readonly ms: number;
}

interface Encoding {
  readonly recordId: string;
  readonly clk: Buffer;
  readonly blocks: readonly string[];
  readonly version: number;
  /** The CLK layout (`CLK_VERSION`); default the current one. */
  readonly clkVersion?: string;
}

export interface LinkageRunOptions {
  /** Run even when the encodings did not change (default false). */
  readonly force?: boolean;
  /**
   * The lowest score of a pair handed to `selectLinks` (default `LINK_RIVAL_SCORE` of
   * @remedy/person-matching).
   */
  readonly threshold?: number;
}

export interface Pair {
  readonly a: string;
  readonly b: string;
  readonly score: number;
}

/**
 * Compares encodings within their blocks: the links (`selectLinks`) among the pairs scoring at
 * least the threshold. Pure.
 */
export function comparePairs(
  encodings: readonly Encoding[],
  threshold: number = LINK_RIVAL_SCORE,
): { pairs: Pair[]; comparisons: number } {
  const byVersion = new Map<number, Encoding[]>();
  for (const e of encodings) {
    if ((e.clkVersion ?? CLK_VERSION) !== CLK_VERSION) continue;
    const list = byVersion.get(e.version) ?? [];
    list.push(e);
    byVersion.set(e.version, list);
  }
  const pairs: Pair[] = [];
  let comparisons = 0;
  for (const group of byVersion.values()) {
    const index = new Map<string, number[]>();
    group.forEach((e, i) => {
      for (const block of new Set(e.blocks)) {
        const list = index.get(block);
        if (list) list.push(i);
        else index.set(block, [i]);
      }
    });
    for (let i = 0; i < group.length; i++) {
      const seen = new Set<number>();
      for (const block of new Set(group[i]!.blocks)) {
        for (const j of index.get(block)!) {
          if (j <= i || seen.has(j)) continue;
          seen.add(j);
          comparisons += 1;
          const score = linkScore(group[i]!.clk, group[j]!.clk, threshold);
          if (score !== undefined) {
            const [a, b] = [group[i]!.recordId, group[j]!.recordId].sort();
            pairs.push({ a: a!, b: b!, score });
          }
        }
      }
    }
  }
  return { pairs: selectLinks(pairs), comparisons };
}

/**
 * Connected components of the pairs over `records`, each given a cluster id: the id most of its
 * records held before (each previous id reused by one cluster at most, largest clusters first),
 * else a new random one. Pure but for the random ids.
 */
export function clustersOf(
  records: readonly string[],
  pairs: readonly Pair[],
  previous: ReadonlyMap<string, string>,
  newId: () => string = randomUUID,
): Map<string, string> {
  const parent = new Map<string, string>(records.map((r) => [r, r]));
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    while (parent.get(x) !== root) {
      const next = parent.get(x)!;
      parent.set(x, root);
      x = next;
    }
    return root;
  };
  for (const p of pairs) {
    if (!parent.has(p.a) || !parent.has(p.b)) continue;
    const [ra, rb] = [find(p.a), find(p.b)];
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const components = new Map<string, string[]>();
  for (const r of records) {
    const root = find(r);
    const list = components.get(root);
    if (list) list.push(r);
    else components.set(root, [r]);
  }
  const ordered = [...components.values()].sort(
    (x, y) => y.length - x.length || (x[0]! < y[0]! ? -1 : 1),
  );
  const taken = new Set<string>();
  const result = new Map<string, string>();
  for (const members of ordered) {
    const votes = new Map<string, number>();
    for (const m of members) {
      const id = previous.get(m);
      if (id && !taken.has(id)) votes.set(id, (votes.get(id) ?? 0) + 1);
    }
    const best = [...votes].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]?.[0];
    const clusterId = best ?? newId();
    taken.add(clusterId);
    for (const m of members) result.set(m, clusterId);
  }
  return result;
}

async function inTransaction<T>(pool: Pick<Pool, 'connect'>, work: (c: PoolClient) => Promise<T>) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** One run of the linkage unit on its own schema (see above). Pool: the `remedy_linkage` role. */
export async function runLinkage(
  pool: Pick<Pool, 'connect'>,
  options: LinkageRunOptions = {},
): Promise<LinkageRunReport> {
  const started = new Date();
  const threshold = options.threshold ?? LINK_RIVAL_SCORE;
  return inTransaction(pool, async (db) => {
    // One run at a time (a second unit waits, then finds nothing changed).
    await db.query(`SELECT pg_advisory_xact_lock(hashtext('remedy.linkage.run'))`);
    const fp = await db.query<{ fingerprint: string; n: number }>(
      `SELECT count(*)::int AS n, coalesce(md5(string_agg(record_id::text || ':' || secret_version || ':' || clk_version || ':' || md5(clk), ',' ORDER BY record_id)), '') AS fingerprint
         FROM linkage.encodings`,
    );
    const { fingerprint, n } = fp.rows[0]!;
    const last = await db.query<{ fingerprint: string }>(
      `SELECT fingerprint FROM linkage.runs ORDER BY run_id DESC LIMIT 1`,
    );
    if (!options.force && last.rows[0]?.fingerprint === fingerprint) {
      return {
        skipped: true,
        encodings: n,
        comparisons: 0,
        pairs: 0,
        clusters: 0,
        ms: Date.now() - started.getTime(),
      };
    }
    const rows = await db.query<{
      record_id: string;
      clk: Buffer;
      blocks: string[];
      secret_version: number;
      clk_version: string;
    }>(`SELECT record_id::text, clk, blocks, secret_version, clk_version FROM linkage.encodings`);
    const encodings: Encoding[] = rows.rows.map((r) => ({
      recordId: r.record_id.toLowerCase(),
      clk: r.clk,
      blocks: r.blocks,
      version: r.secret_version,
      clkVersion: r.clk_version,
    }));
    const { pairs, comparisons } = comparePairs(encodings, threshold);
    const previous = new Map(
      (
        await db.query<{ record_id: string; cluster_id: string }>(
          `SELECT record_id::text, cluster_id::text FROM linkage.record_clusters`,
        )
      ).rows.map((r) => [r.record_id, r.cluster_id]),
    );
    const clusters = clustersOf(
      encodings.map((e) => e.recordId),
      pairs,
      previous,
    );
    await db.query(`DELETE FROM linkage.pairs`);
    if (pairs.length > 0)
      await db.query(
        `INSERT INTO linkage.pairs (record_a, record_b, score)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::real[])`,
        [pairs.map((p) => p.a), pairs.map((p) => p.b), pairs.map((p) => p.score)],
      );
    await db.query(`DELETE FROM linkage.record_clusters`);
    if (clusters.size > 0)
      await db.query(
        `INSERT INTO linkage.record_clusters (record_id, cluster_id)
         SELECT * FROM unnest($1::uuid[], $2::uuid[])`,
        [[...clusters.keys()], [...clusters.values()]],
      );
    const clusterCount = new Set(clusters.values()).size;
    await db.query(
      `INSERT INTO linkage.runs (started_at, finished_at, encodings, comparisons, pairs, clusters, fingerprint)
       VALUES ($1, now(), $2, $3, $4, $5, $6)`,
      [started, encodings.length, comparisons, pairs.length, clusterCount, fingerprint],
    );
    return {
      skipped: false,
      encodings: encodings.length,
      comparisons,
      pairs: pairs.length,
      clusters: clusterCount,
      ms: Date.now() - started.getTime(),
    };
  });
}
