/**
 * Every event type of a case stream (libs/case-domain/src/events CURRENT_SCHEMA_VERSIONS): the
 * timeline labels each one (`lists.event.<type>`); test/web/lists.spec.ts checks the list against
 * the domain's, so a new event type fails until it has a label in six languages.
 */
export const EVENT_TYPES = [
  'CaseOpened',
  'VictimIdentified',
  'VictimStatusChanged',
  'MinorityPresumed',
  'AgeVerified',
  'ReflectionPeriodGranted',
  'ConsentGiven',
  'ConsentWithdrawn',
  'StatisticalUseObjectionRecorded',
  'StatisticalUseObjectionWithdrawn',
  'NeedsAssessed',
  'SupportPlanRecorded',
  'AssistanceProvided',
  'CaseReferred',
  'ReferralAccepted',
  'ReferralDeclined',
  'ReferralCompleted',
  'ReferralRevoked',
  'LegalAidAccessGranted',
  'LegalAidAccessRevoked',
  'BestInterestsAssessmentRecorded',
  'GuardianAppointed',
  'LawEnforcementCooperationRecorded',
  'RemedySought',
  'NonPunishmentFlagRaised',
  'NonPunishmentFlagResolved',
  'CompensationClaimFiled',
  'ClaimLegalRepresentativeRecorded',
  'ClaimHearingScheduled',
  'ClaimDecided',
  'ClaimAppealed',
  'ClaimDecisionBecameFinal',
  'ClaimPaymentReceived',
  'ClaimEnforcementStarted',
  'ClaimClosed',
  'CaseTransferred',
  'ClosureRequested',
  'ClosureApproved',
  'CaseReopened',
  'CaseworkerAssigned',
  'CaseworkerReassigned',
  'NoteAdded',
  'FactCorrected',
  'PersonalDataErased',
  'DuplicateDecisionRecorded',
] as const;

const KNOWN: ReadonlySet<string> = new Set(EVENT_TYPES);
/** The message labelling an event type (`lists.event.unknown` for a type this console lacks). */
export const eventTypeMessage = (type: string): string =>
  KNOWN.has(type) ? `lists.event.${type}` : 'lists.event.unknown';

/** Reminder kinds (libs/case-reminders REMINDER_KINDS, libs/legal-aid CLAIM_DEADLINE_KINDS). */
export const REMINDER_KINDS = [
  'reflection_period_ending',
  'referral_unanswered',
  'best_interests_needed',
  'filing_deadline',
  'hearing',
  'payment_due',
] as const;
const KNOWN_KINDS: ReadonlySet<string> = new Set(REMINDER_KINDS);
export const isKnownReminderKind = (kind: string): boolean => KNOWN_KINDS.has(kind);
