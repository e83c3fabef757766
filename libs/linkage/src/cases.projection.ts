import type { EntityManager } from 'typeorm';
import { caseIdOfStream } from '@remedy/case-stream';
import type { RecordedEvent } from '@remedy/event-store';
import { defineProjection } from '@remedy/projections';

export const LINKAGE_CASES_PROJECTION = 'linkage.cases';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Change {
  organisationId?: string;
  /** The acting organisation of the batch's last event of the case (the holder, as a rule). */
  actingOrganisationId?: string;
  objects?: boolean;
  erased?: boolean;
  /** Identifying facts may have changed: encode again. */
  dirty?: boolean;
  revision: bigint;
}

/**
 * Forgets a case's record everywhere the organisation side put it: its encoding at the linkage
 * unit (and the unit's pairs and cluster row of it), then the mapping row. Used on objection and
 * by the erasure step (the same statements, in one place).
 */
export const FORGET_RECORD_SQL = [
  `DELETE FROM linkage.pairs p USING linkage_records r
    WHERE r.case_id = ANY($1::uuid[]) AND (p.record_a = r.record_id OR p.record_b = r.record_id)`,
  `DELETE FROM linkage.record_clusters c USING linkage_records r
    WHERE r.case_id = ANY($1::uuid[]) AND c.record_id = r.record_id`,
  `DELETE FROM linkage.encodings e USING linkage_records r
    WHERE r.case_id = ANY($1::uuid[]) AND e.record_id = r.record_id`,
  `DELETE FROM linkage_records WHERE case_id = ANY($1::uuid[])`,
] as const;

/**
 * The organisation side of record linkage, part 1: which cases are to be encoded, kept from the
 * events (opaque ids and booleans only, no decryption here). A case is encoded while its person
 * has not objected to statistical use and its personal data is not erased; an objection or an
 * erasure removes its record and its encoding in the batch's transaction. The encoding itself
 * (decrypting the identifying fields) is done by the worker's LinkageEncoder, which picks up the
 * `dirty` rows.
 */
export const linkageCasesProjection = defineProjection({
  name: LINKAGE_CASES_PROJECTION,
  eventTypes: [
    'CaseOpened',
    'CaseTransferred',
    'StatisticalUseObjectionRecorded',
    'StatisticalUseObjectionWithdrawn',
    'PersonalDataErased',
  ],
  entities: [],
  async apply(events: readonly RecordedEvent[], em: EntityManager): Promise<void> {
    const changes = new Map<string, Change>();
    for (const e of events) {
      const caseId = caseIdOfStream(e.streamId);
      if (!UUID.test(caseId)) continue;
      const data = (e.data ?? {}) as Record<string, unknown>;
      const c = changes.get(caseId) ?? { revision: e.revision };
      c.revision = e.revision;
      if (typeof data.organisationId === 'string' && UUID.test(data.organisationId))
        c.actingOrganisationId = data.organisationId;
      switch (e.type) {
        case 'CaseOpened':
          if (typeof data.organisationId === 'string' && UUID.test(data.organisationId))
            c.organisationId = data.organisationId;
          c.dirty = true;
          break;
        case 'CaseTransferred':
          if (typeof data.toOrganisationId === 'string' && UUID.test(data.toOrganisationId))
            c.organisationId = data.toOrganisationId;
          break;
        case 'StatisticalUseObjectionRecorded':
          c.objects = true;
          break;
        case 'StatisticalUseObjectionWithdrawn':
          c.objects = false;
          c.dirty = true;
          break;
        case 'PersonalDataErased':
          c.erased = true;
          break;
      }
      changes.set(caseId, c);
    }
    for (const [caseId, c] of changes) {
      await em.query(
        `INSERT INTO linkage_cases (case_id, organisation_id, objects, erased, dirty, last_revision)
         VALUES ($1, COALESCE($2::uuid,
                   (SELECT organisation_id FROM linkage_cases WHERE case_id = $1::uuid), $11::uuid),
                 $3, $4, $5, $6)
         ON CONFLICT (case_id) DO UPDATE SET
           organisation_id = COALESCE($7, linkage_cases.organisation_id),
           objects = COALESCE($8, linkage_cases.objects),
           erased = linkage_cases.erased OR COALESCE($9, false),
           dirty = linkage_cases.dirty OR COALESCE($10, false),
           last_revision = EXCLUDED.last_revision
         WHERE linkage_cases.last_revision < EXCLUDED.last_revision`,
        [
          caseId,
          c.organisationId ?? null,
          c.objects ?? false,
          c.erased ?? false,
          c.dirty ?? true,
          c.revision.toString(),
          c.organisationId ?? null,
          c.objects ?? null,
          c.erased ?? null,
          c.dirty ?? null,
          c.actingOrganisationId ?? null,
        ],
      );
      if (c.organisationId)
        await em.query(`UPDATE linkage_records SET organisation_id = $2 WHERE case_id = $1`, [
          caseId,
          c.organisationId,
        ]);
    }
    const gone = [...changes].filter(([, c]) => c.objects === true || c.erased).map(([id]) => id);
    if (gone.length > 0) for (const sql of FORGET_RECORD_SQL) await em.query(sql, [gone]);
  },
  async clear(em: EntityManager): Promise<void> {
    // The records and encodings stay (they are re-derived by the encoder, not by the projection).
    await em.query('DELETE FROM linkage_cases');
  },
});
