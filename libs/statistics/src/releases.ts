import { randomUUID } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import {
  formatPosition,
  parsePosition,
  type EventStore,
  type GlobalPosition,
} from '@remedy/event-store';
import { waitForProjection } from '@remedy/projections';
import { rational, spend, type LedgerEntry, type Rational } from '@remedy/disclosure-control';
import { LEGAL_AID_PROJECTION } from '@remedy/legal-aid';
import type { ClaimAmount } from './catalogue';
import { COMPENSATION_SUMS_ID } from './catalogue';
import type { FactRow } from './facts';
import { STATISTICS_FACTS_PROJECTION } from './facts.projection';
import { refreshPersonKeys } from './persons';
import {
  buildRelease,
  earlierHaveSums,
  earlierTableIds,
  epsilonOf,
  releaseCounter,
  requestKey,
  type ReleaseDocument,
  type ReleaseRequest,
} from './release';
import { sha256Hex, type ReleaseSigner } from './signing';

export const RELEASES_QUEUE = 'statistics-releases';

/** Ordered by person (byte order, as the persons tables' counter compares), rows without one last. */
const FACTS_OF_YEAR = `SELECT year, identification_year, sex_gender, age_group, citizenships, status, deciding_body,
    identified_in_year, forms, sectors, referral_source, assistance_types, assisted, assisted_while_not_cooperating,
    cooperation, reflection_granted, child_decisions, child_decisions_assessed, remedies, claims, objects, person_key
  FROM statistics_case_facts WHERE year = $1 AND NOT objects ORDER BY person_key COLLATE "C" NULLS LAST`;
/** Releases GET /statistics/releases lists (the newest). */
export const RELEASES_LISTED = 500;
/** Fact rows fetched per round trip while a release counts them. */
const FACTS_BATCH = 5_000;

/** Job payload: the opaque release id only (the request itself is in the database). */
export interface ReleaseJobData {
  readonly releaseId: string;
}

export const releaseJobId = (releaseId: string): string => `release-${releaseId}`;

export type ReleaseStatus = 'queued' | 'building' | 'built' | 'failed';

export interface StoredRelease {
  readonly releaseId: string;
  readonly status: ReleaseStatus;
  readonly request: ReleaseRequest;
  readonly body: string | null;
  readonly digest: string | null;
  readonly signature: string | null;
  readonly error: string | null;
  readonly requestedAt: string;
  readonly builtAt: string | null;
}

interface ReleaseDbRow {
  release_id: string;
  status: ReleaseStatus;
  request: ReleaseRequest & { asOfPosition?: string };
  body: string | null;
  digest: string | null;
  signature: string | null;
  error: string | null;
  requested_at: Date;
  built_at: Date | null;
}

const toStored = (r: ReleaseDbRow): StoredRelease => {
  const { asOfPosition: _p, ...request } = r.request;
  return {
    releaseId: r.release_id,
    status: r.status,
    request,
    body: r.body,
    digest: r.digest,
    signature: r.signature,
    error: r.error,
    requestedAt: new Date(r.requested_at).toISOString(),
    builtAt: r.built_at ? new Date(r.built_at).toISOString() : null,
  };
};

/** A refusal naming its rule (answered 422 by the HTTP layer, which recognises the name). */
export class StatisticsRefusal extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Releases: requesting (idempotent by the canonical request: the same request is the same stored
 * release), reading, and building (in the worker). A release is built once and never changed
 * (a trigger refuses updates of a built row).
 */
/** Default privacy budget per reporting year (ε, pure differential privacy). */
export const DEFAULT_EPSILON_BUDGET_PER_YEAR = '1';

/** A decimal string (the ledger's numeric column) as an exact rational. */
export function decimalRational(text: string): Rational {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new RangeError('not a non-negative decimal');
  const decimals = m[2] ?? '';
  return rational(BigInt(`${m[1]}${decimals}`), 10n ** BigInt(decimals.length));
}

/** ε as the ledger stores it: a decimal with at most 6 decimals. */
const epsilonDecimal = (request: ReleaseRequest): string =>
  (Math.round((request.epsilon ?? 0) * 1e6) / 1e6).toFixed(6);

