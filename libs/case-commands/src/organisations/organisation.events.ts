import type { AssistanceType, IsoCountryCode, OrganisationType } from '@remedy/case-domain';

/**
 * The organisation directory, as events of the streams `organisation-<uuid>`. Organisations are
 * not persons: their names are readable. Metadata carries opaque ids only.
 */
export interface OrganisationProfile {
  readonly name: string;
  readonly type: OrganisationType;
  /** The assistance types it offers (the services a referral may ask for). */
  readonly services: readonly AssistanceType[];
  /** ISO 3166-1 alpha-2. */
  readonly country: IsoCountryCode;
}

interface OrganisationEventMeta {
  readonly organisationId: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  /** The administrator who acted (opaque id). */
  readonly actorId: string;
}

export interface OrganisationRegistered {
  readonly type: 'OrganisationRegistered';
  readonly schemaVersion: 1;
  readonly data: OrganisationEventMeta &
    OrganisationProfile & {
      /** Short code used in case references (`ORG-2026-00042`); fixed once registered. */
      readonly code: string;
    };
}

export interface OrganisationUpdated {
  readonly type: 'OrganisationUpdated';
  readonly schemaVersion: 1;
  readonly data: OrganisationEventMeta & OrganisationProfile;
}

export type OrganisationEvent = OrganisationRegistered | OrganisationUpdated;
export const ORGANISATION_EVENT_TYPES = ['OrganisationRegistered', 'OrganisationUpdated'] as const;

export const organisationStreamId = (organisationId: string): string =>
  `organisation-${organisationId.toLowerCase()}`;

export interface Organisation extends OrganisationProfile {
  readonly organisationId: string;
  readonly code: string;
  readonly revision: number;
}

/** Folds an organisation's stream (undefined when it was never registered). */
export function foldOrganisation(
  events: readonly { readonly type: string; readonly data: unknown; readonly revision: bigint }[],
): Organisation | undefined {
  let org: Organisation | undefined;
  for (const e of events) {
    if (e.type === 'OrganisationRegistered') {
      const d = e.data as OrganisationRegistered['data'];
      org = {
        organisationId: d.organisationId,
        name: d.name,
        type: d.type,
        services: d.services,
        country: d.country,
        code: d.code,
        revision: Number(e.revision),
      };
    } else if (e.type === 'OrganisationUpdated' && org) {
      const d = e.data as OrganisationUpdated['data'];
      org = {
        ...org,
        name: d.name,
        type: d.type,
        services: d.services,
        country: d.country,
        revision: Number(e.revision),
      };
    }
  }
  return org;
}
