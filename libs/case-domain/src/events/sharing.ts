import type { AssistanceType } from '../code-lists';
import type { EventOf, FreeText, Personal } from './meta';

export type CaseReferred = EventOf<
  'CaseReferred',
  {
    readonly referralId: string;
    readonly toOrganisationId: string;
    readonly service: AssistanceType;
    readonly personal: Personal<FreeText>;
  }
>;
export type ReferralAccepted = EventOf<'ReferralAccepted', { readonly referralId: string }>;
export type ReferralDeclined = EventOf<
  'ReferralDeclined',
  { readonly referralId: string; readonly personal: Personal<FreeText> }
>;
export type ReferralCompleted = EventOf<'ReferralCompleted', { readonly referralId: string }>;

export const REVOCATION_CAUSES = ['consent_withdrawn', 'by_referrer'] as const;
export type RevocationCause = (typeof REVOCATION_CAUSES)[number];

export type ReferralRevoked = EventOf<
  'ReferralRevoked',
  {
    readonly referralId: string;
    readonly cause: RevocationCause;
    readonly personal: Personal<FreeText>;
  }
>;

export type LegalAidAccessGranted = EventOf<
  'LegalAidAccessGranted',
  { readonly legalAidOrganisationId: string }
>;
export type LegalAidAccessRevoked = EventOf<
  'LegalAidAccessRevoked',
  { readonly legalAidOrganisationId: string; readonly cause: 'consent_withdrawn' | 'by_holder' }
>;

export type CaseTransferred = EventOf<
  'CaseTransferred',
  {
    readonly fromOrganisationId: string;
    readonly toOrganisationId: string;
    /** The receiving organisation's own reference for the case. */
    readonly caseReference: string;
    readonly personal: Personal<FreeText>;
  }
>;
