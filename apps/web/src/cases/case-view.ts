import type { components } from '@remedy/api-client';

export type CaseDetail = components['schemas']['CaseDetail'];

/** The readable state the API folds from the case's events (`facts.state`): what the page shows. */
export interface CaseStateFacts {
  readonly victimStatus?: string;
  readonly reflectionPeriod?: { startsOn: string; endsOn: string; days: number };
  readonly liveConsents?: readonly string[];
  readonly referrals?: Readonly<
    Record<string, { fromOrganisationId: string; toOrganisationId: string; status: string }>
  >;
  readonly legalAidOrganisations?: readonly string[];
  readonly guardians?: readonly string[];
  readonly caseworkerId?: string;
  readonly closureRequest?: { requestedBy: string; reason: string };
  readonly nonPunishmentFlags?: Readonly<Record<string, 'raised' | 'resolved'>>;
  readonly remedyIds?: readonly string[];
  readonly objectsToStatisticalUse?: boolean;
  readonly information?: { lawEnforcementCooperation?: string };
  readonly age?: { presumedMinor?: boolean };
  /** Cases of the organisation decided to hold the same person as this one (issue 19). */
  readonly sameAsCases?: readonly string[];
  /** Cases decided not to (never suggested again). */
  readonly notSameAsCases?: readonly string[];
}

export interface CaseFactsView {
  readonly state?: CaseStateFacts;
  readonly referralSource?: string;
  readonly profile?: {
    sexGender?: string;
    estimatedAge?: number;
    ageUncertain?: boolean;
    citizenships?: string[];
    languages?: string[];
  };
}

/** One case as the page shows it: the detail, its readable state, a date formatter. */
export interface CaseView {
  readonly detail: CaseDetail;
  readonly state: CaseStateFacts;
  readonly facts: CaseFactsView;
  readonly formatDate: (date: string | null | undefined) => string;
}
