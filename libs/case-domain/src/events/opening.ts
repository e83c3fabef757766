import type {
  AgeBracket,
  AgeCategory,
  CountryCode,
  LanguageCode,
  ReferralSource,
  SexGender,
} from '../code-lists';
import type { CalendarDate } from '../rules/calendar';
import type { EventOf, Personal } from './meta';

/** Identifying data of the person: personal, encrypted, erasable. */
export interface PersonIdentifiers {
  readonly fullName?: string;
  readonly aliases?: readonly string[];
  /** Exact birth date: personal; only the birth year stays readable. */
  readonly birthDate?: CalendarDate;
  readonly identityDocuments?: readonly { readonly kind: string; readonly number: string }[];
  readonly contacts?: readonly string[];
  readonly addresses?: readonly string[];
  readonly shelterLocation?: string;
  /** Free-text notes taken at opening. */
  readonly notes?: string;
}

/** Readable profile: coarse facts only. */
export interface PersonProfile {
  readonly sexGender: SexGender;
  /** Derived from the birth date or the estimate; readable so that statistics survive erasure. */
  readonly birthYear?: number;
  /** Estimated age in completed years on the day the case was opened, when the birth date is unknown. */
  readonly estimatedAge?: number;
  /** The calendar date the estimate was made on (the opening date). */
  readonly estimatedAgeOn?: CalendarDate;
  readonly ageUncertain: boolean;
  readonly citizenships: readonly CountryCode[];
  readonly languages: readonly LanguageCode[];
}

/** Age group for statistics; `bracket` is absent when only the category is known (presumed minor). */
export interface AgeGroup {
  readonly category: AgeCategory;
  readonly bracket?: AgeBracket;
}

export type CaseOpened = EventOf<
  'CaseOpened',
  {
    readonly caseReference: string;
    readonly referralSource: ReferralSource;
    readonly profile: PersonProfile;
    /** Age group on the opening date, when any age is known. */
    readonly ageGroupAtOpening?: AgeGroup;
    readonly personal: Personal<PersonIdentifiers>;
  },
  2
>;

/** Version 1 of CaseOpened held a single citizenship (kept for the upcaster). */
export interface CaseOpenedV1 {
  readonly type: 'CaseOpened';
  readonly schemaVersion: 1;
  readonly data: Omit<CaseOpened['data'], 'profile'> & {
    readonly profile: Omit<PersonProfile, 'citizenships'> & { readonly citizenship: CountryCode };
  };
}
