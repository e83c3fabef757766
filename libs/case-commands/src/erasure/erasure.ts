import type { Pool } from 'pg';
import { readCase, type CaseStream } from '@remedy/case-stream';
import type { CaseCipher } from '@remedy/crypto';
import type { EventStore, RecordedEvent } from '@remedy/event-store';
import type { QueueKit } from '@remedy/queue';
import type { CaseCommandPipeline } from '../pipeline/case-command-pipeline';
import type { ErasureLedger, ErasureLedgerEntry } from './erasure-ledger';

/**
 * One thing erasure does to a case beyond the `PersonalDataErased` event. Idempotent: it runs
 * again on every retry and on every re-application of the ledger. Opaque ids only in what it
 * returns (counts for the operator).
 */
export interface ErasureStep {
  readonly name: string;
  erase(caseId: string): Promise<Record<string, number> | boolean | void>;
}

/** What the command side gives an erasure step: its pool, and the queues when it can reach them. */
export interface ErasureStepDeps {
  /** The command side's pool (owner role: not narrowed by row-level security). */
  readonly pool: Pick<Pool, 'query'>;
  /** The process's queue backend (BullMQ), when it has one. */
  readonly kit?: Pick<QueueKit, 'queue'>;
}

/**
 * An erasure step another lib contributes (the port by which the command side runs a step over
 * data it does not own, without importing that lib): provide one in a Nest module and
 * CaseCommandsModule finds it at start-up and registers it after the core steps; pass it to
 * `openStandaloneEraser` outside Nest. `@remedy/case-reminders` contributes `reminders`.
 */
export class ErasureStepContribution {
  constructor(
    readonly name: string,
    private readonly create: (deps: ErasureStepDeps) => ErasureStep['erase'],
  ) {}

  stepFor(deps: ErasureStepDeps): ErasureStep {
    return { name: this.name, erase: this.create(deps) };
  }
}

export interface CoreErasureDeps {
  /** The command side's pool (tables `person_blind_index`, `case_adult_dates`, `idempotency_keys`). */
  readonly pool: Pick<Pool, 'query'>;
  readonly cipher: Pick<CaseCipher, 'destroyCaseKey'>;
}

/**
 * WHAT ERASURE REMOVES: the one list. Every place that holds something personal of a case, or
 * derived from it, is either here (scrubbed by the command side when the erasure is recorded and
 * again when the ledger is re-applied) or a projection that scrubs on `PersonalDataErased`:
 *
 * - `case_data_keys`: the data key is destroyed (crypto-shredding; a tombstone stays), so every
 *   ciphertext of the case (events, read models, backups) is unreadable for good;  [step data-key]
 * - `person_blind_index`: the find-a-person lookup rows (keyed HMAC of name and birth date);  [person-index]
 * - `person_match_tokens`: the person's keyed matching tokens (issue 19), and the case's rows of
 *   `person_duplicate_decisions` (opaque ids; kept no longer than the case's person);  [person-match-tokens]
 * - `case_adult_dates`: the 18th birthday by the exact birth date (the read side's "child now");  [adult-date]
 * - `idempotency_keys`: the stored answers and request-body hashes of the case's commands
 *   (a hash of a body is derived from personal data);  [idempotency-keys]
 * - `linkage.encodings` (and the linkage unit's `linkage.pairs`, `linkage.record_clusters` rows of
 *   the record): the case's CLK submitted for record linkage across organisations;  [linkage-encoding]
 * - `linkage_records`: the case's opaque linkage record id (and `linkage_cases` is marked erased,
 *   so the worker's encoder never encodes the case again);  [linkage-record]
 * - reminders: every BullMQ job of the case in any state, and its `due_reminders` rows: contributed
 *   by @remedy/case-reminders (`ErasureStepContribution`), run after the core steps;  [reminders]
 * - further steps registered with `ErasureSteps.register` (e.g. stored exports of a person).
 *   No export of a case is stored today: the access-request export and the audit export are
 *   streamed, never stored; statistics releases hold aggregate counts only;
 * - read models, by their projections on `PersonalDataErased`: `case_list.sealed_personal`,
 *   `case_timeline.sealed_personal`, `legal_aid_cases.sealed_opening`,
 *   `legal_aid_claims.sealed_texts` (the statistics facts hold coarse facts only and stay).
 */
