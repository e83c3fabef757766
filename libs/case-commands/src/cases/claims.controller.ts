import { Body, Controller, Param } from '@nestjs/common';
import type { ClaimAmounts } from '@remedy/case-domain';
import {
  CaseCommandController,
  CaseCommandEndpoints,
  CommandRoute,
  given,
  newIdFor,
  text,
  Uuid,
  when,
} from './command-endpoint';
import { CommandCtx } from '../pipeline/command-context.decorator';
import type { CommandContext } from '../pipeline/context';
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
  type ClaimAmountsDto,
} from './dto/claim-command.dto';

/** Only the heads given (a validated DTO instance may carry undeclared heads as undefined). */
const amounts = (dto: ClaimAmountsDto): ClaimAmounts =>
  Object.fromEntries(Object.entries(dto).filter(([, amount]) => amount !== undefined));

/**
 * Compensation claims (rule 5) as `POST /cases/:caseId/claims` and
 * `POST /cases/:caseId/claims/:claimId/...`, through the same pipeline as every case command: the
 * holder's caseworkers and supervisors, or a legal aid lawyer of an organisation with legal aid
 * access (404 for anyone else's organisation). Free text (notes, the late-filing reason, the reason
 * for a payment above the award) is sealed; amounts, dates and codes are readable facts.
 */
@CaseCommandEndpoints({
  tag: 'claims',
  idempotencyKey: 'Retry-safe key (scoped to user and route); created ids derive from it',
  refusedByRule:
    'Refused by a rule (`rule`), e.g. CLAIM_NOT_DECIDED, RULE_5_PAYMENT_ABOVE_AWARD_REASON_REQUIRED, RULE_5_LATE_FILING_REASON_REQUIRED, RULE_3_CHILD_CLAIM_NEEDS_REPRESENTATIVE, CLAIM_CURRENCY_MISMATCH, CLAIM_CONVERSION_MISMATCH',
})
@Controller('cases/:caseId/claims')
export class ClaimsController extends CaseCommandController {
  @CommandRoute('/', {
    summary: 'File a compensation claim (answers its claimId)',
    creates: 'claimId',
  })
  file(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: FileClaimDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const claimId = newIdFor(ctx, 'claimId');
    return this.run(
      caseId,
      {
        type: 'FileCompensationClaim',
        claimId,
        avenue: dto.avenue,
        respondentKind: dto.respondentKind,
        currency: dto.currency,
        claimed: amounts(dto.claimed),
        ...given({
          remedyId: dto.remedyId,
          filedOn: dto.filedOn,
          filingDeadline: dto.filingDeadline,
          legalRepresentativeId: dto.legalRepresentativeId,
        }),
        personal: { ...(dto.personal ?? {}) },
        ...when(dto),
      },
      ctx,
      { claimId },
    );
  }

  @CommandRoute(':claimId/legal-representative', {
    summary: "Record the claimant's legal representative on a claim",
  })
  recordLegalRepresentative(
    @Param('caseId', Uuid) caseId: string,
    @Param('claimId', Uuid) claimId: string,
    @Body() dto: ClaimLegalRepresentativeDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      {
        type: 'RecordClaimLegalRepresentative',
        claimId,
        legalRepresentativeId: dto.legalRepresentativeId,
        ...when(dto),
      },
      ctx,
    );
  }

  @CommandRoute(':claimId/hearings', {
    summary: 'Schedule a hearing (answers its hearingId)',
    creates: 'hearingId',
  })
  scheduleHearing(
    @Param('caseId', Uuid) caseId: string,
    @Param('claimId', Uuid) claimId: string,
    @Body() dto: ScheduleHearingDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const hearingId = newIdFor(ctx, 'hearingId');
    return this.run(
      caseId,
      {
        type: 'ScheduleClaimHearing',
        claimId,
        hearingId,
        hearingOn: dto.hearingOn,
        personal: text(dto),
        ...when(dto),
      },
      ctx,
      { hearingId },
    );
  }

  @CommandRoute(':claimId/decision', {
    summary: 'Record a decision (first instance, or on appeal when appealed)',
  })
  decide(
    @Param('caseId', Uuid) caseId: string,
    @Param('claimId', Uuid) claimId: string,
    @Body() dto: DecideClaimDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      {
        type: 'DecideClaim',
        claimId,
        outcome: dto.outcome,
        awarded: amounts(dto.awarded),
        currency: dto.currency,
        ...given({ decidedOn: dto.decidedOn, paymentDueOn: dto.paymentDueOn }),
        personal: text(dto),
        ...when(dto),
      },
      ctx,
    );
  }

  @CommandRoute(':claimId/appeal', { summary: 'Record an appeal against the standing decision' })
  appeal(
    @Param('caseId', Uuid) caseId: string,
    @Param('claimId', Uuid) claimId: string,
    @Body() dto: AppealClaimDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      {
        type: 'AppealClaim',
        claimId,
        appealedBy: dto.appealedBy,
        ...given({ appealedOn: dto.appealedOn }),
        personal: text(dto),
        ...when(dto),
      },
      ctx,
    );
  }

  @CommandRoute(':claimId/final', { summary: 'Record that the standing decision became final' })
  markFinal(
    @Param('caseId', Uuid) caseId: string,
    @Param('claimId', Uuid) claimId: string,
    @Body() dto: MarkClaimFinalDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      { type: 'MarkClaimDecisionFinal', claimId, ...given({ finalOn: dto.finalOn }), ...when(dto) },
      ctx,
    );
  }

  @CommandRoute(':claimId/payments', {
    summary:
      'Record a payment received (answers its paymentId); in another currency with the rate and the converted amount',
    creates: 'paymentId',
  })
  recordPayment(
    @Param('caseId', Uuid) caseId: string,
    @Param('claimId', Uuid) claimId: string,
    @Body() dto: RecordPaymentDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const paymentId = newIdFor(ctx, 'paymentId');
    return this.run(
      caseId,
      {
        type: 'RecordClaimPayment',
        claimId,
        paymentId,
        amount: dto.amount,
        currency: dto.currency,
        ...given({
          exchangeRate: dto.exchangeRate,
          convertedAmount: dto.convertedAmount,
          receivedOn: dto.receivedOn,
          nextPaymentDueOn: dto.nextPaymentDueOn,
        }),
        personal: { ...(dto.personal ?? {}) },
        ...when(dto),
      },
      ctx,
      { paymentId },
    );
  }

  @CommandRoute(':claimId/enforcement', {
    summary: 'Record that enforcement of a final award started',
  })
  startEnforcement(
    @Param('caseId', Uuid) caseId: string,
    @Param('claimId', Uuid) claimId: string,
    @Body() dto: StartEnforcementDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      {
        type: 'StartClaimEnforcement',
        claimId,
        ...given({ startedOn: dto.startedOn }),
        personal: text(dto),
        ...when(dto),
      },
      ctx,
    );
  }

  @CommandRoute(':claimId/closure', {
    summary: 'Close a claim: fully_paid, partly_paid_abandoned, unenforceable, rejected, withdrawn',
  })
  close(
    @Param('caseId', Uuid) caseId: string,
    @Param('claimId', Uuid) claimId: string,
    @Body() dto: CloseClaimDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      {
        type: 'CloseClaim',
        claimId,
        outcome: dto.outcome,
        ...given({ closedOn: dto.closedOn }),
        personal: text(dto),
        ...when(dto),
      },
      ctx,
    );
  }
}
