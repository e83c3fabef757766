import { Body } from '@nestjs/common';
import { CommandRoute } from './command-endpoint';
import { CaseCommandsController, CaseCommands, CaseId, Ctx, PathId } from './command-body';
import { FreeTextCommandDto } from './dto/common.dto';
import {
  RecordLawEnforcementCooperationDto,
  ResolveNonPunishmentFlagDto,
  SeekRemedyDto,
} from './dto/legal.dto';

/** Legal matters: cooperation with law enforcement, remedies, non-punishment. */
@CaseCommandsController()
export class LegalController extends CaseCommands {
  @CommandRoute(':caseId/law-enforcement-cooperation')
  recordCooperation(
    @CaseId() caseId: string,
    @Body() dto: RecordLawEnforcementCooperationDto,
    @Ctx() ctx: Ctx,
  ) {
    return this.run(caseId, { type: 'RecordLawEnforcementCooperation', ...dto }, ctx);
  }

  @CommandRoute(':caseId/remedies', { creates: 'remedyId' })
  seekRemedy(@CaseId() caseId: string, @Body() dto: SeekRemedyDto, @Ctx() ctx: Ctx) {
    return this.runCreating(caseId, 'remedyId', { type: 'SeekRemedy', ...dto }, ctx);
  }

  @CommandRoute(':caseId/non-punishment-flags', { creates: 'flagId' })
  raiseFlag(@CaseId() caseId: string, @Body() dto: FreeTextCommandDto, @Ctx() ctx: Ctx) {
    return this.runCreating(caseId, 'flagId', { type: 'RaiseNonPunishmentFlag', ...dto }, ctx);
  }

  @CommandRoute(':caseId/non-punishment-flags/:flagId/resolve')
  resolveFlag(
    @CaseId() caseId: string,
    @PathId('flagId') flagId: string,
    @Body() dto: ResolveNonPunishmentFlagDto,
    @Ctx() ctx: Ctx,
  ) {
    return this.run(caseId, { type: 'ResolveNonPunishmentFlag', ...dto, flagId }, ctx);
  }
}
