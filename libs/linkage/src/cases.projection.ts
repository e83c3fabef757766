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
    // Set-based (issue 18): one statement for every case of the batch (each case once, its changes
    // merged above), one for the records of transferred cases; row by row, a rebuild paid two
    // round trips per case. The update of existing rows and the insert of new ones are separate
    // parts of the statement: an update keeps a stored value where the batch says nothing (null),
    // which ON CONFLICT's EXCLUDED row, defaults applied, cannot tell apart.
    const rows = [...changes];
    if (rows.length > 0)
      await em.query(
        `WITH x AS (
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::boolean[], $5::boolean[],
                                $6::boolean[], $7::bigint[])
             AS x(case_id, organisation_id, acting, objects, erased, dirty, last_revision)
         ), updated AS (
           UPDATE linkage_cases t SET
             organisation_id = COALESCE(x.organisation_id, t.organisation_id),
             objects = COALESCE(x.objects, t.objects),
             erased = t.erased OR COALESCE(x.erased, false),
             dirty = t.dirty OR COALESCE(x.dirty, false),
             last_revision = x.last_revision
           FROM x WHERE t.case_id = x.case_id AND t.last_revision < x.last_revision
         )
         INSERT INTO linkage_cases (case_id, organisation_id, objects, erased, dirty, last_revision)
         SELECT case_id, COALESCE(organisation_id, acting), COALESCE(objects, false),
                COALESCE(erased, false), COALESCE(dirty, true), last_revision
           FROM x WHERE NOT EXISTS (SELECT 1 FROM linkage_cases l WHERE l.case_id = x.case_id)
         ON CONFLICT (case_id) DO NOTHING`,
        [
          rows.map(([id]) => id),
          rows.map(([, c]) => c.organisationId ?? null),
          rows.map(([, c]) => c.actingOrganisationId ?? null),
          rows.map(([, c]) => c.objects ?? null),
          rows.map(([, c]) => c.erased ?? null),
          rows.map(([, c]) => c.dirty ?? null),
          rows.map(([, c]) => c.revision.toString()),
        ],
      );
    const moved = rows.filter(([, c]) => c.organisationId);
    if (moved.length > 0)
      await em.query(
        `UPDATE linkage_records r SET organisation_id = x.organisation_id
           FROM unnest($1::uuid[], $2::uuid[]) AS x(case_id, organisation_id)
          WHERE r.case_id = x.case_id`,
        [moved.map(([id]) => id), moved.map(([, c]) => c.organisationId)],
      );
    const gone = [...changes].filter(([, c]) => c.objects === true || c.erased).map(([id]) => id);
    if (gone.length > 0) for (const sql of FORGET_RECORD_SQL) await em.query(sql, [gone]);
  },
  async clear(em: EntityManager): Promise<void> {
    // The records and encodings stay (they are re-derived by the encoder, not by the projection).
    await em.query('DELETE FROM linkage_cases');
  },
});
