import { COLUMN } from '@remedy/database';
import { EntitySchema } from 'typeorm';
import type { SealedPersonal } from '@remedy/case-stream';
import type {
  AgeGroupValue,
  ClaimAppealValue,
  ClaimDeadline,
  ClaimDecisionValue,
  ClaimHearingValue,
  ClaimPaymentValue,
  NonPunishmentFlagValue,
  RemedyValue,
} from './views';

// The values the rows hold are the classes the API answers (views.ts).
export {
  AgeGroupValue,
  CLAIM_DEADLINE_KINDS,
  ClaimDeadline,
  ClaimDecisionValue,
  ClaimPaymentValue,
  NonPunishmentFlagValue,
  RemedyValue,
  type ClaimDeadlineKind,
} from './views';

/**
 * TypeORM schemas of the legal-aid read models (tables made by CreateLegalAidReadModels1795500000000).
 *
 * DATA MINIMISATION: `legal_aid_cases` holds only what a legal-aid lawyer may see of a case (the
 * issue's list): the case reference, sex/gender, age group, citizenships, languages, the
 * identification status and forms of exploitation, non-punishment flags, remedies sought, and the
 * opening ciphertext from which the API takes the person's name and contacts only. No address,
 * shelter, assistance, note, referral, guardian or other identification detail is ever written
 * here, so no query over this table can return one.
 */

export interface LegalAidCaseRow {
  case_id: string;
  holding_organisation_id: string;
  /** The holding organisation's reference of the case. */
  reference: string;
  /** Organisations with live legal-aid access (granted, not revoked). */
  legal_aid_organisations: string[];
  /** Organisations named by a live consent for legal-aid access. */
  legal_aid_consents: string[];
  sex_gender: string | null;
  age_group: AgeGroupValue | null;
  citizenships: string[];
  languages: string[];
  identification_status: string;
  forms_of_exploitation: string[];
  non_punishment_flags: NonPunishmentFlagValue[];
  remedies: RemedyValue[];
  /** Ciphertext of the opening's personal fields; the API keeps only `fullName` and `contacts`. */
  sealed_opening: string | null;
  erased: boolean;
  /** The person objects to statistical use: left out of outcome figures made from now on. */
  objects_to_statistics: boolean;
  last_revision: string;
  updated_at: string;
}

export const LegalAidCaseEntity = new EntitySchema<LegalAidCaseRow>({
  name: 'LegalAidCase',
  tableName: 'legal_aid_cases',
  columns: {
    case_id: COLUMN.textKey,
    holding_organisation_id: COLUMN.text,
    reference: COLUMN.text,
    legal_aid_organisations: COLUMN.texts,
    legal_aid_consents: COLUMN.texts,
    sex_gender: COLUMN.textOrNull,
    age_group: COLUMN.jsonbOrNull,
    citizenships: COLUMN.texts,
    languages: COLUMN.texts,
    identification_status: COLUMN.text,
    forms_of_exploitation: COLUMN.texts,
    non_punishment_flags: COLUMN.jsonb,
    remedies: COLUMN.jsonb,
    sealed_opening: COLUMN.textOrNull,
    erased: COLUMN.boolean,
    objects_to_statistics: COLUMN.boolean,
    last_revision: COLUMN.bigint,
    updated_at: COLUMN.timestamptz,
  },
});

/** The ciphertext of a claim event's free text (decrypted by the API for the case view only). */
export interface SealedClaimText extends SealedPersonal {
  readonly eventType: string;
  readonly revision: string;
}

export interface LegalAidClaimRow {
  claim_id: string;
  case_id: string;
  remedy_id: string | null;
  avenue: string;
  respondent_kind: string;
  /** Every amount of the claim is in this currency (fixed at filing). */
  currency: string;
  status: string;
  claimed: Record<string, number>;
  claimed_total: number;
  /** The standing award (latest decision); null until decided. */
  awarded: Record<string, number> | null;
  awarded_total: number | null;
  paid_total: number;
  /** max(awarded − paid, 0); 0 without an award. */
  outstanding: number;
  filed_on: string;
  filing_deadline: string | null;
  filed_late: boolean;
  decisions: ClaimDecisionValue[];
  appeals: ClaimAppealValue[];
  final_on: string | null;
  hearings: ClaimHearingValue[];
  payments: ClaimPaymentValue[];
  /** When the next payment is due (decision's due date, or the next instalment's). */
  payment_due_on: string | null;
  enforcement_started_on: string | null;
  closure_outcome: string | null;
  closed_on: string | null;
  legal_representative_id: string | null;
  deadlines: ClaimDeadline[];
  sealed_texts: SealedClaimText[];
  last_revision: string;
  updated_at: string;
}

export const LegalAidClaimEntity = new EntitySchema<LegalAidClaimRow>({
  name: 'LegalAidClaim',
  tableName: 'legal_aid_claims',
  columns: {
    claim_id: COLUMN.textKey,
    case_id: COLUMN.text,
    remedy_id: COLUMN.textOrNull,
    avenue: COLUMN.text,
    respondent_kind: COLUMN.text,
    currency: COLUMN.text,
    status: COLUMN.text,
    claimed: COLUMN.jsonb,
    claimed_total: COLUMN.bigint,
    awarded: COLUMN.jsonbOrNull,
    awarded_total: COLUMN.bigintOrNull,
    paid_total: COLUMN.bigint,
    outstanding: COLUMN.bigint,
    filed_on: COLUMN.date,
    filing_deadline: COLUMN.dateOrNull,
    filed_late: COLUMN.boolean,
    decisions: COLUMN.jsonb,
    appeals: COLUMN.jsonb,
    final_on: COLUMN.dateOrNull,
    hearings: COLUMN.jsonb,
    payments: COLUMN.jsonb,
    payment_due_on: COLUMN.dateOrNull,
    enforcement_started_on: COLUMN.dateOrNull,
    closure_outcome: COLUMN.textOrNull,
    closed_on: COLUMN.dateOrNull,
    legal_representative_id: COLUMN.textOrNull,
    deadlines: COLUMN.jsonb,
    sealed_texts: COLUMN.jsonb,
    last_revision: COLUMN.bigint,
    updated_at: COLUMN.timestamptz,
  },
});
