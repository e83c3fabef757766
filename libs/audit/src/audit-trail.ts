import { withOrganisationScope, type ScopedDb, type ScopeSource } from '@remedy/database';
import type { AuditEntry, AuditRecord } from './audit-entry';

/** A row of the `audit_log` table, as the driver returns it. */
export interface AuditRow {
  audit_id: string;
  recorded_at: Date;
  request_id: string;
  user_id: string;
  organisation_id: string;
  roles: string[];
  method: string;
  route: string;
  case_id: string | null;
  case_ids: string[];
  status: number;
  outcome: AuditRecord['outcome'];
  rule: string | null;
}

const COLUMNS = `audit_id::text AS audit_id, recorded_at, request_id, user_id, organisation_id, roles, method,
  route, case_id, case_ids::text[] AS case_ids, status, outcome, rule`;

const toRecord = (r: AuditRow): AuditRecord => ({
  auditId: r.audit_id,
  recordedAt: r.recorded_at.toISOString(),
  requestId: r.request_id,
  userId: r.user_id,
  organisationId: r.organisation_id,
  roles: r.roles as AuditRecord['roles'],
  method: r.method,
  route: r.route,
  caseId: r.case_id,
  caseIds: r.case_ids,
  status: r.status,
  outcome: r.outcome,
  rule: r.rule,
});

export interface AuditPage {
  readonly items: readonly AuditRecord[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  readonly nextBefore: string | null;
}

/**
 * The `audit_trail` table: append (one INSERT, committed when it returns), a case's history, and
 * an export in recorded order. The table refuses UPDATE, DELETE and TRUNCATE (trigger).
 */
export class AuditTrail {
  /** A TypeORM DataSource (the API) or a `pg` Pool (the accounts of the embedded provider, the CLI). */
  constructor(private readonly dataSource: ScopeSource) {}

  /**
   * As the application role (INSERT and SELECT on the trail, never UPDATE or DELETE). The trail
   * has no row-level security: a case's history lists other organisations' attempts on it.
   */
  private asApplication<T>(organisationId: string | null, fn: (db: ScopedDb) => Promise<T>) {
    return withOrganisationScope(this.dataSource, organisationId, fn);
  }

  /** Appends one entry; resolves once it is committed (an autocommit INSERT), rejects otherwise. */
  async record(e: AuditEntry): Promise<void> {
    await this.asApplication(e.organisationId, (db) =>
      db.query(`${INSERT_ROW} VALUES (${ROW_VALUES})`, valuesOf(e)),
    );
  }

  /** Every entry naming the case (by route or in an answer), newest first. */
  async caseHistory(
    caseId: string,
    options: { limit?: number; before?: string } = {},
  ): Promise<AuditPage> {
    const limit = Math.min(Math.max(1, options.limit ?? 100), 500);
    // Two index scans merged: by the route's case id (ordered partial index) and by the ids named
    // in answers (GIN; `audit_id + 0` keeps the planner from walking the primary key backwards
    // over every other case's rows, which it otherwise picks for lack of array statistics).
    const rows = (await this.asApplication(null, (db) =>
      db.query(
        `SELECT ${COLUMNS} FROM audit_trail
        WHERE audit_id IN (
          (SELECT audit_id FROM audit_trail WHERE case_id = $1 AND audit_id < $2
            ORDER BY case_id, audit_id DESC LIMIT ${limit + 1})
          UNION
          (SELECT audit_id FROM audit_trail WHERE case_ids @> ARRAY[$1]::uuid[] AND audit_id < $2
            ORDER BY audit_id + 0 DESC LIMIT ${limit + 1}))
        ORDER BY audit_trail.audit_id DESC LIMIT ${limit + 1}`,
        [caseId, options.before ?? '9223372036854775807'],
      ),
    )) as AuditRow[];
    const page = rows.slice(0, limit);
    return {
      items: page.map(toRecord),
      nextBefore: rows.length > limit ? (page[page.length - 1]?.audit_id ?? null) : null,
    };
  }

  /**
   * Entries recorded in [from, to), in append order (audit_id), fetched in batches (keyset on
   * audit_id, starting at the first entry recorded at or after `from`).
   */
  async *export(from: Date, to: Date, batchSize = 1_000): AsyncGenerator<AuditRecord> {
    const first = (await this.asApplication(null, (db) =>
      db.query(
        `SELECT (min(audit_id) - 1)::text AS after, max(audit_id)::text AS last
         FROM audit_trail WHERE recorded_at >= $1 AND recorded_at < $2`,
        [from, to],
      ),
    )) as { after: string | null; last: string | null }[];
    let after = first[0]?.after;
    const last = first[0]?.last;
    if (after === null || after === undefined || last === null || last === undefined) return;
    for (;;) {
      const rows = (await this.asApplication(null, (db) =>
        db.query(
          `SELECT ${COLUMNS} FROM audit_trail
          WHERE audit_id > $3::bigint AND audit_id <= $4::bigint AND recorded_at >= $1 AND recorded_at < $2
          ORDER BY audit_trail.audit_id LIMIT ${batchSize}`,
          [from, to, after, last],
        ),
      )) as AuditRow[];
      for (const r of rows) yield toRecord(r);
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1]!.audit_id;
    }
  }
}

const INSERT_ROW = `INSERT INTO audit_trail (request_id, user_id, organisation_id, roles, method, route,
  case_id, case_ids, status, outcome, rule)`;
const ROW_VALUES = '$1, $2, $3, $4::text[], $5, $6, $7, $8::uuid[], $9, $10, $11';
const valuesOf = (e: AuditEntry): unknown[] => [
  e.requestId,
  e.userId,
  e.organisationId,
  e.roles,
  e.method,
  e.route,
  e.caseId,
  e.caseIds,
  e.status,
  e.outcome,
  e.rule,
];

/**
 * The entry as a statement committed with a command's append (@remedy/event-store
 * `AlongsideWrite`): written only when the append wrote its events, in the same transaction.
 * Run by the event store's login, which the migrations make a member of the application role
 * (INSERT on the trail); the trail has no row-level security, so no organisation is set.
 */
export function auditRowWithAppend(e: AuditEntry): { text: string; values: unknown[] } {
  return {
    text: `${INSERT_ROW} SELECT ${ROW_VALUES} WHERE EXISTS (SELECT 1 FROM appended)`,
    values: valuesOf(e),
  };
}

/** CSV columns of the export (every value is an id, a code or a timestamp: nothing to quote). */
export const EXPORT_COLUMNS = [
  'auditId',
  'recordedAt',
  'requestId',
  'userId',
  'organisationId',
  'roles',
  'method',
  'route',
  'caseId',
  'caseIds',
  'status',
  'outcome',
  'rule',
] as const;

export function csvLine(r: AuditRecord): string {
  return (
    EXPORT_COLUMNS.map((c) => {
      const v = r[c];
      if (v === null) return '';
      return Array.isArray(v) ? v.join(';') : String(v);
    }).join(',') + '\n'
  );
}
