import type { DataSource } from 'typeorm';
import { consentKey } from '@remedy/case-domain';
import { readCase } from '@remedy/case-stream';
import type { EventStore } from '@remedy/event-store';

/** The consent purpose under which an organisation is told its case probably matches elsewhere. */
export const MATCHING_CONSENT = consentKey('cross_organisation_matching');

export interface LinkageAnswer {
  readonly matchingConsent: boolean;
  readonly probableMatchElsewhere?: boolean;
}

/**
 * What an organisation may learn from linkage about one of its cases: only whether the case's
 * record is in a cluster with a record of another organisation, only for the holder, and only
 * while the person's consent for `cross_organisation_matching` is live (decided on the stream).
 * Never which case, which organisation, or how many.
 */
export class LinkageQueries {
  constructor(
    private readonly ds: Pick<DataSource, 'query'>,
    private readonly store: Pick<EventStore, 'readStream'>,
  ) {}

  async answer(organisationId: string, caseId: string, scope?: object): Promise<LinkageAnswer> {
    const stream = await readCase(this.store, caseId, { snapshot: true, scope });
    const state = stream.readableState();
    const holder = state.holdingOrganisationId.toLowerCase() === organisationId.toLowerCase();
    const consented = holder && !state.erased && state.liveConsents.includes(MATCHING_CONSENT);
    if (!consented) return { matchingConsent: false };
    const rows = (await this.ds.query(
      `SELECT EXISTS (
         SELECT 1 FROM linkage_records mine
           JOIN linkage.record_clusters c ON c.record_id = mine.record_id
           JOIN linkage.record_clusters other ON other.cluster_id = c.cluster_id
                                             AND other.record_id <> c.record_id
           JOIN linkage_records theirs ON theirs.record_id = other.record_id
          WHERE mine.case_id = $1 AND theirs.organisation_id <> mine.organisation_id
       ) AS found`,
      [caseId],
    )) as { found: boolean }[];
    return { matchingConsent: true, probableMatchElsewhere: rows[0]?.found === true };
  }
}
