import { Body, Controller } from '@nestjs/common';
import { CaseCommandEndpoints, CommandRoute, newIdFor } from './command-endpoint';
import { CASE_COMMANDS, CaseCommands, CaseId, Ctx, PathId } from './command-body';
import { FreeTextCommandDto } from './dto/common.dto';
import {
  RecordLawEnforcementCooperationDto,
  ResolveNonPunishmentFlagDto,
  SeekRemedyDto,
} from './dto/legal.dto';

/** Legal matters: cooperation with law enforcement, remedies, non-punishment. */
@CaseCommandEndpoints(CASE_COMMANDS)
@Controller('cases')
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
    const remedyId = newIdFor(ctx, 'remedyId');
    return this.run(caseId, { type: 'SeekRemedy', ...dto, remedyId }, ctx, { remedyId });
  }

  @CommandRoute(':caseId/non-punishment-flags', { creates: 'flagId' })
  raiseFlag(@CaseId() caseId: string, @Body() dto: FreeTextCommandDto, @Ctx() ctx: Ctx) {
    const flagId = newIdFor(ctx, 'flagId');
    return this.run(caseId, { type: 'RaiseNonPunishmentFlag', ...dto, flagId }, ctx, { flagId });
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
