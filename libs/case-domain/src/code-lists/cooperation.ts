/**
 * Law-enforcement cooperation, the person's own choice. Recorded as information for statistics only:
 * no rule reads it (rule 1).
 */
export const LAW_ENFORCEMENT_COOPERATION = [
  'not_decided',
  'declined',
  'cooperating',
  'withdrew',
] as const;
export type LawEnforcementCooperation = (typeof LAW_ENFORCEMENT_COOPERATION)[number];
