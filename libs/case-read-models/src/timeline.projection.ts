import type { EntityManager } from 'typeorm';
import { CASE_EVENT_TYPES } from '@remedy/case-domain';
import { caseEventOf, sealedCiphertextOf } from '@remedy/case-stream';
import type { RecordedEvent } from '@remedy/event-store';
import { copyInsert, defineProjection } from '@remedy/projections';
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
  const facts: Record<string, unknown> = {};
  for (const k of Object.keys(data)) if (!META.has(k)) facts[k] = data[k];
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

/** The columns the projection writes (`copyInsert`). */
const COLUMNS: readonly (readonly [keyof CaseTimelineRow, string])[] = [
  ['case_id', 'text'],
  ['revision', 'bigint'],
  ['event_type', 'text'],
  ['occurred_at', 'timestamptz'],
  ['recorded_at', 'timestamptz'],
  ['actor_id', 'text'],
  ['organisation_id', 'text'],
  ['facts', 'jsonb'],
  ['has_personal', 'boolean'],
  ['sealed_personal', 'text'],
];

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
    await copyInsert(em, 'case_timeline', 'case_id, revision', COLUMNS, rows);
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
