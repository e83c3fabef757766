import type {
  BestInterestsDecision,
  ClaimDecisionOutcome,
  ClaimStatus,
  CurrencyCode,
  BestInterestsOutcome,
  ClosureReason,
  ConsentPurpose,
  GuardianKind,
  LawEnforcementCooperation,
  VictimStatus,
} from './code-lists';
import { isErased, type CaseEvent, type Personal } from './events';
import type { AgeFacts } from './rules/age';
import { yearOf } from './rules/calendar';
import type { ReflectionPeriodDates } from './rules/reflection-period';

export type Lifecycle = 'not_opened' | 'open' | 'closed';
export type ReferralStatus = 'pending' | 'accepted' | 'declined' | 'completed' | 'revoked';

export interface ReferralState {
  readonly fromOrganisationId: string;
  readonly toOrganisationId: string;
  readonly status: ReferralStatus;
}

/**
 * Facts recorded as information only. `decide` strips this part of the state before any rule runs
 * (rule 1: no command may read law-enforcement cooperation); it exists for read models and statistics.
 */
export interface InformationOnly {
  readonly lawEnforcementCooperation?: LawEnforcementCooperation;
}

/** What the decisions on a compensation claim need to know (rule 5; see events/claims.ts). */
export interface ClaimState {
  readonly status: ClaimStatus;
  /** Every amount of the claim is in this currency. */
  readonly currency: CurrencyCode;
  /** The standing award (latest decision) in minor units; undefined until a first decision. */
  readonly awardedTotal?: number;
  readonly lastOutcome?: ClaimDecisionOutcome;
  /** Cumulative paid in the claim's currency. */
  readonly paidTotal: number;
  readonly enforcementStarted: boolean;
  readonly hearingIds: readonly string[];
  readonly paymentIds: readonly string[];
  readonly legalRepresentativeId?: string;
}

/** What a case's decisions need to know, folded from its events. No personal data but the birth date. */
export interface CaseState {
  readonly lifecycle: Lifecycle;
  /** Personal data erased: the case accepts no further command. */
  readonly erased: boolean;
  readonly caseId: string;
  readonly holdingOrganisationId: string;
  readonly caseReference: string;
  readonly ageUncertain: boolean;
  readonly age: AgeFacts;
  readonly victimStatus?: VictimStatus;
  readonly reflectionPeriod?: ReflectionPeriodDates & { readonly days: number };
  /** Live consents, as `consentKey(purpose, receivingOrganisationId)`. */
  readonly liveConsents: readonly string[];
  readonly referrals: Readonly<Record<string, ReferralState>>;
  readonly legalAidOrganisations: readonly string[];
  /**
   * Best-interests assessments not yet used: the outcome of the latest assessment recorded for each kind
   * of decision since that decision was last taken (rule 3). Taking the decision consumes it.
   */
  readonly bestInterests: Readonly<Partial<Record<BestInterestsDecision, BestInterestsOutcome>>>;
  readonly guardians: readonly GuardianKind[];
  readonly caseworkerId?: string;
  readonly closureRequest?: { readonly requestedBy: string; readonly reason: ClosureReason };
  readonly remedyIds: readonly string[];
  readonly nonPunishmentFlags: Readonly<Record<string, 'raised' | 'resolved'>>;
  readonly claims: Readonly<Record<string, ClaimState>>;
  readonly objectsToStatisticalUse: boolean;
  /** Other cases of the organisation decided to hold the same person (issue 19; linked cases). */
  readonly sameAsCases: readonly string[];
  /** Other cases decided NOT to hold the same person (never suggested again). */
  readonly notSameAsCases: readonly string[];
  /** The duplicate decisions recorded on this stream (either side), for idempotent mirroring. */
  readonly duplicateDecisionIds: readonly string[];
  readonly information: InformationOnly;
}

export const initialState: CaseState = Object.freeze({
  lifecycle: 'not_opened',
  erased: false,
  caseId: '',
  holdingOrganisationId: '',
  caseReference: '',
  ageUncertain: false,
  age: { presumedMinor: false },
  liveConsents: [],
  referrals: {},
  legalAidOrganisations: [],
  bestInterests: {},
  guardians: [],
  remedyIds: [],
  nonPunishmentFlags: {},
  claims: {},
  objectsToStatisticalUse: false,
  sameAsCases: [],
  notSameAsCases: [],
  duplicateDecisionIds: [],
  information: {},
});

export const consentKey = (purpose: ConsentPurpose, receivingOrganisationId?: string): string =>
  `${purpose}:${receivingOrganisationId ?? ''}`;

const birthDateIn = (personal: Personal<{ readonly birthDate?: string }>): string | undefined =>
  isErased(personal) ? undefined : personal.birthDate;

