/** Why a case is closed (a code; any explanation written by a person is personal free text). */
export const CLOSURE_REASONS = [
  'assistance_completed',
  'person_declined_further_assistance',
  'lost_contact',
  'transferred_elsewhere',
  'not_a_victim',
  'deceased',
  /** The person's other case of the organisation continues (a recorded same-person link, issue 19). */
  'duplicate',
  'other',
] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];

/** Roles of the users who act on cases. */
export const ACTOR_ROLES = [
  'caseworker',
  'supervisor',
  'legal_aid_lawyer',
  'administrator',
] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];
