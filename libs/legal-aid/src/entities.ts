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
    case_id: { type: 'text', primary: true },
    holding_organisation_id: { type: 'text' },
    reference: { type: 'text' },
    legal_aid_organisations: { type: 'text', array: true },
    legal_aid_consents: { type: 'text', array: true },
    sex_gender: { type: 'text', nullable: true },
    age_group: { type: 'jsonb', nullable: true },
    citizenships: { type: 'text', array: true },
    languages: { type: 'text', array: true },
    identification_status: { type: 'text' },
    forms_of_exploitation: { type: 'text', array: true },
    non_punishment_flags: { type: 'jsonb' },
    remedies: { type: 'jsonb' },
    sealed_opening: { type: 'text', nullable: true },
    erased: { type: 'boolean' },
    objects_to_statistics: { type: 'boolean' },
    last_revision: { type: 'bigint' },
    updated_at: { type: 'timestamptz' },
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
    claim_id: { type: 'text', primary: true },
    case_id: { type: 'text' },
    remedy_id: { type: 'text', nullable: true },
    avenue: { type: 'text' },
    respondent_kind: { type: 'text' },
    currency: { type: 'text' },
    status: { type: 'text' },
    claimed: { type: 'jsonb' },
    claimed_total: { type: 'bigint' },
    awarded: { type: 'jsonb', nullable: true },
    awarded_total: { type: 'bigint', nullable: true },
    paid_total: { type: 'bigint' },
    outstanding: { type: 'bigint' },
    filed_on: { type: 'date' },
    filing_deadline: { type: 'date', nullable: true },
    filed_late: { type: 'boolean' },
    decisions: { type: 'jsonb' },
    appeals: { type: 'jsonb' },
    final_on: { type: 'date', nullable: true },
    hearings: { type: 'jsonb' },
    payments: { type: 'jsonb' },
    payment_due_on: { type: 'date', nullable: true },
    enforcement_started_on: { type: 'date', nullable: true },
    closure_outcome: { type: 'text', nullable: true },
    closed_on: { type: 'date', nullable: true },
    legal_representative_id: { type: 'text', nullable: true },
    deadlines: { type: 'jsonb' },
    sealed_texts: { type: 'jsonb' },
    last_revision: { type: 'bigint' },
    updated_at: { type: 'timestamptz' },
  },
});
