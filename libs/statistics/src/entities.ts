import { COLUMN } from '@remedy/database';
import { EntitySchema } from 'typeorm';

/**
 * Tables of the statistics (made by CreateStatisticsTables1795600000000).
 *
 * - `statistics_case_state`: the fold state of each case (private to the projection): keyed by the
 *   pseudonym, never read by the release builder.
 * - `statistics_case_facts`: one row per case and reporting year, categorical facts only (the
 *   release builder's only input). No case id, reference, organisation id, date finer than a year
 *   or free text.
 * - `statistics_releases`: releases, immutable once built (unique by their request key).
 * - `statistics_privacy_ledger`: append-only privacy-budget spending (differential privacy).
 */
export interface CaseStateRow {
  row_key: string;
  state: Record<string, unknown>;
  last_revision: string;
}

export const CaseStateEntity = new EntitySchema<CaseStateRow>({
  name: 'StatisticsCaseState',
  tableName: 'statistics_case_state',
  columns: {
    row_key: COLUMN.textKey,
    state: COLUMN.jsonb,
    last_revision: COLUMN.bigint,
  },
});

export interface CaseFactRowEntity {
  row_key: string;
  year: number;
}

export const CaseFactEntity = new EntitySchema<CaseFactRowEntity>({
  name: 'StatisticsCaseFact',
  tableName: 'statistics_case_facts',
  columns: {
    row_key: COLUMN.textKey,
    year: COLUMN.smallintKey,
  },
});

export interface ReleaseRow {
  release_id: string;
  request_key: string;
  status: string;
  request: Record<string, unknown>;
  body: string | null;
  digest: string | null;
  signature: string | null;
}

export const ReleaseEntity = new EntitySchema<ReleaseRow>({
  name: 'StatisticsRelease',
  tableName: 'statistics_releases',
  columns: {
    release_id: COLUMN.uuidKey,
    request_key: COLUMN.text,
    status: COLUMN.text,
    request: COLUMN.jsonb,
    body: COLUMN.textOrNull,
    digest: COLUMN.textOrNull,
    signature: COLUMN.textOrNull,
  },
});
