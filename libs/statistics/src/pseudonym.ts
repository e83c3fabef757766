import { createHmac, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { repoRoot } from '@remedy/config';
import { keysDir, readOrCreateSecretFile } from '@remedy/crypto';

/**
 * DECISION (row keys of the statistics): the fact rows are keyed by a keyed one-way pseudonym,
 * HMAC-SHA256(installation key, "case:" + case id), not by the case id and not through a mapping
 * table. A mapping table (case id → random row key) in the same PostgreSQL database would be
 * readable by anyone who can read the facts (the release builder, a backup, an operator), so it
 * would link every fact row back to its case; the HMAC key lives outside the database, in
 * `<REMEDY_DATA_DIR>/keys/statistics-pseudonym.key` (mode 0600, generated on first use like the
 * local token issuer's key), is never written to a table, a job, a log or a release, and without
 * it a row key cannot be recomputed from a case id nor inverted. Claims are keyed the same way
 * ("claim:" + claim id). Losing or rotating the key only means rebuilding the projection
 * (`clear` drops every row; the replay keys them anew).
 */
export const PSEUDONYM_KEY_FILE = 'statistics-pseudonym.key';

const cache = new Map<string, Promise<Buffer>>();

/** The installation's data directory, as @remedy/config reads it (the projection has no DI). */
export function statisticsDataDir(): string {
  const dir = process.env.REMEDY_DATA_DIR?.trim();
  return dir ? resolve(dir) : resolve(repoRoot(), '.remedy-data');
}

export function pseudonymKey(dataDir: string = statisticsDataDir()): Promise<Buffer> {
  const path = join(keysDir(dataDir), PSEUDONYM_KEY_FILE);
  let key = cache.get(path);
  if (!key) {
    key = readOrCreateSecretFile(path, () => randomBytes(32));
    key.catch(() => cache.delete(path));
    cache.set(path, key);
  }
  return key;
}

export interface Pseudonymizer {
  readonly caseKey: (caseId: string) => string;
  readonly claimKey: (claimId: string) => string;
  /**
   * The person of a linked case: HMAC of its linkage cluster id ("cluster:" + id), so that every
   * case of one cluster carries the same person key and the cluster id itself is not stored.
   */
  readonly clusterPersonKey: (clusterId: string) => string;
  /**
   * The person of a case without a cluster: derived from the case's own row key (its pseudonym),
   * never equal to it ("person-of:" + row key), so that it counts as a person of its own.
   */
  readonly ownPersonKey: (rowKey: string) => string;
}

export function pseudonymizer(key: Buffer): Pseudonymizer {
  const mac = (label: string, id: string) =>
    createHmac('sha256', key).update(`${label}:${id.toLowerCase()}`).digest('hex');
  return {
    caseKey: (caseId) => mac('case', caseId),
    claimKey: (claimId) => mac('claim', claimId).slice(0, 24),
    clusterPersonKey: (clusterId) => mac('cluster', clusterId),
    ownPersonKey: (rowKey) => mac('person-of', rowKey),
  };
}
