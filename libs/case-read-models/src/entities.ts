import { EntitySchema } from 'typeorm';

/**
 * TypeORM schemas of the case read models (tables created by CreateCaseReadModels1795400000000).
 * Registered with the DataSource through the projections' `entities`; the projections write
 * them with bulk SQL and the queries read them with SQL (keyset pagination).
 */

export interface CaseListRow {
  case_id: string;
  organisation_id: string;
  reference: string;
  lifecycle: 'open' | 'closure_requested' | 'closed';
  identification_status: string;
  child_at_opening: boolean | null;
  child_at_identification: boolean | null;
  presumed_minor: boolean;
  /** The first day the person is certainly an adult by the readable facts (conservative); null when unknown. */
  adult_from: string | null;
  caseworker_id: string | null;
  open_referrals: number;
  reflection_ends_on: string | null;
  next_deadline: string | null;
  closure_requested_at: string | null;
  best_interests_pending: string[];
  erased: boolean;
  opened_at: string;
  last_activity: string;
  last_revision: string;
  facts: Record<string, unknown>;
  /** Ciphertexts of personal fields by topic (`opening`, `identification`, `birthDate`, `guardian`). */
  sealed_personal: Record<string, string>;
  /** Organisations a consent-based grant (consented live referral) lets read the case (row-level security). */
  granted_organisations: string[];
}

export const CaseListEntity = new EntitySchema<CaseListRow>({
  name: 'CaseList',
  tableName: 'case_list',
  columns: {
    case_id: { type: 'text', primary: true },
    organisation_id: { type: 'text' },
    reference: { type: 'text' },
    lifecycle: { type: 'text' },
    identification_status: { type: 'text' },
    child_at_opening: { type: 'boolean', nullable: true },
    child_at_identification: { type: 'boolean', nullable: true },
    presumed_minor: { type: 'boolean' },
    adult_from: { type: 'date', nullable: true },
    caseworker_id: { type: 'text', nullable: true },
    open_referrals: { type: 'int' },
    reflection_ends_on: { type: 'date', nullable: true },
    next_deadline: { type: 'date', nullable: true },
    closure_requested_at: { type: 'timestamptz', nullable: true },
    best_interests_pending: { type: 'text', array: true },
    erased: { type: 'boolean' },
    opened_at: { type: 'timestamptz' },
    last_activity: { type: 'timestamptz' },
    last_revision: { type: 'bigint' },
    facts: { type: 'jsonb' },
    sealed_personal: { type: 'jsonb' },
    granted_organisations: { type: 'text', array: true },
  },
});

export type ReferralStatusValue = 'pending' | 'accepted' | 'declined' | 'completed' | 'revoked';

export interface CaseReferralRow {
  referral_id: string;
  case_id: string;
  from_organisation_id: string;
  to_organisation_id: string;
  service: string;
  status: ReferralStatusValue;
  case_reference: string;
  consent_live: boolean;
  referred_at: string;
  recorded_at: string;
  answered_at: string | null;
  closed_at: string | null;
  last_revision: string;
}

export const CaseReferralEntity = new EntitySchema<CaseReferralRow>({
  name: 'CaseReferral',
  tableName: 'case_referrals',
  columns: {
    referral_id: { type: 'text', primary: true },
    case_id: { type: 'text' },
    from_organisation_id: { type: 'text' },
    to_organisation_id: { type: 'text' },
    service: { type: 'text' },
    status: { type: 'text' },
    case_reference: { type: 'text' },
    consent_live: { type: 'boolean' },
    referred_at: { type: 'timestamptz' },
    recorded_at: { type: 'timestamptz' },
    answered_at: { type: 'timestamptz', nullable: true },
    closed_at: { type: 'timestamptz', nullable: true },
    last_revision: { type: 'bigint' },
  },
});

export interface CaseTimelineRow {
  case_id: string;
  revision: string;
  event_type: string;
  occurred_at: string;
  recorded_at: string;
  actor_id: string;
  organisation_id: string;
  facts: Record<string, unknown>;
  /** The event carried personal fields (kept after erasure, when the ciphertext is dropped). */
  has_personal: boolean;
  sealed_personal: string | null;
}

export const CaseTimelineEntity = new EntitySchema<CaseTimelineRow>({
  name: 'CaseTimeline',
  tableName: 'case_timeline',
  columns: {
    case_id: { type: 'text', primary: true },
    revision: { type: 'bigint', primary: true },
    event_type: { type: 'text' },
    occurred_at: { type: 'timestamptz' },
    recorded_at: { type: 'timestamptz' },
    actor_id: { type: 'text' },
    organisation_id: { type: 'text' },
    facts: { type: 'jsonb' },
    has_personal: { type: 'boolean' },
    sealed_personal: { type: 'text', nullable: true },
  },
});
