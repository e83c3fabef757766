import { Body, Controller, Param } from '@nestjs/common';
import { CommandCtx } from '../pipeline/command-context.decorator';
import type { CommandContext } from '../pipeline/context';
import { CaseCommandEndpoints, CommandRoute, Uuid } from './command-endpoint';
import { CASE_COMMANDS, CaseCommands } from './command-body';
import { CommandDto } from './dto/common.dto';
import { GiveConsentDto, WithdrawConsentDto } from './dto/consent.dto';

/** Consent to a purpose, and the objection to statistical use. */
@CaseCommandEndpoints(CASE_COMMANDS)
@Controller('cases')
export class ConsentController extends CaseCommands {
  @CommandRoute(':caseId/consents', { grantsAccess: true })
  giveConsent(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: GiveConsentDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'GiveConsent', ...dto }, ctx);
  }

  @CommandRoute(':caseId/consents/withdraw')
  withdrawConsent(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: WithdrawConsentDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'WithdrawConsent', ...dto }, ctx);
  }

  @CommandRoute(':caseId/statistical-use-objection')
  recordObjection(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: CommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'RecordStatisticalUseObjection', ...dto }, ctx);
  }

  @CommandRoute(':caseId/statistical-use-objection/withdraw')
  withdrawObjection(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: CommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'WithdrawStatisticalUseObjection', ...dto }, ctx);
  }
}
