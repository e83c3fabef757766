import { CONSENT_PURPOSES, LANGUAGE_CODES, type ConsentPurpose } from '../code-lists';
import type {
  GiveConsent,
  RecordStatisticalUseObjection,
  WithdrawConsent,
  WithdrawStatisticalUseObjection,
} from '../commands';
import { accept, type Decision } from '../rules/errors';
import { consentKey } from '../state';
import {
  check,
  checkBoolean,
  checkActiveHolder,
  checkCaseHolder,
  checkCode,
  emit,
  event,
  type Context,
  type DecisionState,
} from './context';

/** Is there a live consent for this purpose (naming this receiving organisation)? */
export const hasLiveConsent = (
  state: DecisionState,
  purpose: ConsentPurpose,
  receivingOrganisationId?: string,
): boolean => state.liveConsents.includes(consentKey(purpose, receivingOrganisationId));

/** Purposes whose consent names no receiving organisation. */
const UNADDRESSED_PURPOSES: readonly ConsentPurpose[] = [
  'assistance',
  'cross_organisation_matching',
];

const checkScope = (
  purpose: ConsentPurpose,
  receivingOrganisationId: string | undefined,
): Decision | undefined =>
  checkCode(CONSENT_PURPOSES, purpose, 'purpose') ??
  (UNADDRESSED_PURPOSES.includes(purpose)
    ? check(
        receivingOrganisationId === undefined,
        'RULE_2_ASSISTANCE_CONSENT_NAMES_NO_ORGANISATION',
        'consent to assistance or to cross-organisation matching names no receiving organisation',
      )
    : check(
        typeof receivingOrganisationId === 'string' && receivingOrganisationId.length > 0,
        'RULE_2_RECEIVING_ORGANISATION_REQUIRED',
        'a consent for this purpose must name the receiving organisation',
      ));

export const giveConsent = (ctx: Context<GiveConsent>): Decision => {
  const { command, state } = ctx;
  const { purpose, receivingOrganisationId } = command;
  return (
    checkActiveHolder(ctx) ??
    checkScope(purpose, receivingOrganisationId) ??
    checkCode(LANGUAGE_CODES, command.obtainedInLanguage, 'obtainedInLanguage') ??
    checkBoolean(command.interpreterUsed, 'interpreterUsed') ??
    check(
      !hasLiveConsent(state, purpose, receivingOrganisationId),
      'RULE_2_CONSENT_ALREADY_LIVE',
      'a consent for this purpose is already live',
    ) ??
    emit(ctx, 'ConsentGiven', {
      purpose,
      receivingOrganisationId,
      obtainedInLanguage: command.obtainedInLanguage,
      interpreterUsed: command.interpreterUsed,
    })
  );
};

/**
 * Rule 2: withdrawal stops further sharing at once. In the same decision, every referral to that
 * organisation that is still pending or accepted is revoked (cause `consent_withdrawn`), and withdrawing
 * legal aid access consent revokes that organisation's legal aid access. Withdrawal is accepted on a
 * closed case too.
 */
export const withdrawConsent = (ctx: Context<WithdrawConsent>): Decision => {
  const { command, state } = ctx;
  const { purpose, receivingOrganisationId } = command;
  const rejected =
    checkCaseHolder(ctx) ??
    checkScope(purpose, receivingOrganisationId) ??
    check(
      hasLiveConsent(state, purpose, receivingOrganisationId),
      'RULE_2_NO_LIVE_CONSENT',
      'no live consent for this purpose to withdraw',
    );
  if (rejected) return rejected;
  const withdrawn = event(ctx, 'ConsentWithdrawn', { purpose, receivingOrganisationId });
  if (purpose === 'referral') {
    const revoked = Object.entries(state.referrals)
      .filter(
        ([, r]) =>
          r.toOrganisationId === receivingOrganisationId &&
          (r.status === 'pending' || r.status === 'accepted'),
      )
      .map(([referralId]) =>
        event(ctx, 'ReferralRevoked', { referralId, cause: 'consent_withdrawn', personal: {} }),
      );
    return accept(withdrawn, ...revoked);
  }
  if (
    purpose === 'legal_aid_access' &&
    state.legalAidOrganisations.includes(receivingOrganisationId!)
  ) {
    return accept(
      withdrawn,
      event(ctx, 'LegalAidAccessRevoked', {
        legalAidOrganisationId: receivingOrganisationId!,
        cause: 'consent_withdrawn',
      }),
    );
  }
  return accept(withdrawn);
};

export const recordStatisticalUseObjection = (
  ctx: Context<RecordStatisticalUseObjection>,
): Decision =>
  checkCaseHolder(ctx) ??
  check(
    !ctx.state.objectsToStatisticalUse,
    'STATISTICAL_OBJECTION_ALREADY_RECORDED',
    'the objection is already recorded',
  ) ??
  emit(ctx, 'StatisticalUseObjectionRecorded', {});

export const withdrawStatisticalUseObjection = (
  ctx: Context<WithdrawStatisticalUseObjection>,
): Decision =>
  checkCaseHolder(ctx) ??
  check(
    ctx.state.objectsToStatisticalUse,
    'STATISTICAL_OBJECTION_NOT_RECORDED',
    'no objection to statistical use is recorded',
  ) ??
  emit(ctx, 'StatisticalUseObjectionWithdrawn', {});
