import { Body, Controller } from '@nestjs/common';
import { TransferCaseCommand } from './case.commands';
import { CaseCommandEndpoints, CommandRoute, newIdFor } from './command-endpoint';
import { CASE_COMMANDS, CaseCommands, CaseId, Ctx, factsOf, PathId } from './command-body';
import { CommandDto, FreeTextCommandDto } from './dto/common.dto';
import { LegalAidAccessDto, ReferCaseDto, TransferCaseDto } from './dto/sharing.dto';

/** Sharing the case: referrals, legal aid access, transfer. */
@CaseCommandEndpoints(CASE_COMMANDS)
@Controller('cases')
export class SharingController extends CaseCommands {
  @CommandRoute(':caseId/referrals', { grantsAccess: true, creates: 'referralId' })
  refer(@CaseId() caseId: string, @Body() dto: ReferCaseDto, @Ctx() ctx: Ctx) {
    const referralId = newIdFor(ctx, 'referralId');
    return this.run(caseId, { type: 'ReferCase', ...dto, referralId }, ctx, { referralId });
  }

  @CommandRoute(':caseId/referrals/:referralId/accept', { grantsAccess: true })
  acceptReferral(
    @CaseId() caseId: string,
    @PathId('referralId') referralId: string,
    @Body() dto: CommandDto,
    @Ctx() ctx: Ctx,
  ) {
    return this.run(caseId, { type: 'AcceptReferral', ...dto, referralId }, ctx);
  }

  @CommandRoute(':caseId/referrals/:referralId/decline')
  declineReferral(
    @CaseId() caseId: string,
    @PathId('referralId') referralId: string,
    @Body() dto: FreeTextCommandDto,
    @Ctx() ctx: Ctx,
  ) {
    return this.run(caseId, { type: 'DeclineReferral', ...dto, referralId }, ctx);
  }

  @CommandRoute(':caseId/referrals/:referralId/complete')
  completeReferral(
    @CaseId() caseId: string,
    @PathId('referralId') referralId: string,
    @Body() dto: CommandDto,
    @Ctx() ctx: Ctx,
  ) {
    return this.run(caseId, { type: 'CompleteReferral', ...dto, referralId }, ctx);
  }

  @CommandRoute(':caseId/referrals/:referralId/revoke')
  revokeReferral(
    @CaseId() caseId: string,
    @PathId('referralId') referralId: string,
    @Body() dto: FreeTextCommandDto,
    @Ctx() ctx: Ctx,
  ) {
    return this.run(caseId, { type: 'RevokeReferral', ...dto, referralId }, ctx);
  }

  @CommandRoute(':caseId/legal-aid-access', { grantsAccess: true })
  grantLegalAidAccess(@CaseId() caseId: string, @Body() dto: LegalAidAccessDto, @Ctx() ctx: Ctx) {
    return this.run(caseId, { type: 'GrantLegalAidAccess', ...dto }, ctx);
  }

  @CommandRoute(':caseId/legal-aid-access/revoke')
  revokeLegalAidAccess(@CaseId() caseId: string, @Body() dto: LegalAidAccessDto, @Ctx() ctx: Ctx) {
    return this.run(caseId, { type: 'RevokeLegalAidAccess', ...dto }, ctx);
  }

  @CommandRoute(':caseId/transfer', { grantsAccess: true })
  transfer(@CaseId() caseId: string, @Body() dto: TransferCaseDto, @Ctx() ctx: Ctx) {
    return this.bus.execute(new TransferCaseCommand(caseId, factsOf(dto), ctx));
  }
}
