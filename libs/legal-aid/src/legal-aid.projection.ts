import type { EntityManager } from 'typeorm';
import { caseEventOf } from '@remedy/case-stream';
import type { RecordedEvent } from '@remedy/event-store';
import { copyUpsert, defineProjection } from '@remedy/projections';
import {
  foldLegalAidCase,
  LEGAL_AID_CASE_EVENT_TYPES,
  loadLegalAidCases,
  LEGAL_AID_CASE_COLUMNS,
} from './cases.projection';
import {
  CLAIM_EVENT_TYPES,
  foldClaim,
  isClaimEvent,
  loadClaimsOfCases,
  LEGAL_AID_CLAIM_COLUMNS,
} from './claims.projection';
import {
  LegalAidCaseEntity,
  LegalAidClaimEntity,
  type LegalAidCaseRow,
  type LegalAidClaimRow,
} from './entities';

export const LEGAL_AID_PROJECTION = 'legal-aid.cases';

const CASE_EVENTS = new Set<string>(LEGAL_AID_CASE_EVENT_TYPES);

/**
 * The legal-aid read model: one row per case (legal_aid_cases: the whitelisted facts and the live
 * legal-aid access) and one per compensation claim (legal_aid_claims). Per batch: one SELECT per
 * table for the batch's cases, the events folded in memory (each row skips events at or below its
 * stored stream revision: idempotent), one bulk upsert per table guarded by `last_revision`.
 */
export const legalAidProjection = defineProjection({
  name: LEGAL_AID_PROJECTION,
  // Row-level security reads its grants (legal_aid_organisations + legal_aid_consents): granting commands wait for it.
  carriesAccess: true,
  eventTypes: [...LEGAL_AID_CASE_EVENT_TYPES, ...CLAIM_EVENT_TYPES],
  entities: [LegalAidCaseEntity, LegalAidClaimEntity],
  batchSize: 500,
  async apply(events: readonly RecordedEvent[], em: EntityManager): Promise<void> {
    if (events.length === 0) return;
    const decoded = events.map((recorded) => ({ recorded, event: caseEventOf(recorded) }));
    const caseIds = [...new Set(decoded.map((d) => d.event.data.caseId))];
    const cases = await loadLegalAidCases(em, caseIds);
    const needClaims = decoded.some(
      (d) => isClaimEvent(d.event.type) || d.event.type === 'PersonalDataErased',
    );
    const claims = needClaims
      ? await loadClaimsOfCases(em, caseIds)
      : new Map<string, LegalAidClaimRow>();
    const changedCases = new Map<string, LegalAidCaseRow>();
    const changedClaims = new Map<string, LegalAidClaimRow>();
    const applyToClaim = (claimId: string, d: (typeof decoded)[number]) => {
      const before = claims.get(claimId);
      if (before && BigInt(before.last_revision) >= d.recorded.revision) return; // already applied
      const after = foldClaim(before, d.event, d.recorded);
      if (!after || after === before) return;
      claims.set(claimId, after);
      changedClaims.set(claimId, after);
    };
    for (const d of decoded) {
      const { event, recorded } = d;
      const caseId = event.data.caseId;
      if (CASE_EVENTS.has(event.type)) {
        const before = cases.get(caseId);
        if (!before || BigInt(before.last_revision) < recorded.revision) {
          const after = foldLegalAidCase(before, event, recorded);
          if (after) {
            cases.set(caseId, after);
            changedCases.set(caseId, after);
          }
        }
      }
      if (isClaimEvent(event.type)) applyToClaim((event.data as { claimId: string }).claimId, d);
      if (event.type === 'PersonalDataErased') {
        for (const c of [...claims.values()].filter((c) => c.case_id === caseId))
          applyToClaim(c.claim_id, d);
      }
    }
    await copyUpsert(em, 'legal_aid_cases', 'case_id', LEGAL_AID_CASE_COLUMNS, [
      ...changedCases.values(),
    ]);
    await copyUpsert(em, 'legal_aid_claims', 'claim_id', LEGAL_AID_CLAIM_COLUMNS, [
      ...changedClaims.values(),
    ]);
  },
  async clear(em: EntityManager): Promise<void> {
    await em.query('DELETE FROM legal_aid_claims');
    await em.query('DELETE FROM legal_aid_cases');
  },
});