export class StatisticsReleases {
  private readonly epsilonBudget: Rational;
  private readonly eventsInPostgres: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: Queue<ReleaseJobData>,
    private readonly eventStore: EventStore,
    options: {
      readonly epsilonBudgetPerYear?: string;
      /** Events are in PostgreSQL's `events` table (no EVENTSTORE_CONNECTION_STRING). Default true. */
      readonly eventsInPostgres?: boolean;
    } = {},
  ) {
    this.eventsInPostgres = options.eventsInPostgres ?? true;
    this.epsilonBudget = decimalRational(
      options.epsilonBudgetPerYear ?? DEFAULT_EPSILON_BUDGET_PER_YEAR,
    );
  }

  /**
   * Stores the request (or finds the same one) and enqueues its build; returns the release id.
   * A differential-privacy release is charged to its year's privacy budget in the same
   * transaction (serialised per year by an advisory lock): the disclosure-control ledger refuses
   * a charge beyond the budget (`PRIVACY_BUDGET_EXCEEDED`, 422) and nothing is stored. Asking
   * again for the same release charges nothing: it is the same stored release, the same noise.
   */
  async request(
    request: ReleaseRequest,
  ): Promise<{ releaseId: string; status: ReleaseStatus; created: boolean }> {
    const key = requestKey(request);
    // The release includes every event recorded before it was requested (objections included).
    const asOfPosition = formatPosition(await this.lastCommittedPosition());
    const inserted = await this.dataSource.transaction(async (em) => {
      if (request.mode === 'dp')
        await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
          `remedy.statistics.ledger:${request.period}`,
        ]);
      const rows = (await em.query(
        `INSERT INTO statistics_releases (release_id, request_key, status, request)
         VALUES ($1, $2, 'queued', $3::jsonb)
         ON CONFLICT (request_key) DO NOTHING
         RETURNING release_id, status`,
        [randomUUID(), key, JSON.stringify({ ...request, asOfPosition })],
      )) as { release_id: string; status: ReleaseStatus }[];
      const created = rows[0];
      if (created && request.mode === 'dp') {
        const entries = (await em.query(
          `SELECT release_id, epsilon::text AS epsilon FROM statistics_privacy_ledger WHERE period = $1`,
          [request.period],
        )) as { release_id: string; epsilon: string }[];
        const ledger = {
          budget: { epsilon: this.epsilonBudget },
          entries: entries.map((e): LedgerEntry => ({
            period: request.period,
            release: e.release_id,
            cost: { unit: 'epsilon', amount: decimalRational(e.epsilon) },
          })),
        };
        const charged = spend(
          ledger,
          request.period,
          { unit: 'epsilon', amount: epsilonOf(request) },
          created.release_id,
        );
        if (!charged.ok) throw new StatisticsRefusal(charged.error.rule, charged.error.message);
        await em.query(
          `INSERT INTO statistics_privacy_ledger (period, release_id, epsilon) VALUES ($1, $2, $3::numeric)`,
          [request.period, created.release_id, epsilonDecimal(request)],
        );
      }
      return rows;
    });
    let row = inserted[0];
    const created = row !== undefined;
    if (!row) {
      row = (
        (await this.dataSource.query(
          `SELECT release_id, status FROM statistics_releases WHERE request_key = $1`,
          [key],
        )) as {
          release_id: string;
          status: ReleaseStatus;
        }[]
      )[0]!;
      if (row.status === 'failed') {
        await this.dataSource.query(
          `UPDATE statistics_releases SET status = 'queued', error = NULL WHERE release_id = $1 AND status = 'failed'`,
          [row.release_id],
        );
        row = { ...row, status: 'queued' };
      }
    }
    if (row.status !== 'built') await this.enqueue(row.release_id);
    return { releaseId: row.release_id, status: row.status, created };
  }

  /**
   * The position of the last event committed so far. With the PostgreSQL event store,
   * `headPosition()` is the head below the visibility horizon (the oldest transaction still
   * running anywhere holds it back, e.g. a queue worker's), so it can lag events already
   * committed; the highest committed position bounds every event committed before now, and the
   * fact projection's checkpoint passes it once those events are applied. EventStoreDB's head
   * has no such lag.
   */
  private async lastCommittedPosition(): Promise<GlobalPosition> {
    if (this.eventsInPostgres) {
      const rows = (await this.dataSource.query(
        `SELECT transaction_id::text AS commit, global_position::text AS prepare FROM events
          ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
      )) as { commit: string; prepare: string }[];
      if (rows[0]) return { commit: BigInt(rows[0].commit), prepare: BigInt(rows[0].prepare) };
    }
    return this.eventStore.headPosition();
  }

  /** Adds the build job (BullMQ ignores a job id already queued; a finished one is replaced). */
  async enqueue(releaseId: string): Promise<void> {
    const jobId = releaseJobId(releaseId);
    const existing = await this.queue.getJob(jobId);
    if (existing && (await existing.isFailed())) await existing.remove();
    await this.queue.add('build', { releaseId }, { jobId });
  }

  async get(releaseId: string): Promise<StoredRelease | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM statistics_releases WHERE release_id = $1`,
      [releaseId],
    )) as ReleaseDbRow[];
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  /**
   * The releases requested so far, newest first (at most `limit`): their status and request,
   * without their bodies (GET /statistics/releases, the rapporteur's list).
   */
  async list(limit = RELEASES_LISTED): Promise<Omit<StoredRelease, 'body' | 'signature'>[]> {
    const rows = (await this.dataSource.query(
      `SELECT release_id, status, request, digest, error, requested_at, built_at
         FROM statistics_releases ORDER BY requested_at DESC, release_id LIMIT $1`,
      [limit],
    )) as Omit<ReleaseDbRow, 'body' | 'signature'>[];
    return rows.map((r) => {
      const {
        body: _b,
        signature: _s,
        ...stored
      } = toStored({ ...r, body: null, signature: null });
      return stored;
    });
  }

  /** Progress of the build job (0-100), when the queue still holds it. */
  async progress(releaseId: string): Promise<number | undefined> {
    const job = await this.queue.getJob(releaseJobId(releaseId));
    const p = job?.progress;
    return typeof p === 'number' ? p : undefined;
  }

  /** The fact rows of a year, without the cases whose person objects to statistical use. */
  async factsOf(year: number): Promise<FactRow[]> {
    return (await this.dataSource.query(FACTS_OF_YEAR, [year])) as FactRow[];
  }

  /**
   * What a release counts, read in one snapshot (REPEATABLE READ, read only): the year's fact
   * rows streamed from a cursor in batches into `counter` (memory stays that of a batch and the
   * cells, whatever the number of cases) and, when asked, the year's claim amounts.
   */
  private async readYear(
    year: number,
    counter: { add(rows: readonly FactRow[]): void },
    withSums: boolean,
  ): Promise<ClaimAmount[]> {
    const qr = this.dataSource.createQueryRunner();
    await qr.connect();
    try {
      await qr.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await qr.query(`DECLARE statistics_facts NO SCROLL CURSOR FOR ${FACTS_OF_YEAR}`, [year]);
      for (;;) {
        const rows = (await qr.query(`FETCH ${FACTS_BATCH} FROM statistics_facts`)) as FactRow[];
        if (rows.length === 0) break;
        counter.add(rows);
      }
      const amounts = withSums ? await this.claimAmountsOf(year, qr.manager) : [];
      await qr.query('COMMIT');
      return amounts;
    } catch (error) {
      await qr.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await qr.release();
    }
  }

  /**
   * The claims filed in a year with their exact amounts, from the legal-aid claim read model
   * (amounts per claim and currency, no personal data), leaving out the cases whose person objects
   * to statistical use. Only the compensation sums read them; the fact rows hold bands only.
   */
  async claimAmountsOf(
    year: number,
    db: Pick<DataSource, 'query'> = this.dataSource,
  ): Promise<ClaimAmount[]> {
    const rows = (await db.query(
      `SELECT cl.avenue, cl.currency, cl.claimed_total::text AS claimed,
              COALESCE(cl.awarded_total, 0)::text AS awarded, cl.paid_total::text AS paid
         FROM legal_aid_claims cl LEFT JOIN legal_aid_cases c ON c.case_id = cl.case_id
        WHERE cl.filed_on >= make_date($1, 1, 1) AND cl.filed_on < make_date($1 + 1, 1, 1)
          AND c.objects_to_statistics IS NOT TRUE`,
      [year],
    )) as { avenue: string; currency: string; claimed: string; awarded: string; paid: string }[];
    return rows.map((r) => ({
      avenue: r.avenue,
      currency: r.currency.trim(),
      claimed: Number(r.claimed),
      awarded: Number(r.awarded),
      paid: Number(r.paid),
    }));
  }

  /** Waits until a projection has applied every event up to `position` (about a minute at most). */
  private async caughtUp(releaseId: string, projection: string, position: GlobalPosition) {
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++)
      reached = await waitForProjection(this.dataSource, projection, position, 2_000);
    if (!reached)
      throw new Error(`release ${releaseId}: projection ${projection} has not caught up yet`);
  }

  /**
   * Builds a release (the worker's processor): waits until the fact projection (and, for the
   * money sums, the legal-aid claim projection) includes every event recorded before the request,
   * counts, protects, signs and stores it once.
   */
  async build(
    job: Pick<Job<ReleaseJobData>, 'data' | 'updateProgress'>,
    signer: ReleaseSigner,
  ): Promise<ReleaseStatus> {
    const { releaseId } = job.data;
    const rows = (await this.dataSource.query(
      `SELECT * FROM statistics_releases WHERE release_id = $1`,
      [releaseId],
    )) as ReleaseDbRow[];
    const row = rows[0];
    if (!row) return 'failed';
    if (row.status === 'built') return 'built';
    await this.dataSource.query(
      `UPDATE statistics_releases SET status = 'building' WHERE release_id = $1 AND status <> 'built'`,
      [releaseId],
    );
    await job.updateProgress(5);
    const position = row.request.asOfPosition ? parsePosition(row.request.asOfPosition) : undefined;
    const { request } = toStored(row);
    // Builds of one period are serialised (a session advisory lock on a connection of their own):
    // each is audited against every release of the period built before it.
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    const lockKey = `remedy.statistics.period-build:${request.period}`;
    try {
      await lock.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [lockKey]);
      const earlier =
        request.mode === 'dp' ? [] : await this.builtReleasesOf(request.period, releaseId);
      const withSums =
        request.mode !== 'dp' &&
        (request.tables.includes(COMPENSATION_SUMS_ID) || earlierHaveSums(earlier));
      if (position) {
        await this.caughtUp(releaseId, STATISTICS_FACTS_PROJECTION, position);
        if (withSums) await this.caughtUp(releaseId, LEGAL_AID_PROJECTION, position);
      }
      // The persons tables count the clustering as of the build (persons.ts).
      await refreshPersonKeys(this.dataSource);
      await job.updateProgress(15);
      const counter = releaseCounter(request, earlierTableIds(earlier));
      const claimAmounts = await this.readYear(Number(request.period), counter, withSums);
      await job.updateProgress(25);
      let lastProgress = 25;
      const facts = { counts: counter.counts() };
      const built = buildRelease(releaseId, request, { facts, claimAmounts, earlier }, (p) => {
        lastProgress = p;
      });
      await job.updateProgress(lastProgress);
      if (!built.ok) {
        await this.dataSource.query(
          `UPDATE statistics_releases SET status = 'failed', error = $2 WHERE release_id = $1 AND status <> 'built'`,
          [releaseId, built.error.rule],
        );
        return 'failed';
      }
      const body = JSON.stringify(built.document);
      await this.dataSource.query(
        `UPDATE statistics_releases SET status = 'built', body = $2, digest = $3, signature = $4, error = NULL, built_at = clock_timestamp()
          WHERE release_id = $1 AND status <> 'built'`,
        [releaseId, body, sha256Hex(body), signer.sign(body)],
      );
    } finally {
      await lock
        .query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [lockKey])
        .catch(() => undefined);
      await lock.release();
    }
    await job.updateProgress(100);
    return 'built';
  }

  /** The releases of a period built so far (their published documents, in build order). */
  private async builtReleasesOf(period: string, except: string): Promise<ReleaseDocument[]> {
    const rows = (await this.dataSource.query(
      `SELECT body FROM statistics_releases
        WHERE status = 'built' AND request->>'period' = $1 AND release_id <> $2
        ORDER BY built_at, release_id`,
      [period, except],
    )) as { body: string }[];
    return rows.map((r) => parseRelease(r.body));
  }
}

export const parseRelease = (body: string): ReleaseDocument => JSON.parse(body) as ReleaseDocument;
