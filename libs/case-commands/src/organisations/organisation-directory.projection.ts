import { defineProjection } from '@remedy/projections';
import type { RecordedEvent } from '@remedy/event-store';
import type { OrganisationRegistered, OrganisationUpdated } from './organisation.events';
import { ORGANISATION_EVENT_TYPES } from './organisation.events';

export const ORGANISATION_DIRECTORY_PROJECTION = 'organisation-directory';

/**
 * The organisation directory read model (`organisation_directory`, created by migration),
 * idempotent by stream revision: a row is only changed by an event of a later revision.
 */
export const organisationDirectoryProjection = defineProjection({
  name: ORGANISATION_DIRECTORY_PROJECTION,
  eventTypes: ORGANISATION_EVENT_TYPES,
  entities: [],
  async apply(events: readonly RecordedEvent[], em) {
    for (const e of events) {
      if (e.type === 'OrganisationRegistered') {
        const d = e.data as OrganisationRegistered['data'];
        await em.query(
          `INSERT INTO organisation_directory
             (organisation_id, name, type, services, country, code, registered_at, updated_at, last_revision)
           VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $7, $8)
           ON CONFLICT (organisation_id) DO UPDATE SET
             name = EXCLUDED.name, type = EXCLUDED.type, services = EXCLUDED.services, country = EXCLUDED.country,
             code = EXCLUDED.code, updated_at = EXCLUDED.updated_at, last_revision = EXCLUDED.last_revision
           WHERE organisation_directory.last_revision < EXCLUDED.last_revision`,
          [
            d.organisationId,
            d.name,
            d.type,
            d.services,
            d.country,
            d.code,
            d.recordedAt,
            e.revision.toString(),
          ],
        );
      } else if (e.type === 'OrganisationUpdated') {
        const d = e.data as OrganisationUpdated['data'];
        await em.query(
          `UPDATE organisation_directory SET name = $2, type = $3, services = $4::text[], country = $5,
             updated_at = $6, last_revision = $7
           WHERE organisation_id = $1 AND last_revision < $7`,
          [
            d.organisationId,
            d.name,
            d.type,
            d.services,
            d.country,
            d.recordedAt,
            e.revision.toString(),
          ],
        );
      }
    }
  },
  async clear(em) {
    await em.query('DELETE FROM organisation_directory');
  },
});
