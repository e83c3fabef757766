/** Assistance types (CETS 197 art. 12; HTCDS groups them into broader `spl_Type` support-plan types). */
export const ASSISTANCE_TYPES = [
  'Accommodation',
  'MedicalEmergency',
  'MedicalOngoing',
  'Psychological',
  'MaterialOrFinancial',
  'InterpretationTranslation',
  'LegalCounselling',
  'LegalRepresentation',
  'SupportInProceedings',
  'EducationForChildren',
  'VocationalTraining',
  'EmploymentSupport',
  'SocialCare',
  'ResidencePermitSupport',
  'VoluntaryReturnSupport',
  'ReintegrationSupport',
  'FamilyTracing',
  'Other',
] as const;
export type AssistanceType = (typeof ASSISTANCE_TYPES)[number];
