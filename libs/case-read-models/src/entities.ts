import { COLUMN } from '@remedy/database';
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
    case_id: COLUMN.textKey,
    organisation_id: COLUMN.text,
    reference: COLUMN.text,
    lifecycle: COLUMN.text,
    identification_status: COLUMN.text,
    child_at_opening: COLUMN.booleanOrNull,
    child_at_identification: COLUMN.booleanOrNull,
    presumed_minor: COLUMN.boolean,
    adult_from: COLUMN.dateOrNull,
    caseworker_id: COLUMN.textOrNull,
    open_referrals: COLUMN.int,
    reflection_ends_on: COLUMN.dateOrNull,
    next_deadline: COLUMN.dateOrNull,
    closure_requested_at: COLUMN.timestamptzOrNull,
    best_interests_pending: COLUMN.texts,
    erased: COLUMN.boolean,
    opened_at: COLUMN.timestamptz,
    last_activity: COLUMN.timestamptz,
    last_revision: COLUMN.bigint,
    facts: COLUMN.jsonb,
    sealed_personal: COLUMN.jsonb,
    granted_organisations: COLUMN.texts,
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
    referral_id: COLUMN.textKey,
    case_id: COLUMN.text,
    from_organisation_id: COLUMN.text,
    to_organisation_id: COLUMN.text,
    service: COLUMN.text,
    status: COLUMN.text,
    case_reference: COLUMN.text,
    consent_live: COLUMN.boolean,
    referred_at: COLUMN.timestamptz,
    recorded_at: COLUMN.timestamptz,
    answered_at: COLUMN.timestamptzOrNull,
    closed_at: COLUMN.timestamptzOrNull,
    last_revision: COLUMN.bigint,
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
    case_id: COLUMN.textKey,
    revision: COLUMN.bigintKey,
    event_type: COLUMN.text,
    occurred_at: COLUMN.timestamptz,
    recorded_at: COLUMN.timestamptz,
    actor_id: COLUMN.text,
    organisation_id: COLUMN.text,
    facts: COLUMN.jsonb,
    has_personal: COLUMN.boolean,
    sealed_personal: COLUMN.textOrNull,
  },
});
