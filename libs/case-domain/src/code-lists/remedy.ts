/** Remedy types (UNGA res. 60/147; A/HRC/26/18 annex). */
export const REMEDY_TYPES = [
  'Restitution',
  'Rehabilitation',
  'Compensation',
  'Satisfaction',
  'GuaranteesOfNonRepetition',
] as const;
export type RemedyType = (typeof REMEDY_TYPES)[number];

/** Avenues through which a remedy is sought; several may run at once. */
export const REMEDY_AVENUES = [
  'CriminalProceedingsWithCivilClaim',
  'CivilClaim',
  'LabourOrEmploymentTribunal',
  'StateCompensationFund',
  'OutOfCourtSettlement',
  'AdministrativeBody',
] as const;
export type RemedyAvenue = (typeof REMEDY_AVENUES)[number];
