import { Body, Controller, Param } from '@nestjs/common';
import { CommandCtx } from '../pipeline/command-context.decorator';
import type { CommandContext } from '../pipeline/context';
import { CaseCommandEndpoints, CommandRoute, newIdFor, Uuid } from './command-endpoint';
import { CASE_COMMANDS, CaseCommands } from './command-body';
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
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: RecordLawEnforcementCooperationDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'RecordLawEnforcementCooperation', ...dto }, ctx);
  }

  @CommandRoute(':caseId/remedies')
  seekRemedy(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: SeekRemedyDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const remedyId = newIdFor(ctx, 'remedyId');
    return this.run(caseId, { type: 'SeekRemedy', ...dto, remedyId }, ctx, { remedyId });
  }

  @CommandRoute(':caseId/non-punishment-flags')
  raiseFlag(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: FreeTextCommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const flagId = newIdFor(ctx, 'flagId');
    return this.run(caseId, { type: 'RaiseNonPunishmentFlag', ...dto, flagId }, ctx, { flagId });
  }

  @CommandRoute(':caseId/non-punishment-flags/:flagId/resolve')
  resolveFlag(
    @Param('caseId', Uuid) caseId: string,
    @Param('flagId', Uuid) flagId: string,
    @Body() dto: ResolveNonPunishmentFlagDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'ResolveNonPunishmentFlag', ...dto, flagId }, ctx);
  }
}
