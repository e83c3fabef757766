import type { AssistanceType } from './assistance';
import type { FormOfExploitation, MeansOfControl } from './exploitation';
import type { OrganisationType, ReferralSource } from './organisations';

/**
 * Mapping of Remedy's values to HTCDS v2.0 for an HTCDS export. HTCDS values map to themselves; the
 * Remedy additions map to the nearest HTCDS value (or `null`: leave the HTCDS field empty).
 */
export const HTCDS_FORM_OF_EXPLOITATION: Readonly<
  Record<FormOfExploitation, Exclude<FormOfExploitation, 'ForcedCriminality'>>
> = {
  ForcedLabour: 'ForcedLabour',
  SexualExploitation: 'SexualExploitation',
  ChildLabour: 'ChildLabour',
  ForcedMarriage: 'ForcedMarriage',
  Servitude: 'Servitude',
  ForcedMilitaryByNonStateActors: 'ForcedMilitaryByNonStateActors',
  OrganRemoval: 'OrganRemoval',
  ForcedBegging: 'ForcedBegging',
  ForcedAdoption: 'ForcedAdoption',
  Surrogacy: 'Surrogacy',
  Other: 'Other',
  ForcedCriminality: 'Other',
};

export const HTCDS_MEANS_OF_CONTROL: Readonly<
  Record<MeansOfControl, Exclude<MeansOfControl, 'RestrictsMovement'>>
> = {
  PhysicalThreats: 'PhysicalThreats',
  ThreatsLawEnforcement: 'ThreatsLawEnforcement',
  ThreatensChildrenFamily: 'ThreatensChildrenFamily',
  DebtBondage: 'DebtBondage',
  FalsePromises: 'FalsePromises',
  PhysicalAbuse: 'PhysicalAbuse',
  SexualAbuse: 'SexualAbuse',
  TakesEarnings: 'TakesEarnings',
  RestrictsFinancialAccess: 'RestrictsFinancialAccess',
  RestrictsMedicalCare: 'RestrictsMedicalCare',
  WithholdsNecessities: 'WithholdsNecessities',
  PsychologicalAbuse: 'PsychologicalAbuse',
  PsychoactiveSubstance: 'PsychoactiveSubstance',
  ExcessiveWorkingHours: 'ExcessiveWorkingHours',
  WithholdsDocuments: 'WithholdsDocuments',
  Other: 'Other',
  RestrictsMovement: 'Other',
};

/** HTCDS `org_Type` of the referring organisation; self-referrals and hotlines have none. */
export const HTCDS_REFERRAL_SOURCE: Readonly<Record<ReferralSource, OrganisationType | null>> = {
  NGO: 'NGO',
  LawEnforcement: 'LawEnforcement',
  HealthServiceOrganisation: 'HealthServiceOrganisation',
  CentralGovernmentOrganisation: 'CentralGovernmentOrganisation',
  LocalGovernmentOrganisation: 'LocalGovernmentOrganisation',
  ImmigrationService: 'ImmigrationService',
  LegalService: 'LegalService',
  CorporateBusiness: 'CorporateBusiness',
  SchoolOrCollege: 'SchoolOrCollege',
  SelfReferral: null,
  Hotline: null,
  LabourInspectorate: 'CentralGovernmentOrganisation',
  Embassy: 'CentralGovernmentOrganisation',
  Other: null,
};

/** HTCDS support-plan types (`spl_Type`). */
export const HTCDS_SUPPORT_PLAN_TYPES = [
  'Education',
  'Financial',
  'Health',
  'LabourExploitationRehabilitation',
  'Legal',
  'Livelihood',
  'RightsBasedTraining',
  'SexualExploitationRehabilitation',
  'SocialCare',
] as const;
export type HtcdsSupportPlanType = (typeof HTCDS_SUPPORT_PLAN_TYPES)[number];

/** The broader HTCDS support-plan type each Remedy assistance type belongs to. */
export const HTCDS_ASSISTANCE_TYPE: Readonly<Record<AssistanceType, HtcdsSupportPlanType>> = {
  Accommodation: 'SocialCare',
  MedicalEmergency: 'Health',
  MedicalOngoing: 'Health',
  Psychological: 'Health',
  MaterialOrFinancial: 'Financial',
  InterpretationTranslation: 'SocialCare',
  LegalCounselling: 'Legal',
  LegalRepresentation: 'Legal',
  SupportInProceedings: 'Legal',
  EducationForChildren: 'Education',
  VocationalTraining: 'Livelihood',
  EmploymentSupport: 'Livelihood',
  SocialCare: 'SocialCare',
  ResidencePermitSupport: 'Legal',
  VoluntaryReturnSupport: 'SocialCare',
  ReintegrationSupport: 'Livelihood',
  FamilyTracing: 'SocialCare',
  Other: 'SocialCare',
};
