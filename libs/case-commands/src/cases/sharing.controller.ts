import { Body, Controller, Param } from '@nestjs/common';
import { CommandCtx } from '../pipeline/command-context.decorator';
import type { CommandContext } from '../pipeline/context';
import { TransferCaseCommand } from './case.commands';
import { CaseCommandEndpoints, CommandRoute, newIdFor, Uuid } from './command-endpoint';
import { CASE_COMMANDS, CaseCommands, factsOf } from './command-body';
import { CommandDto, FreeTextCommandDto } from './dto/common.dto';
import { LegalAidAccessDto, ReferCaseDto, TransferCaseDto } from './dto/sharing.dto';

/** Sharing the case: referrals, legal aid access, transfer. */
@CaseCommandEndpoints(CASE_COMMANDS)
@Controller('cases')
export class SharingController extends CaseCommands {
  @CommandRoute(':caseId/referrals', { grantsAccess: true })
  refer(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: ReferCaseDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const referralId = newIdFor(ctx, 'referralId');
    return this.run(caseId, { type: 'ReferCase', ...dto, referralId }, ctx, { referralId });
  }

  @CommandRoute(':caseId/referrals/:referralId/accept', { grantsAccess: true })
  acceptReferral(
    @Param('caseId', Uuid) caseId: string,
    @Param('referralId', Uuid) referralId: string,
    @Body() dto: CommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'AcceptReferral', ...dto, referralId }, ctx);
  }

  @CommandRoute(':caseId/referrals/:referralId/decline')
  declineReferral(
    @Param('caseId', Uuid) caseId: string,
    @Param('referralId', Uuid) referralId: string,
    @Body() dto: FreeTextCommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'DeclineReferral', ...dto, referralId }, ctx);
  }

  @CommandRoute(':caseId/referrals/:referralId/complete')
  completeReferral(
    @Param('caseId', Uuid) caseId: string,
    @Param('referralId', Uuid) referralId: string,
    @Body() dto: CommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'CompleteReferral', ...dto, referralId }, ctx);
  }

  @CommandRoute(':caseId/referrals/:referralId/revoke')
  revokeReferral(
    @Param('caseId', Uuid) caseId: string,
    @Param('referralId', Uuid) referralId: string,
    @Body() dto: FreeTextCommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'RevokeReferral', ...dto, referralId }, ctx);
  }

  @CommandRoute(':caseId/legal-aid-access', { grantsAccess: true })
  grantLegalAidAccess(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: LegalAidAccessDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'GrantLegalAidAccess', ...dto }, ctx);
  }

  @CommandRoute(':caseId/legal-aid-access/revoke')
  revokeLegalAidAccess(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: LegalAidAccessDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'RevokeLegalAidAccess', ...dto }, ctx);
  }

  @CommandRoute(':caseId/transfer', { grantsAccess: true })
  transfer(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: TransferCaseDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.bus.execute(new TransferCaseCommand(caseId, factsOf(dto), ctx));
  }
}
