/** Organisation types: HTCDS `org_Type`. */
export const ORGANISATION_TYPES = [
  'NGO',
  'LawEnforcement',
  'HealthServiceOrganisation',
  'CentralGovernmentOrganisation',
  'LocalGovernmentOrganisation',
  'ImmigrationService',
  'LegalService',
  'CorporateBusiness',
  'SchoolOrCollege',
] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

/**
 * How the person came: the HTCDS organisation types plus Remedy additions (SelfReferral, Hotline,
 * LabourInspectorate, Embassy, Other). HTCDS export mapping: see HTCDS_REFERRAL_SOURCE in htcds-mapping.ts.
 */
export const REFERRAL_SOURCES = [
  ...ORGANISATION_TYPES,
  'SelfReferral',
  'Hotline',
  'LabourInspectorate',
  'Embassy',
  'Other',
] as const;
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];