const consume = (state: CaseState, decision: BestInterestsDecision): CaseState['bestInterests'] => {
  const { [decision]: _used, ...rest } = state.bestInterests;
  return rest;
};

const setReferral = (state: CaseState, referralId: string, status: ReferralStatus): CaseState => ({
  ...state,
  referrals: { ...state.referrals, [referralId]: { ...state.referrals[referralId]!, status } },
});

const updateClaim = (
  state: CaseState,
  claimId: string,
  update: (claim: ClaimState) => Partial<ClaimState>,
): CaseState => {
  if (!Object.hasOwn(state.claims, claimId)) return state;
  const claim = state.claims[claimId]!;
  return { ...state, claims: { ...state.claims, [claimId]: { ...claim, ...update(claim) } } };
};

/** Folds one event into the state. Pure; unknown facts leave the state as it is. */
export const evolve = (state: CaseState, event: CaseEvent): CaseState => {
  const { data } = event;
  switch (event.type) {
    case 'CaseOpened': {
      const { profile } = event.data;
      return {
        ...state,
        lifecycle: 'open',
        caseId: data.caseId,
        holdingOrganisationId: data.organisationId,
        caseReference: event.data.caseReference,
        ageUncertain: profile.ageUncertain,
        age: {
          presumedMinor: false,
          birthDate: birthDateIn(event.data.personal),
          birthYear: profile.birthYear,
          estimatedAge: profile.estimatedAge,
          estimatedOn: profile.estimatedAgeOn,
        },
      };
    }
    case 'VictimIdentified':
    case 'VictimStatusChanged':
      return { ...state, victimStatus: event.data.status };
    case 'MinorityPresumed':
      return { ...state, age: { ...state.age, presumedMinor: true } };
    case 'AgeVerified': {
      const birthDate = birthDateIn(event.data.personal);
      const { verifiedAge, verifiedOn, birthYear } = event.data;
      return {
        ...state,
        ageUncertain: false,
        age: {
          presumedMinor: false,
          birthDate,
          birthYear,
          estimatedAge: birthDate === undefined ? verifiedAge : undefined,
          estimatedOn: birthDate === undefined ? verifiedOn : undefined,
        },
      };
    }
    case 'ReflectionPeriodGranted': {
      const { startsOn, endsOn, remindOn, days } = event.data;
      return { ...state, reflectionPeriod: { startsOn, endsOn, remindOn, days } };
    }
    case 'ConsentGiven':
      return {
        ...state,
        liveConsents: [
          ...state.liveConsents,
          consentKey(event.data.purpose, event.data.receivingOrganisationId),
        ],
      };
    case 'ConsentWithdrawn': {
      const key = consentKey(event.data.purpose, event.data.receivingOrganisationId);
      return { ...state, liveConsents: state.liveConsents.filter((k) => k !== key) };
    }
    case 'StatisticalUseObjectionRecorded':
      return { ...state, objectsToStatisticalUse: true };
    case 'StatisticalUseObjectionWithdrawn':
      return { ...state, objectsToStatisticalUse: false };
    case 'AssistanceProvided':
      return event.data.assistanceType === 'VoluntaryReturnSupport'
        ? { ...state, bestInterests: consume(state, 'return') }
        : state;
    case 'CaseReferred':
      return {
        ...state,
        bestInterests: consume(state, 'referral'),
        referrals: {
          ...state.referrals,
          [event.data.referralId]: {
            fromOrganisationId: data.organisationId,
            toOrganisationId: event.data.toOrganisationId,
            status: 'pending',
          },
        },
      };
    case 'ReferralAccepted':
      return setReferral(state, event.data.referralId, 'accepted');
    case 'ReferralDeclined':
      return setReferral(state, event.data.referralId, 'declined');
    case 'ReferralCompleted':
      return setReferral(state, event.data.referralId, 'completed');
    case 'ReferralRevoked':
      return setReferral(state, event.data.referralId, 'revoked');
    case 'LegalAidAccessGranted':
      return {
        ...state,
        legalAidOrganisations: [...state.legalAidOrganisations, event.data.legalAidOrganisationId],
      };
    case 'LegalAidAccessRevoked': {
      const revoked = event.data.legalAidOrganisationId;
      return {
        ...state,
        legalAidOrganisations: state.legalAidOrganisations.filter((o) => o !== revoked),
      };
    }
    case 'BestInterestsAssessmentRecorded':
      return {
        ...state,
        bestInterests: { ...state.bestInterests, [event.data.decision]: event.data.outcome },
      };
    case 'GuardianAppointed':
      return { ...state, guardians: [...state.guardians, event.data.kind] };
    case 'LawEnforcementCooperationRecorded':
      return {
        ...state,
        information: { ...state.information, lawEnforcementCooperation: event.data.cooperation },
      };
    case 'RemedySought':
      return { ...state, remedyIds: [...state.remedyIds, event.data.remedyId] };
    case 'NonPunishmentFlagRaised':
      return {
        ...state,
        nonPunishmentFlags: { ...state.nonPunishmentFlags, [event.data.flagId]: 'raised' },
      };
    case 'NonPunishmentFlagResolved':
      return {
        ...state,
        nonPunishmentFlags: { ...state.nonPunishmentFlags, [event.data.flagId]: 'resolved' },
      };
    case 'CompensationClaimFiled':
      return {
        ...state,
        claims: {
          ...state.claims,
          [event.data.claimId]: {
            status: 'filed',
            currency: event.data.currency,
            paidTotal: 0,
            enforcementStarted: false,
            hearingIds: [],
            paymentIds: [],
            legalRepresentativeId: event.data.legalRepresentativeId,
          },
        },
      };
    case 'ClaimLegalRepresentativeRecorded':
      return updateClaim(state, event.data.claimId, () => ({
        legalRepresentativeId: event.data.legalRepresentativeId,
      }));
    case 'ClaimHearingScheduled':
      return updateClaim(state, event.data.claimId, (claim) => ({
        hearingIds: [...claim.hearingIds, event.data.hearingId],
      }));
    case 'ClaimDecided':
      return updateClaim(state, event.data.claimId, () => ({
        status: 'decided',
        awardedTotal: event.data.awardedTotal,
        lastOutcome: event.data.outcome,
      }));
    case 'ClaimAppealed':
      return updateClaim(state, event.data.claimId, () => ({ status: 'appealed' }));
    case 'ClaimDecisionBecameFinal':
      return updateClaim(state, event.data.claimId, () => ({ status: 'final' }));
    case 'ClaimPaymentReceived':
      return updateClaim(state, event.data.claimId, (claim) => ({
        paidTotal: claim.paidTotal + event.data.amount,
        paymentIds: [...claim.paymentIds, event.data.paymentId],
      }));
    case 'ClaimEnforcementStarted':
      return updateClaim(state, event.data.claimId, () => ({ enforcementStarted: true }));
    case 'ClaimClosed':
      return updateClaim(state, event.data.claimId, () => ({ status: 'closed' }));
    case 'CaseTransferred':
      return {
        ...state,
        holdingOrganisationId: event.data.toOrganisationId,
        caseReference: event.data.caseReference,
        caseworkerId: undefined,
        closureRequest: undefined,
        bestInterests: consume(state, 'transfer'),
      };
    case 'ClosureRequested':
      return { ...state, closureRequest: { requestedBy: data.actorId, reason: event.data.reason } };
    case 'ClosureApproved':
      return {
        ...state,
        lifecycle: 'closed',
        closureRequest: undefined,
        bestInterests: consume(state, 'closure'),
      };
    case 'CaseReopened':
      return { ...state, lifecycle: 'open' };
    case 'CaseworkerAssigned':
    case 'CaseworkerReassigned':
      return { ...state, caseworkerId: event.data.caseworkerId };
    case 'FactCorrected': {
      const { correction } = event.data;
      if (correction.fact === 'birthDate') {
        return {
          ...state,
          age: {
            presumedMinor: state.age.presumedMinor,
            birthDate: birthDateIn(event.data.personal),
            birthYear: correction.birthYear,
          },
        };
      }
      if (correction.fact === 'estimatedAge') {
        return {
          ...state,
          age: {
            presumedMinor: state.age.presumedMinor,
            birthYear: yearOf(correction.estimatedOn) - correction.value,
            estimatedAge: correction.value,
            estimatedOn: correction.estimatedOn,
          },
        };
      }
      return state;
    }
    case 'DuplicateDecisionRecorded': {
      const { decision, otherCaseId, decisionId } = event.data;
      return {
        ...state,
        duplicateDecisionIds: [...state.duplicateDecisionIds, decisionId],
        ...(decision === 'same_person'
          ? { sameAsCases: [...state.sameAsCases, otherCaseId] }
          : { notSameAsCases: [...state.notSameAsCases, otherCaseId] }),
      };
    }
    case 'PersonalDataErased':
      return { ...state, erased: true, age: { ...state.age, birthDate: undefined } };
    default:
      return state;
  }
};

/** Folds a whole history. */
export const evolveAll = (
  events: readonly CaseEvent[],
  from: CaseState = initialState,
): CaseState => events.reduce(evolve, from);
