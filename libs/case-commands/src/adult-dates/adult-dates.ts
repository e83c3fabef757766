import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { adultFrom, type CaseState } from '@remedy/case-domain';
import { readCase, type PersonalDecrypter } from '@remedy/case-stream';
import type { EventStore } from '@remedy/event-store';

/*
 * `case_adult_dates (case_id, adult_from, revision)`: the 18th birthday by the exact birth date,
 * which reveals the birth date (personal), for the read side's "child now" (issue 12 item 9;
 * @remedy/case-read-models age.ts). Written in one place, here, by the command pipeline after each
 * append and by the reconciliation below; cleared by erasure's `adult-date` step.
 */

/** What one write did: the row written, removed (or none to remove), or left to a later revision. */
export type AdultDateWrite = 'written' | 'deleted' | 'newer';

/**
 * Brings a case's row in line with `state`, the case as of stream revision `revision` with its
 * personal data opened: the 18th birthday when the birth date is known (and not erased), no row
 * otherwise. A row computed from a later revision is left as it is (a command and the
 * reconciliation, or two commands, writing the same case at once).
 */
export async function keepAdultDate(
  pool: Pick<Pool, 'query'>,
  state: CaseState,
  revision: bigint,
): Promise<AdultDateWrite> {
  const id = state.caseId; // as case_list.case_id holds it
  const date = state.erased || state.age.birthDate === undefined ? undefined : adultFrom(state.age);
  if (date === undefined) {
    await pool.query(
      'DELETE FROM case_adult_dates WHERE case_id = $1 AND (revision IS NULL OR revision <= $2)',
      [id, revision.toString()],
    );
    return 'deleted';
  }
  const { rowCount } = await pool.query(
    `INSERT INTO case_adult_dates (case_id, adult_from, revision) VALUES ($1, $2::date, $3)
     ON CONFLICT (case_id) DO UPDATE SET adult_from = EXCLUDED.adult_from, revision = EXCLUDED.revision
      WHERE case_adult_dates.revision IS NULL OR case_adult_dates.revision <= EXCLUDED.revision`,
    [id, date, revision.toString()],
  );
  return rowCount === 0 ? 'newer' : 'written';
}

/**
 * `keepAdultDate` as a statement committed with the command's append (@remedy/event-store
 * `AlongsideWrite`), at the revision the append reached: no crash can come between the two.
 */
export function adultDateWithAppend(state: CaseState): { text: string; values: unknown[] } {
  const date = state.erased || state.age.birthDate === undefined ? undefined : adultFrom(state.age);
  const revision = '(SELECT max(stream_revision) FROM appended)';
  if (date === undefined)
    return {
      text: `DELETE FROM case_adult_dates WHERE case_id = $1
              AND (revision IS NULL OR revision <= ${revision}) AND EXISTS (SELECT 1 FROM appended)`,
      values: [state.caseId],
    };
  return {
    text: `INSERT INTO case_adult_dates (case_id, adult_from, revision)
      SELECT $1, $2::date, ${revision} WHERE EXISTS (SELECT 1 FROM appended)
      ON CONFLICT (case_id) DO UPDATE SET adult_from = EXCLUDED.adult_from, revision = EXCLUDED.revision
       WHERE case_adult_dates.revision IS NULL OR case_adult_dates.revision <= EXCLUDED.revision`,
    values: [state.caseId, date],
  };
}

/** Counts of one reconciliation (never an id or a date). */
export interface AdultDatesReport {
  /** Cases looked at. */
  readonly checked: number;
  /** Rows written (the 18th birthday from the stream). */
  readonly written: number;
  /** Cases whose stream knows no birth date: no row (one removed if there was). */
  readonly withoutBirthDate: number;
  /** Erased cases: no row (a leftover removed), the stream not opened. */
  readonly erased: number;
  /** Cases whose row a command had meanwhile written from a later revision (left as it is). */
  readonly newer: number;
  /** Cases that could not be reconciled (retried by the next run). */
  readonly failed: number;
}

export interface ReconcileOptions {
  /**
   * Every case of the case list (not erased), not only those that need it. Default: the cases
   * that need it (see `AdultDatesReconciler`).
   */
  readonly all?: boolean;
  /** Cases per batch (one query for the batch, then one stream read per case). Default 100. */
  readonly batchSize?: number;
  /** Pause between batches, so a background run leaves room to the requests. Default 0. */
  readonly pauseMs?: number;
  /** Asked before each batch: stop (e.g. the process is shutting down). */
  readonly stopped?: () => boolean;
}

