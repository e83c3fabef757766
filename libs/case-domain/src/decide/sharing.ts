import { ASSISTANCE_TYPES } from '../code-lists';
import type {
  AcceptReferral,
  CompleteReferral,
  DeclineReferral,
  GrantLegalAidAccess,
  ReferCase,
  RevokeLegalAidAccess,
  RevokeReferral,
  TransferCase,
} from '../commands';
import type { Decision } from '../rules/errors';
import type { ReferralState } from '../state';
import { hasLiveConsent } from './consent';
import {
  check,
  checkActiveHolder,
  checkBestInterests,
  checkCaseHolder,
  checkCaseReference,
  checkCode,
  checkExists,
  checkId,
  checkNotClosed,
  checkStaff,
  checkSupervisor,
  emit,
  type Context,
} from './context';

const checkOtherOrganisation = (ctx: Context, organisationId: string): Decision | undefined =>
  checkId(organisationId, 'receiving organisation id') ??
  check(
    organisationId !== ctx.state.holdingOrganisationId,
    'SHARE_WITH_HOLDING_ORGANISATION',
    'the receiving organisation already holds the case',
  );

const checkSharingConsent = (
  ctx: Context,
  purpose: 'referral' | 'transfer' | 'legal_aid_access',
  organisationId: string,
) =>
  check(
    hasLiveConsent(ctx.state, purpose, organisationId),
    'RULE_2_SHARING_CONSENT_REQUIRED',
    "this needs the person's live consent for that purpose naming the receiving organisation",
  );

/** Rule 2 (live consent naming the receiver) and rule 3 (a child's best-interests assessment). */
export const referCase = (ctx: Context<ReferCase>): Decision => {
  const { command, state } = ctx;
  return (
    checkActiveHolder(ctx) ??
    checkId(command.referralId, 'referralId') ??
    check(
      state.referrals[command.referralId] === undefined,
      'REFERRAL_ALREADY_EXISTS',
      'this referral already exists',
    ) ??
    checkOtherOrganisation(ctx, command.toOrganisationId) ??
    checkCode(ASSISTANCE_TYPES, command.service, 'service') ??
    checkSharingConsent(ctx, 'referral', command.toOrganisationId) ??
    checkBestInterests(ctx, 'referral') ??
    emit(ctx, 'CaseReferred', {
      referralId: command.referralId,
      toOrganisationId: command.toOrganisationId,
      service: command.service,
      personal: command.personal,
    })
  );
};

type ReferralCommand = AcceptReferral | DeclineReferral | CompleteReferral;

/** The receiving organisation answers a referral of a case that is open. */
const checkReceiver = (
  ctx: Context<ReferralCommand>,
  expected: ReferralState['status'],
): Decision | undefined => {
  const { command, state } = ctx;
  const referral = state.referrals[command.referralId];
  if (referral === undefined)
    return checkExists(state) ?? check(false, 'REFERRAL_UNKNOWN', 'no such referral on this case');
  return (
    checkExists(state) ??
    checkStaff(command.actor) ??
    check(
      command.actor.organisationId === referral.toOrganisationId,
      'REFERRAL_RECEIVER_ONLY',
      'only the receiving organisation answers a referral',
    ) ??
    checkNotClosed(state) ??
    check(
      referral.status === expected,
      expected === 'pending' ? 'REFERRAL_NOT_PENDING' : 'REFERRAL_NOT_ACCEPTED',
      `the referral is ${referral.status}`,
    )
  );
};

export const acceptReferral = (ctx: Context<AcceptReferral>): Decision =>
  checkReceiver(ctx, 'pending') ??
  emit(ctx, 'ReferralAccepted', { referralId: ctx.command.referralId });

export const declineReferral = (ctx: Context<DeclineReferral>): Decision =>
  checkReceiver(ctx, 'pending') ??
  emit(ctx, 'ReferralDeclined', {
    referralId: ctx.command.referralId,
    personal: ctx.command.personal,
  });

export const completeReferral = (ctx: Context<CompleteReferral>): Decision =>
  checkReceiver(ctx, 'accepted') ??
  emit(ctx, 'ReferralCompleted', { referralId: ctx.command.referralId });

/** The referring organisation revokes a pending or accepted referral (also on a closed case). */
export const revokeReferral = (ctx: Context<RevokeReferral>): Decision => {
  const { command, state } = ctx;
  const referral = state.referrals[command.referralId];
  return (
    checkExists(state) ??
    checkStaff(command.actor) ??
    (referral === undefined
      ? check(false, 'REFERRAL_UNKNOWN', 'no such referral on this case')
      : undefined) ??
    check(
      referral!.fromOrganisationId === command.actor.organisationId,
      'REFERRAL_REFERRER_ONLY',
      'only the referring organisation revokes a referral',
    ) ??
    check(
      referral!.status === 'pending' || referral!.status === 'accepted',
      'REFERRAL_NOT_ACTIVE',
      `the referral is ${referral!.status}`,
    ) ??
    emit(ctx, 'ReferralRevoked', {
      referralId: command.referralId,
      cause: 'by_referrer',
      personal: command.personal,
    })
  );
};

export const grantLegalAidAccess = (ctx: Context<GrantLegalAidAccess>): Decision => {
  const { command, state } = ctx;
  const organisationId = command.legalAidOrganisationId;
  return (
    checkActiveHolder(ctx) ??
    checkOtherOrganisation(ctx, organisationId) ??
    check(
      !state.legalAidOrganisations.includes(organisationId),
      'LEGAL_AID_ACCESS_ALREADY_GRANTED',
      'the organisation already has legal aid access',
    ) ??
    checkSharingConsent(ctx, 'legal_aid_access', organisationId) ??
    emit(ctx, 'LegalAidAccessGranted', { legalAidOrganisationId: organisationId })
  );
};

export const revokeLegalAidAccess = (ctx: Context<RevokeLegalAidAccess>): Decision => {
  const { command, state } = ctx;
  return (
    checkCaseHolder(ctx) ??
    check(
      state.legalAidOrganisations.includes(command.legalAidOrganisationId),
      'LEGAL_AID_ACCESS_NOT_GRANTED',
      'the organisation has no legal aid access',
    ) ??
    emit(ctx, 'LegalAidAccessRevoked', {
      legalAidOrganisationId: command.legalAidOrganisationId,
      cause: 'by_holder',
    })
  );
};

/** A supervisor transfers the case with the person's consent naming the receiver (rules 2 and 3). */
export const transferCase = (ctx: Context<TransferCase>): Decision => {
  const { command, state } = ctx;
  return (
    checkActiveHolder(ctx) ??
    checkSupervisor(command.actor) ??
    checkOtherOrganisation(ctx, command.toOrganisationId) ??
    checkCaseReference(command.caseReference) ??
    checkSharingConsent(ctx, 'transfer', command.toOrganisationId) ??
    checkBestInterests(ctx, 'transfer') ??
    emit(ctx, 'CaseTransferred', {
      fromOrganisationId: state.holdingOrganisationId,
      toOrganisationId: command.toOrganisationId,
      caseReference: command.caseReference,
      personal: command.personal,
    })
  );
};