export function coreErasureSteps(deps: CoreErasureDeps): ErasureStep[] {
  const rows = (r: unknown) => (r as { rowCount?: number | null }).rowCount ?? 0;
  return [
    { name: 'data-key', erase: (caseId) => deps.cipher.destroyCaseKey(caseId) },
    {
      name: 'person-index',
      erase: async (caseId) => ({
        rows: rows(
          await deps.pool.query('DELETE FROM person_blind_index WHERE case_id = $1', [caseId]),
        ),
      }),
    },
    {
      // Issue 19: the keyed matching tokens (derived from the person's names and birth date).
      name: 'person-match-tokens',
      erase: async (caseId) => {
        const id = caseId.toLowerCase();
        const tokens = rows(
          await deps.pool.query('DELETE FROM person_match_tokens WHERE case_id = $1', [id]),
        );
        const decisions = rows(
          await deps.pool.query(
            'DELETE FROM person_duplicate_decisions WHERE case_id = $1 OR other_case_id = $1',
            [id],
          ),
        );
        return { rows: tokens + decisions };
      },
    },
    {
      // The day the person turns 18 by the exact birth date (reveals it): "child now" then
      // follows the readable birth year, as the decider after erasure.
      name: 'adult-date',
      erase: async (caseId) => ({
        rows: rows(
          await deps.pool.query('DELETE FROM case_adult_dates WHERE lower(case_id) = lower($1)', [
            caseId,
          ]),
        ),
      }),
    },
    {
      // The case's CLK at the linkage unit, and what the unit derived from that record (its
      // pairs and cluster row); found through the organisation side's mapping, so before it.
      name: 'linkage-encoding',
      erase: async (caseId) => {
        const counts: Record<string, number> = {};
        for (const [what, table, where] of [
          ['pairs', 'linkage.pairs p', 'p.record_a = r.record_id OR p.record_b = r.record_id'],
          ['clusters', 'linkage.record_clusters c', 'c.record_id = r.record_id'],
          ['encodings', 'linkage.encodings e', 'e.record_id = r.record_id'],
        ] as const) {
          counts[what] = rows(
            await deps.pool.query(
              `DELETE FROM ${table} USING linkage_records r
                WHERE lower(r.case_id::text) = lower($1) AND (${where})`,
              [caseId],
            ),
          );
        }
        return counts;
      },
    },
    {
      name: 'linkage-record',
      erase: async (caseId) => {
        await deps.pool.query(
          `UPDATE linkage_cases SET erased = true, dirty = false WHERE lower(case_id::text) = lower($1)`,
          [caseId],
        );
        return {
          rows: rows(
            await deps.pool.query(
              'DELETE FROM linkage_records WHERE lower(case_id::text) = lower($1)',
              [caseId],
            ),
          ),
        };
      },
    },
    {
      // Routes carry the case id (`POST /cases/<id>/notes`); the answer of `POST /cases` names it.
      name: 'idempotency-keys',
      erase: async (caseId) => ({
        rows: rows(
          await deps.pool.query(
            `DELETE FROM idempotency_keys
              WHERE position(lower($1) IN lower(route)) > 0 OR lower(response->>'caseId') = lower($1)`,
            [caseId],
          ),
        ),
      }),
    },
  ];
}

/**
 * The erasure steps of a process: the core ones, then the contributed ones (reminders), then any
 * registered by other modules (a stored export of the person, say: register a step that deletes it).
 */
export class ErasureSteps {
  private readonly extra: ErasureStep[] = [];
  constructor(private readonly core: readonly ErasureStep[]) {}

  register(step: ErasureStep): void {
    if (this.all().some((s) => s.name === step.name))
      throw new Error(`an erasure step named ${step.name} is already registered`);
    this.extra.push(step);
  }

  all(): readonly ErasureStep[] {
    return [...this.core, ...this.extra];
  }
}

export class ErasureStepsFailedError extends Error {
  override readonly name = 'ErasureStepsFailedError';
  constructor(readonly failed: readonly string[]) {
    super(`erasure steps failed: ${failed.join(', ')} (they run again on retry and at start-up)`);
  }
}

export interface ReapplyReport {
  /** Distinct cases in the ledger (those the database shows erased are left as they are). */
  readonly cases: number;
  /** Cases whose stream lacked `PersonalDataErased` (a restored backup): the event was appended. */
  readonly eventsAppended: number;
  /** Cases whose data key was still live in this database, now destroyed. */
  readonly keysDestroyed: number;
  /** Cases not in this database (opened after the backup): nothing to erase. */
  readonly absent: number;
  /** Case ids whose re-application failed (retried by the next run). */
  readonly failed: readonly string[];
}

export interface LoggerLike {
  log(message: unknown): void;
  error(message: unknown): void;
}

/**
 * Erasure, whole: the ledger entry (before anything is shredded, after the event is in the
 * stream), the steps, and re-application of the ledger after a backup restore.
 */
export class Eraser {
  constructor(
    private readonly options: {
      readonly ledger: ErasureLedger;
      readonly steps: ErasureSteps;
      readonly store: Pick<EventStore, 'readStream'>;
      readonly pipeline: Pick<CaseCommandPipeline, 'execute'>;
      /**
       * Whether the case's data key is already destroyed in this database. With it, re-applying
       * skips the cases the database shows erased (event and key), so a start-up with a long
       * ledger costs one stream read and one lookup per erasure, not every step again.
       */
      readonly keyDestroyed?: (caseId: string) => Promise<boolean>;
    },
  ) {}

