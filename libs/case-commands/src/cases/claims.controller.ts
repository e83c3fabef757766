import { Body, Controller } from '@nestjs/common';
import { CaseCommandEndpoints, CommandRoute } from './command-endpoint';
import { CaseCommands, CaseId, Ctx, PathId } from './command-body';
import {
  AppealClaimDto,
  ClaimLegalRepresentativeDto,
  CloseClaimDto,
  DecideClaimDto,
  FileClaimDto,
  MarkClaimFinalDto,
  RecordPaymentDto,
  ScheduleHearingDto,
  StartEnforcementDto,
} from './dto/claims.dto';

/**
 * Compensation claims (rule 5) as `POST /cases/:caseId/claims` and
 * `POST /cases/:caseId/claims/:claimId/...`, through the same pipeline as every case command: the
 * holder's caseworkers and supervisors, or a legal aid lawyer of an organisation with legal aid
 * access (404 for anyone else's organisation). Free text (notes, the late-filing reason, the reason
 * for a payment above the award) is sealed; amounts, dates and codes are readable facts.
 */
@CaseCommandEndpoints('claims')
@Controller('cases/:caseId/claims')
export class ClaimsController extends CaseCommands {
  @CommandRoute('/', {
    summary: 'File a compensation claim (answers its claimId)',
    creates: 'claimId',
  })
  file(@CaseId() caseId: string, @Body() dto: FileClaimDto, @Ctx() ctx: Ctx) {
    return this.runCreating(caseId, 'claimId', { type: 'FileCompensationClaim', ...dto }, ctx);
  }

  @CommandRoute(':claimId/legal-representative', {
    summary: "Record the claimant's legal representative on a claim",
  })
  recordLegalRepresentative(
    @CaseId() caseId: string,
    @PathId('claimId') claimId: string,
    @Body() dto: ClaimLegalRepresentativeDto,
    @Ctx() ctx: Ctx,
  ) {
    return this.run(caseId, { type: 'RecordClaimLegalRepresentative', ...dto, claimId }, ctx);
  }

  @CommandRoute(':claimId/hearings', {
    summary: 'Schedule a hearing (answers its hearingId)',
    creates: 'hearingId',
  })
  scheduleHearing(
    @CaseId() caseId: string,
    @PathId('claimId') claimId: string,
    @Body() dto: ScheduleHearingDto,
    @Ctx() ctx: Ctx,
  ) {
    const hearing = { type: 'ScheduleClaimHearing', ...dto, claimId } as const;
    return this.runCreating(caseId, 'hearingId', hearing, ctx);
  }

  @CommandRoute(':claimId/decision', {
    summary: 'Record a decision (first instance, or on appeal when appealed)',
  })
  decide(
    @CaseId() caseId: string,
    @PathId('claimId') claimId: string,
    @Body() dto: DecideClaimDto,
    @Ctx() ctx: Ctx,
  ) {
    return this.run(caseId, { type: 'DecideClaim', ...dto, claimId }, ctx);
  }

  @CommandRoute(':claimId/appeal', { summary: 'Record an appeal against the standing decision' })
  appeal(
    @CaseId() caseId: string,
    @PathId('claimId') claimId: string,
    @Body() dto: AppealClaimDto,
    @Ctx() ctx: Ctx,
  ) {
    return this.run(caseId, { type: 'AppealClaim', ...dto, claimId }, ctx);
  }

  @CommandRoute(':claimId/final', { summary: 'Record that the standing decision became final' })
  markFinal(
    @CaseId() caseId: string,
    @PathId('claimId') claimId: string,
    @Body() dto: MarkClaimFinalDto,
    @Ctx() ctx: Ctx,
  ) {
    return this.run(caseId, { type: 'MarkClaimDecisionFinal', ...dto, claimId }, ctx);
  }

  @CommandRoute(':claimId/payments', {
    summary:
      'Record a payment received (answers its paymentId); in another currency with the rate and the converted amount',
    creates: 'paymentId',
  })
  recordPayment(
    @CaseId() caseId: string,
    @PathId('claimId') claimId: string,
    @Body() dto: RecordPaymentDto,
    @Ctx() ctx: Ctx,
  ) {
    const payment = { type: 'RecordClaimPayment', ...dto, claimId } as const;
    return this.runCreating(caseId, 'paymentId', payment, ctx);
  }

  @CommandRoute(':claimId/enforcement', {
    summary: 'Record that enforcement of a final award started',
  })
  startEnforcement(
    @CaseId() caseId: string,
    @PathId('claimId') claimId: string,
    @Body() dto: StartEnforcementDto,
    @Ctx() ctx: Ctx,
  ) {
    return this.run(caseId, { type: 'StartClaimEnforcement', ...dto, claimId }, ctx);
  }

  @CommandRoute(':claimId/closure', {
    summary: 'Close a claim: fully_paid, partly_paid_abandoned, unenforceable, rejected, withdrawn',
  })
  close(
    @CaseId() caseId: string,
    @PathId('claimId') claimId: string,
    @Body() dto: CloseClaimDto,
    @Ctx() ctx: Ctx,
  ) {
    return this.run(caseId, { type: 'CloseClaim', ...dto, claimId }, ctx);
  }
}
