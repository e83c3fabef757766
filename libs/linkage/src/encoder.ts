import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { readCase, type PersonalDecrypter } from '@remedy/case-stream';
import type { EventStore } from '@remedy/event-store';
import { CLK_VERSION, clkBlocks, encodeClk } from '@remedy/person-matching';
import { personOf } from './identifiers';
import type { LinkageSecret } from './secret';

export interface EncodeReport {
  /** Cases (re-)encoded and submitted. */
  readonly encoded: number;
  /** Cases with nothing to encode (erased, or no identifying field): their record removed. */
  readonly skipped: number;
  /** Case ids whose encoding failed (tried again on the next pass). Opaque ids only. */
  readonly failed: readonly string[];
}

const FORGET = [
  `DELETE FROM linkage.pairs p USING linkage_records r
    WHERE r.case_id = $1 AND (p.record_a = r.record_id OR p.record_b = r.record_id)`,
  `DELETE FROM linkage.record_clusters c USING linkage_records r
    WHERE r.case_id = $1 AND c.record_id = r.record_id`,
  `DELETE FROM linkage.encodings e USING linkage_records r
    WHERE r.case_id = $1 AND e.record_id = r.record_id`,
  `DELETE FROM linkage_records WHERE case_id = $1`,
];

/** The cases due for an encoding ($1 the secret's version, $2 the limit, $3 CLK_VERSION). */
const DUE = `SELECT c.case_id, c.organisation_id FROM linkage_cases c
    LEFT JOIN linkage_records r USING (case_id)
   WHERE NOT c.objects AND NOT c.erased
     AND (c.dirty OR r.case_id IS NULL OR r.secret_version <> $1 OR r.clk_version <> $3)
   ORDER BY c.case_id LIMIT $2`;

/**
 * One case's encoding, while its `linkage_cases` row is still due (locked, not objecting, not
 * erased): its record (a new random record id, or the one it has), the encoding, the row no longer
 * dirty. `written` is 0 when the row is not due: the caller then forgets the case's record.
 */
const ENCODE = `WITH due AS (
    SELECT case_id FROM linkage_cases WHERE case_id = $1 AND NOT objects AND NOT erased FOR UPDATE
  ), rec AS (
    INSERT INTO linkage_records (case_id, organisation_id, record_id, secret_version, clk_version, encoded_at)
    SELECT $1, $2, $3, $4, $5, now() FROM due
    ON CONFLICT (case_id) DO UPDATE SET organisation_id = EXCLUDED.organisation_id,
      secret_version = EXCLUDED.secret_version, clk_version = EXCLUDED.clk_version, encoded_at = now()
    RETURNING record_id
  ), enc AS (
    INSERT INTO linkage.encodings (record_id, clk, blocks, secret_version, clk_version, submitted_at)
    SELECT record_id, $6, $7, $4, $5, now() FROM rec
    ON CONFLICT (record_id) DO UPDATE SET clk = EXCLUDED.clk, blocks = EXCLUDED.blocks,
      secret_version = EXCLUDED.secret_version, clk_version = EXCLUDED.clk_version, submitted_at = now()
  ), clean AS (
    UPDATE linkage_cases c SET dirty = false FROM due WHERE c.case_id = due.case_id
  )
  SELECT count(*)::int AS written FROM due`;

/**
 * The organisation side of record linkage, part 2: encodes the identifying fields of every case
 * `linkage_cases` marks as due (new, changed, objection withdrawn) or whose record was encoded
 * with an older version of the shared secret or of the CLK layout (`CLK_VERSION`), and submits the CLK to `linkage.encodings` under
 * the case's opaque record id (random, kept in `linkage_records`, which the unit cannot read).
 * The clear identifiers exist only in this process's memory during one encoding.
 */
export class LinkageEncoder {
  constructor(
    private readonly deps: {
      readonly pool: Pick<Pool, 'query' | 'connect'>;
      readonly store: Pick<EventStore, 'readStream'>;
      readonly cipher: PersonalDecrypter;
      readonly secret: LinkageSecret;
    },
  ) {
    this.secret = deps.secret;
  }

  private secret: LinkageSecret;

  get secretVersion(): number {
    return this.secret.version;
  }

  /** Encodes with this secret from now on (a rotation): every record is re-encoded. */
  useSecret(secret: LinkageSecret): void {
    this.secret = secret;
  }

  /** Encodes up to `limit` due cases per call; loop until `encoded + skipped` is 0. */
  async encodeDue(limit = 200): Promise<EncodeReport> {
    const { rows } = await this.deps.pool.query<{ case_id: string; organisation_id: string }>({
      name: 'remedy_linkage_due',
      text: DUE,
      values: [this.secret.version, limit, CLK_VERSION],
    });
    let encoded = 0;
    let skipped = 0;
    const failed: string[] = [];
    for (const row of rows) {
      try {
        if (await this.encodeCase(row.case_id, row.organisation_id)) encoded += 1;
        else skipped += 1;
      } catch {
        failed.push(row.case_id);
      }
    }
    return { encoded, skipped, failed };
  }

  /** Encodes every due case (in passes of `limit`); stops when a pass makes no progress. */
  async encodeAllDue(limit = 200): Promise<EncodeReport> {
    let encoded = 0;
    let skipped = 0;
    const failed = new Set<string>();
    for (;;) {
      const r = await this.encodeDue(limit);
      encoded += r.encoded;
      skipped += r.skipped;
      for (const id of r.failed) failed.add(id);
      if (r.encoded + r.skipped === 0) return { encoded, skipped, failed: [...failed] };
    }
  }

  private async encodeCase(caseId: string, organisationId: string): Promise<boolean> {
    const stream = await readCase(this.deps.store, caseId);
    const state = stream.readableState();
    const person =
      stream.exists && !state.erased && !state.objectsToStatisticalUse
        ? personOf((await stream.opened(this.deps.cipher)).history)
        : undefined;
    if (person && hasIdentity(person)) {
      // The usual case in one statement (issue 18: the worker's cost per opening is mostly round
      // trips; named, so parsed and planned once per pooled connection): written only while the
      // case is still due, under its row lock.
      const clk = encodeClk(person, this.secret.key);
      const { rows } = await this.deps.pool.query<{ written: number }>({
        name: 'remedy_linkage_encode',
        text: ENCODE,
        values: [
          caseId,
          organisationId,
          randomUUID(),
          this.secret.version,
          CLK_VERSION,
          clk,
          [...clkBlocks(clk)],
        ],
      });
      if (rows[0]?.written === 1) return true;
    }
    // Nothing to encode, or no longer due (an objection or erasure projected meanwhile): the
    // case's record is forgotten, under the row's lock.
    const client = await this.deps.pool.connect();
    try {
      await client.query('BEGIN');
      const due = await client.query<{ objects: boolean; erased: boolean }>(
        `SELECT objects, erased FROM linkage_cases WHERE case_id = $1 FOR UPDATE`,
        [caseId],
      );
      const current = due.rows[0];
      if (current && !current.objects && !current.erased && person && hasIdentity(person)) {
        // Due again since ENCODE looked (an objection withdrawn meanwhile): still dirty, the
        // next pass encodes it.
        await client.query('COMMIT');
        return false;
      }
      for (const sql of FORGET) await client.query(sql, [caseId]);
      await client.query(`UPDATE linkage_cases SET dirty = false WHERE case_id = $1`, [caseId]);
      await client.query('COMMIT');
      return false;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}

const hasIdentity = (p: { fullName?: string; aliases?: readonly string[] }) =>
  Boolean(p.fullName?.trim()) || (p.aliases ?? []).some((a) => a.trim() !== '');