  get ledger(): ErasureLedger {
    return this.options.ledger;
  }

  /** Records an erasure just appended to the stream: ledger line (fsynced), then every step. */
  async erased(entry: ErasureLedgerEntry): Promise<void> {
    await this.options.ledger.append(entry);
    await this.scrub(entry.caseId);
  }

  /**
   * The stream already records the erasure (an earlier attempt may have stopped after the event):
   * make sure the ledger has it, then run every step again.
   */
  async finish(caseId: string): Promise<void> {
    if (!(await this.options.ledger.has(caseId))) {
      const event = erasureEventOf((await readCase(this.options.store, caseId)).recorded);
      if (event) await this.options.ledger.append(ledgerEntryOf(caseId, event));
    }
    await this.scrub(caseId);
  }

  /** Runs every step (all of them, even after one fails); throws naming the failed ones. */
  async scrub(caseId: string): Promise<Record<string, unknown>> {
    const report: Record<string, unknown> = {};
    const failed: string[] = [];
    for (const step of this.options.steps.all()) {
      try {
        report[step.name] = (await step.erase(caseId)) ?? true;
      } catch {
        failed.push(step.name);
      }
    }
    if (failed.length > 0) throw new ErasureStepsFailedError(failed);
    return report;
  }

  /**
   * Re-applies every erasure of the ledger that this database does not show (after restoring a
   * backup taken before it): appends `PersonalDataErased` when the stream lacks it (as the
   * supervisor who recorded it, on behalf of the case's holder in this database), destroys the
   * data key again and runs every step. Idempotent; cheap when nothing is missing.
   */
  async reapply(): Promise<ReapplyReport> {
    const entries = await this.options.ledger.entries();
    const byCase = new Map<string, ErasureLedgerEntry>();
    for (const e of entries) if (!byCase.has(e.caseId)) byCase.set(e.caseId, e);
    let eventsAppended = 0;
    let keysDestroyed = 0;
    let absent = 0;
    const failed: string[] = [];
    for (const entry of byCase.values()) {
      try {
        const stream = await readCase(this.options.store, entry.caseId);
        if (!stream.exists) {
          absent += 1;
          continue;
        }
        if (!erasureEventOf(stream.recorded)) {
          await this.appendErasure(entry, stream);
          eventsAppended += 1;
        } else if (await this.options.keyDestroyed?.(entry.caseId)) {
          continue; // the database shows this erasure whole
        }
        const report = await this.scrub(entry.caseId);
        if (report['data-key'] === true) keysDestroyed += 1;
      } catch {
        failed.push(entry.caseId);
      }
    }
    return { cases: byCase.size, eventsAppended, keysDestroyed, absent, failed };
  }

  private async appendErasure(entry: ErasureLedgerEntry, stream: CaseStream): Promise<void> {
    // The domain accepts an erasure from a supervisor of the holding organisation: the holder in
    // this database (the ledger's organisation unless the case moved since the backup).
    const state = stream.readableState();
    const organisationId = state.holdingOrganisationId || entry.organisationId;
    await this.options.pipeline.execute(
      entry.caseId,
      ({ actor }) => ({
        type: 'ErasePersonalData',
        actor,
        erasureRequestId: entry.erasureRequestId,
      }),
      {
        actor: { userId: entry.userId, organisationId, roles: ['supervisor'] },
        requestId: `erasure-ledger-${entry.erasureRequestId}`,
        route: 'ERASURE-LEDGER reapply',
        idempotencyKey: entry.erasureRequestId,
      },
    );
  }
}

function erasureEventOf(recorded: readonly RecordedEvent[]): RecordedEvent | undefined {
  return recorded.find((r) => r.type === 'PersonalDataErased');
}

function ledgerEntryOf(caseId: string, event: RecordedEvent): ErasureLedgerEntry {
  const data = event.data as { erasureRequestId?: string };
  return {
    caseId,
    erasureRequestId: data.erasureRequestId ?? event.id,
    userId: event.metadata.userId as string,
    organisationId: event.metadata.organisationId as string,
    erasedAt: event.recordedAt.toISOString(),
  };
}

/** `Eraser`'s `keyDestroyed` over the `case_data_keys` table. */
export const keyDestroyedIn =
  (pool: Pick<Pool, 'query'>) =>
  async (caseId: string): Promise<boolean> => {
    const { rows } = await pool.query<{ destroyed: boolean }>(
      'SELECT destroyed_at IS NOT NULL AS destroyed FROM case_data_keys WHERE case_id = $1',
      [caseId],
    );
    return rows[0]?.destroyed === true;
  };
