import type { CaseCommand, CaseCommandType } from '../commands';
import { calendarDateIn, isInstant } from '../rules/calendar';
import { reject, type Decision } from '../rules/errors';
import type { JurisdictionPolicy } from '../rules/policy';
import type { CaseState } from '../state';
import {
  appointGuardian,
  presumeMinority,
  recordBestInterestsAssessment,
  verifyAge,
} from './children';
import {
  appealClaim,
  closeClaim,
  decideClaim,
  fileCompensationClaim,
  markClaimDecisionFinal,
  recordClaimLegalRepresentative,
  recordClaimPayment,
  scheduleClaimHearing,
  startClaimEnforcement,
} from './claims';
import {
  giveConsent,
  recordStatisticalUseObjection,
  withdrawConsent,
  withdrawStatisticalUseObjection,
} from './consent';
import { checkId, type Context, type DecisionState } from './context';
import { mirrorDuplicateDecision, recordDuplicateDecision } from './duplicates';
import {
  raiseNonPunishmentFlag,
  recordLawEnforcementCooperation,
  resolveNonPunishmentFlag,
  seekRemedy,
} from './legal';
import {
  addNote,
  approveClosure,
  assignCaseworker,
  correctFact,
  erasePersonalData,
  reopenCase,
  requestClosure,
} from './lifecycle';
import { grantReflectionPeriod, openCase, recordVictimStatus } from './opening';
import {
  acceptReferral,
  completeReferral,
  declineReferral,
  grantLegalAidAccess,
  referCase,
  revokeLegalAidAccess,
  revokeReferral,
  transferCase,
} from './sharing';
import { assessNeeds, provideAssistance, recordSupportPlan } from './support';

type Handlers = {
  readonly [T in CaseCommandType]: (ctx: Context<Extract<CaseCommand, { type: T }>>) => Decision;
};

const handlers: Handlers = {
  OpenCase: openCase,
  RecordVictimStatus: recordVictimStatus,
  PresumeMinority: presumeMinority,
  VerifyAge: verifyAge,
  GrantReflectionPeriod: grantReflectionPeriod,
  GiveConsent: giveConsent,
  WithdrawConsent: withdrawConsent,
  RecordStatisticalUseObjection: recordStatisticalUseObjection,
  WithdrawStatisticalUseObjection: withdrawStatisticalUseObjection,
  AssessNeeds: assessNeeds,
  RecordSupportPlan: recordSupportPlan,
  ProvideAssistance: provideAssistance,
  ReferCase: referCase,
  AcceptReferral: acceptReferral,
  DeclineReferral: declineReferral,
  CompleteReferral: completeReferral,
  RevokeReferral: revokeReferral,
  GrantLegalAidAccess: grantLegalAidAccess,
  RevokeLegalAidAccess: revokeLegalAidAccess,
  TransferCase: transferCase,
  RecordBestInterestsAssessment: recordBestInterestsAssessment,
  AppointGuardian: appointGuardian,
  RecordLawEnforcementCooperation: recordLawEnforcementCooperation,
  SeekRemedy: seekRemedy,
  RaiseNonPunishmentFlag: raiseNonPunishmentFlag,
  ResolveNonPunishmentFlag: resolveNonPunishmentFlag,
  FileCompensationClaim: fileCompensationClaim,
  RecordClaimLegalRepresentative: recordClaimLegalRepresentative,
  ScheduleClaimHearing: scheduleClaimHearing,
  DecideClaim: decideClaim,
  AppealClaim: appealClaim,
  MarkClaimDecisionFinal: markClaimDecisionFinal,
  RecordClaimPayment: recordClaimPayment,
  StartClaimEnforcement: startClaimEnforcement,
  CloseClaim: closeClaim,
  RequestClosure: requestClosure,
  ApproveClosure: approveClosure,
  ReopenCase: reopenCase,
  AssignCaseworker: assignCaseworker,
  AddNote: addNote,
  CorrectFact: correctFact,
  ErasePersonalData: erasePersonalData,
  RecordDuplicateDecision: recordDuplicateDecision,
  MirrorDuplicateDecision: mirrorDuplicateDecision,
};

/** Rule 1, by construction: the information-only part of the state never reaches a rule. */
const withoutInformationOnly = ({
  information: _informationOnly,
  ...state
}: CaseState): DecisionState => state;

/**
 * Decides a command against the case's state at `now` under the jurisdiction's policy: the new events,
 * or the rule that refuses it. Pure: no clock, no I/O; `now` is the recorded time of the new events,
 * and `occurredAt` (default `now`) may lie in the past but not in the future.
 */
export const decide = (
  command: CaseCommand,
  state: CaseState,
  now: Date,
  policy: JurisdictionPolicy,
): Decision => {
  const handler = handlers[command.type] as ((ctx: Context) => Decision) | undefined;
  if (handler === undefined) return reject('INVALID_INPUT', 'unknown command type');
  const recordedAt = now.toISOString();
  const occurredAt = command.occurredAt ?? recordedAt;
  if (!isInstant(occurredAt) || Date.parse(occurredAt) > now.getTime()) {
    return reject('INVALID_INPUT', 'occurredAt must be an ISO 8601 instant not after now');
  }
  const actorRejected =
    checkId(command.actor?.userId, 'actor.userId') ??
    checkId(command.actor?.organisationId, 'actor.organisationId');
  if (actorRejected) return actorRejected;
  return handler({
    command,
    state: withoutInformationOnly(state),
    policy,
    today: calendarDateIn(now, policy.timeZone),
    meta: {
      caseId: state.caseId,
      organisationId: command.actor.organisationId,
      actorId: command.actor.userId,
      occurredAt: new Date(occurredAt).toISOString(),
      recordedAt,
    },
  });
};
