/** Victim status: HTCDS `vic_TraffickingStatus` (presumed / identified / not a victim). */
export const VICTIM_STATUSES = [
  'PossibleVictimOfTrafficking',
  'ActualVictimOfTrafficking',
  'NotAVictimOfTrafficking',
] as const;
export type VictimStatus = (typeof VICTIM_STATUSES)[number];

/** Which kind of body decided the status: HTCDS `vic_TraffickingStatusDecisionMakingOrg`. */
export const DECIDING_BODIES = [
  'Police',
  'NGO',
  'CourtOrProsecution',
  'NonPoliceGovernmentalOrganization',
  'Other',
] as const;
export type DecidingBody = (typeof DECIDING_BODIES)[number];
