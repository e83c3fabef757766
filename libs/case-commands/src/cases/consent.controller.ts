import { Body, Controller } from '@nestjs/common';
import { CaseCommandEndpoints, CommandRoute } from './command-endpoint';
import { CASE_COMMANDS, CaseCommands, CaseId, Ctx } from './command-body';
import { CommandDto } from './dto/common.dto';
import { GiveConsentDto, WithdrawConsentDto } from './dto/consent.dto';

/** Consent to a purpose, and the objection to statistical use. */
@CaseCommandEndpoints(CASE_COMMANDS)
@Controller('cases')
export class ConsentController extends CaseCommands {
  @CommandRoute(':caseId/consents', { grantsAccess: true })
  giveConsent(@CaseId() caseId: string, @Body() dto: GiveConsentDto, @Ctx() ctx: Ctx) {
    return this.run(caseId, { type: 'GiveConsent', ...dto }, ctx);
  }

  @CommandRoute(':caseId/consents/withdraw')
  withdrawConsent(@CaseId() caseId: string, @Body() dto: WithdrawConsentDto, @Ctx() ctx: Ctx) {
    return this.run(caseId, { type: 'WithdrawConsent', ...dto }, ctx);
  }

  @CommandRoute(':caseId/statistical-use-objection')
  recordObjection(@CaseId() caseId: string, @Body() dto: CommandDto, @Ctx() ctx: Ctx) {
    return this.run(caseId, { type: 'RecordStatisticalUseObjection', ...dto }, ctx);
  }

  @CommandRoute(':caseId/statistical-use-objection/withdraw')
  withdrawObjection(@CaseId() caseId: string, @Body() dto: CommandDto, @Ctx() ctx: Ctx) {
    return this.run(caseId, { type: 'WithdrawStatisticalUseObjection', ...dto }, ctx);
  }
}
