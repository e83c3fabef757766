import type { EntityManager } from 'typeorm';
import { CASE_EVENT_TYPES } from '@remedy/case-domain';
import { caseEventOf, sealedCiphertextOf } from '@remedy/case-stream';
import type { RecordedEvent } from '@remedy/event-store';
import {
  copyRows,
  defineProjection,
  populateRowsJson,
  SMALL_BATCH_ROWS,
  stagingTableSql,
} from '@remedy/projections';
import { CaseTimelineEntity, type CaseTimelineRow } from './entities';

export const TIMELINE_PROJECTION = 'case-read.timeline';

const META = new Set([
  'caseId',
  'organisationId',
  'actorId',
  'occurredAt',
  'recordedAt',
  'personal',
]);

/** One timeline row per event: readable facts, both times, actor ids, personal text sealed. */
export function timelineRow(e: RecordedEvent): CaseTimelineRow {
  const event = caseEventOf(e);
  const data = event.data as unknown as Record<string, unknown>;
  const facts = Object.fromEntries(Object.entries(data).filter(([k]) => !META.has(k)));
  return {
    case_id: event.data.caseId,
    revision: e.revision.toString(),
    event_type: event.type,
    occurred_at: new Date(event.data.occurredAt ?? e.occurredAt).toISOString(),
    recorded_at: e.recordedAt.toISOString(),
    actor_id: event.data.actorId,
    organisation_id: event.data.organisationId,
    facts,
    has_personal: 'personal' in data,
    sealed_personal: sealedCiphertextOf(data.personal) ?? null,
  };
}

const COLUMNS: readonly (keyof CaseTimelineRow)[] = [
  'case_id',
  'revision',
  'event_type',
  'occurred_at',
  'recorded_at',
  'actor_id',
  'organisation_id',
  'facts',
  'has_personal',
  'sealed_personal',
];
const STAGING = stagingTableSql('case_timeline_staging', 'case_timeline');
const SMALL_BATCH_INSERT = `INSERT INTO case_timeline (${COLUMNS.join(', ')})
  SELECT ${COLUMNS.join(', ')} FROM jsonb_populate_recordset(NULL::case_timeline, $1::jsonb)
  ON CONFLICT (case_id, revision) DO NOTHING`;

/**
 * COPY into a staging table, then one INSERT ... SELECT (COPY FROM is refused under row-level
 * security and cannot skip the rows already there).
 */
async function copyAndInsert(em: EntityManager, rows: readonly CaseTimelineRow[]): Promise<void> {
  await em.query(STAGING);
  await copyRows(
    em,
    'case_timeline_staging',
    COLUMNS,
    rows.map((r) => COLUMNS.map((c) => r[c])),
  );
  await em.query(
    `INSERT INTO case_timeline (${COLUMNS.join(', ')})
     SELECT ${COLUMNS.join(', ')} FROM case_timeline_staging
     ON CONFLICT (case_id, revision) DO NOTHING`,
  );
}

/**
 * The case timeline (table case_timeline): append-only, keyed by (case id, stream revision), so a
 * replayed event is ignored (ON CONFLICT DO NOTHING). `PersonalDataErased` also drops the
 * case's ciphertexts (they are unreadable once the key is shredded; see personal.ts).
 */
export const timelineProjection = defineProjection({
  name: TIMELINE_PROJECTION,
  eventTypes: CASE_EVENT_TYPES,
  entities: [CaseTimelineEntity],
  batchSize: 1000,
  async apply(events: readonly RecordedEvent[], em: EntityManager): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(timelineRow);
    if (rows.length <= SMALL_BATCH_ROWS) {
      // A live batch: one statement (the staging table's three round trips cost more here).
      await em.query(SMALL_BATCH_INSERT, [populateRowsJson(COLUMNS, rows)]);
    } else {
      await copyAndInsert(em, rows);
    }
    const erased = [
      ...new Set(rows.filter((r) => r.event_type === 'PersonalDataErased').map((r) => r.case_id)),
    ];
    if (erased.length > 0) {
      await em.query(
        `UPDATE case_timeline SET sealed_personal = NULL WHERE case_id = ANY($1::text[]) AND sealed_personal IS NOT NULL`,
        [erased],
      );
    }
  },
  async clear(em: EntityManager): Promise<void> {
    await em.query('DELETE FROM case_timeline');
  },
});
