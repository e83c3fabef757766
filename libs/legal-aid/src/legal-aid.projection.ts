import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '@remedy/event-store';
import { defineProjection } from '@remedy/projections';
import {
  foldLegalAidCase,
  LEGAL_AID_CASE_EVENT_TYPES,
  loadLegalAidCases,
  toCaseEvent,
  UPSERT_LEGAL_AID_CASES,
} from './cases.projection';
import { LegalAidCaseEntity, type LegalAidCaseRow } from './entities';

export const LEGAL_AID_PROJECTION = 'legal-aid.cases';

/**
 * The legal-aid read model: one row per case (table legal_aid_cases) with the whitelisted facts
 * and the live legal-aid access of the case. Per batch: one SELECT of the batch's cases, the
 * events folded in memory (skipping those at or below the stored revision: idempotent), one bulk
 * upsert guarded by `last_revision`.
 */
export const legalAidProjection = defineProjection({
  name: LEGAL_AID_PROJECTION,
  eventTypes: [...LEGAL_AID_CASE_EVENT_TYPES],
  entities: [LegalAidCaseEntity],
  batchSize: 500,
  async apply(events: readonly RecordedEvent[], em: EntityManager): Promise<void> {
    if (events.length === 0) return;
    const decoded = events.map((recorded) => ({ recorded, event: toCaseEvent(recorded) }));
    const caseIds = [...new Set(decoded.map((d) => d.event.data.caseId))];
    const rows = await loadLegalAidCases(em, caseIds);
    const changed = new Map<string, LegalAidCaseRow>();
    for (const { recorded, event } of decoded) {
      const caseId = event.data.caseId;
      const before = rows.get(caseId);
      if (before && BigInt(before.last_revision) >= recorded.revision) continue; // already applied
      const after = foldLegalAidCase(before, event, recorded);
      if (!after) continue;
      rows.set(caseId, after);
      changed.set(caseId, after);
    }
    if (changed.size > 0)
      await em.query(UPSERT_LEGAL_AID_CASES, [JSON.stringify([...changed.values()])]);
  },
  async clear(em: EntityManager): Promise<void> {
    await em.query('DELETE FROM legal_aid_cases');
  },
});