/**
 * Brings `case_adult_dates` in line with the case streams (the 18th birthday by the exact birth
 * date, which only the stream holds, sealed). For each case it reads the stream through
 * @remedy/case-stream, opens it (`opened(cipher)`) and writes what the command pipeline would
 * (`keepAdultDate`, with the stream's revision). Erased cases are never opened: their row, if one
 * is left, is removed.
 *
 * Which cases "need it", from what `case_list` knows (readable facts and opaque numbers only):
 * - no row although the readable state shows a birth year without an estimate (the birth date was
 *   known: opened or verified or corrected with one) — cases from before the table, or a crash
 *   between an append and the write;
 * - a row older than the case list (`revision < last_revision`) or without a revision (written
 *   before the column): a crash left it stale;
 * - a row of an erased case.
 * Resumable and idempotent: a case reconciled no longer needs it (a row with the stream's
 * revision), so a run stopped half-way is finished by the next; the cases are walked in `case_id`
 * order by keyset, in bounded batches. A case whose projection has not caught up yet is picked
 * up by the run after it has (the command pipeline writes its row anyway).
 */
export class AdultDatesReconciler {
  constructor(
    private readonly deps: {
      readonly pool: Pick<Pool, 'query'>;
      readonly store: Pick<EventStore, 'readStream'>;
      readonly cipher: PersonalDecrypter;
    },
  ) {}

  async reconcile(options: ReconcileOptions = {}): Promise<AdultDatesReport> {
    const batchSize = Math.max(1, options.batchSize ?? 100);
    const counts = { checked: 0, written: 0, withoutBirthDate: 0, erased: 0, newer: 0, failed: 0 };
    let after = '';
    for (;;) {
      if (options.stopped?.()) break;
      const batch = await this.candidates(after, batchSize, options.all === true);
      for (const c of batch) {
        counts.checked += 1;
        try {
          counts[await this.reconcileCase(c.case_id, c.erased)] += 1;
        } catch {
          counts.failed += 1; // nothing of the case (id, error text) is logged
        }
      }
      if (batch.length < batchSize) break;
      after = batch[batch.length - 1]!.case_id;
      if (options.pauseMs) await sleep(options.pauseMs);
    }
    return counts;
  }

  private async candidates(
    after: string,
    limit: number,
    all: boolean,
  ): Promise<{ case_id: string; erased: boolean }[]> {
    // The birth date was known: the readable state has the year and no estimate (an estimate or
    // a verified age sets `estimatedAge`; the exact date sets only the year, readable).
    const birthYearOnly = `(l.facts #> '{state,age,birthYear}') IS NOT NULL
                       AND (l.facts #> '{state,age,estimatedAge}') IS NULL`;
    const needs = `(a.case_id IS NULL AND NOT l.erased AND ${birthYearOnly})
                OR (a.case_id IS NOT NULL
                    AND (l.erased OR a.revision IS NULL OR a.revision < l.last_revision))`;
    const { rows } = await this.deps.pool.query<{ case_id: string; erased: boolean }>(
      `SELECT l.case_id, l.erased
         FROM case_list l LEFT JOIN case_adult_dates a USING (case_id)
        WHERE l.case_id > $1 AND (${all ? 'NOT l.erased OR a.case_id IS NOT NULL' : needs})
        ORDER BY l.case_id LIMIT $2`,
      [after, limit],
    );
    return rows;
  }

  private async reconcileCase(
    caseId: string,
    erasedInList: boolean,
  ): Promise<'written' | 'withoutBirthDate' | 'erased' | 'newer'> {
    const stream = erasedInList ? undefined : await readCase(this.deps.store, caseId);
    if (!stream || stream.readableState().erased) {
      // Never opened; the row, if any, goes (as erasure's own step does).
      await this.deps.pool.query('DELETE FROM case_adult_dates WHERE case_id = $1', [caseId]);
      return 'erased';
    }
    if (stream.revision === undefined) return 'withoutBirthDate'; // no stream (yet)
    const { state } = await stream.opened(this.deps.cipher);
    const write = await keepAdultDate(this.deps.pool, state, stream.revision);
    return write === 'deleted' ? 'withoutBirthDate' : write;
  }
}
