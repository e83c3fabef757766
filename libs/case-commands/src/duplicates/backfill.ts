import type { Pool } from 'pg';
import { comparePositions, START, type EventStore, type GlobalPosition } from '@remedy/event-store';
import { caseIdOfStream } from '@remedy/case-stream';
import { MATCH_TOKENS_VERSION } from '@remedy/person-matching';
import type { PersonMatchTokens } from './person-match-tokens';

/**
 * The backfill's checkpoint row in `person_match_backfill`, one per token version: when
 * MATCH_TOKENS_VERSION changes, the next run starts from the beginning of the log and rewrites
 * every case's tokens (rows of another version compare as unrelated until then).
 */
export const BACKFILL_NAME = `person-match-tokens/${MATCH_TOKENS_VERSION}`;

export interface BackfillOptions {
  /** Cases per batch (default 100); the checkpoint is stored after each batch. */
  readonly batchSize?: number;
  /** Forget the checkpoint: every case again (tokens are overwritten: idempotent). */
  readonly fromStart?: boolean;
  /** Stop after this many cases (default: all); the next run resumes after them. */
  readonly limit?: number;
  /** Called after each batch with the counts so far (the CLI prints them). */
  readonly progress?: (report: BackfillReport) => void;
}

export interface BackfillReport {
  readonly cases: number;
  readonly written: number;
  readonly erased: number;
  readonly withoutPerson: number;
  readonly failed: number;
  /** True when the run reached the end of the log (else stopped by `limit`). */
  readonly complete: boolean;
}

/**
 * Tokens for the cases opened before issue 19 (or whose follow-up write did not happen): every
 * CaseOpened of the log in global order, each case's tokens recomputed from its stream (its
 * personal parts decrypted with the case's data key, in memory only; erased cases get none).
 * Resumable: the position of the last CaseOpened done is stored after each batch, so a run that
 * stops (or is stopped) resumes there; recomputing a case twice is harmless. Counts only are
 * reported, never an id or a value.
 */
export async function backfillMatchTokens(
  deps: {
    readonly pool: Pick<Pool, 'query'>;
    readonly store: Pick<EventStore, 'readAll'>;
    readonly tokens: Pick<PersonMatchTokens, 'refresh'>;
  },
  options: BackfillOptions = {},
): Promise<BackfillReport> {
  const batchSize = options.batchSize ?? 100;
  if (options.fromStart)
    await deps.pool.query('DELETE FROM person_match_backfill WHERE name = $1', [BACKFILL_NAME]);
  const saved = await deps.pool.query<{ position_commit: string; position_prepare: string }>(
    'SELECT position_commit, position_prepare FROM person_match_backfill WHERE name = $1',
    [BACKFILL_NAME],
  );
  let from: GlobalPosition = saved.rows[0]
    ? {
        commit: BigInt(saved.rows[0].position_commit),
        prepare: BigInt(saved.rows[0].position_prepare),
      }
    : START;
  const report = { cases: 0, written: 0, erased: 0, withoutPerson: 0, failed: 0 };
  for (;;) {
    const left = options.limit === undefined ? batchSize : options.limit - report.cases;
    if (left <= 0) return { ...report, complete: false };
    const batch = await deps.store.readAll({
      from,
      batchSize: Math.min(batchSize, left),
      types: ['CaseOpened'],
    });
    for (const event of batch.events) {
      report.cases++;
      try {
        const outcome = await deps.tokens.refresh(caseIdOfStream(event.streamId));
        if (outcome === 'written') report.written++;
        else if (outcome === 'erased') report.erased++;
        else report.withoutPerson++;
      } catch {
        report.failed++;
      }
    }
    const last = batch.events[batch.events.length - 1]?.position;
    const next = last && comparePositions(last, batch.next) > 0 ? last : batch.next;
    if (comparePositions(next, from) > 0) {
      from = next;
      await deps.pool.query(
        `INSERT INTO person_match_backfill (name, position_commit, position_prepare, cases_done, updated_at)
         VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (name) DO UPDATE SET position_commit = EXCLUDED.position_commit,
           position_prepare = EXCLUDED.position_prepare,
           cases_done = person_match_backfill.cases_done + $4, updated_at = now()`,
        [BACKFILL_NAME, from.commit.toString(), from.prepare.toString(), batch.events.length],
      );
    }
    options.progress?.({ ...report, complete: batch.isEnd });
    if (batch.isEnd || batch.events.length === 0) return { ...report, complete: true };
  }
}
