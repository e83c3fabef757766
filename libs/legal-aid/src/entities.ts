import { EntitySchema } from 'typeorm';

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

/** Age group for statistics (as in the case events). */
export interface AgeGroupValue {
  readonly category: string;
  readonly bracket?: string;
}

export interface NonPunishmentFlagValue {
  readonly flagId: string;
  readonly status: 'raised' | 'resolved';
  readonly resolution?: string;
  readonly raisedAt: string;
  readonly resolvedAt?: string;
}

export interface RemedyValue {
  readonly remedyId: string;
  readonly remedyType: string;
  readonly avenue: string;
  readonly soughtAt: string;
}

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
    last_revision: { type: 'bigint' },
    updated_at: { type: 'timestamptz' },
  },
});
