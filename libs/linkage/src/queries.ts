import type { DataSource } from 'typeorm';
import { withOrganisationScope } from '@remedy/database';
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
    private readonly ds: DataSource,
    private readonly store: Pick<EventStore, 'readStream'>,
  ) {}

  async answer(organisationId: string, caseId: string, scope?: object): Promise<LinkageAnswer> {
    const stream = await readCase(this.store, caseId, { snapshot: true, scope });
    const state = stream.readableState();
    const holder = state.holdingOrganisationId.toLowerCase() === organisationId.toLowerCase();
    const consented = holder && !state.erased && state.liveConsents.includes(MATCHING_CONSENT);
    if (!consented) return { matchingConsent: false };
    // As the application role with the organisation set: it reads no linkage table, it may only
    // ask this one question (a SECURITY DEFINER function of the migration 1796000001000).
    const rows = await withOrganisationScope(this.ds, organisationId, (db) =>
      db.query<{ found: boolean }>(`SELECT linkage_probable_match_elsewhere($1::uuid) AS found`, [
        caseId,
      ]),
    );
    return { matchingConsent: true, probableMatchElsewhere: rows[0]?.found === true };
  }
}
