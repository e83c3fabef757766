import { Body, Controller, Param } from '@nestjs/common';
import { CommandCtx } from '../pipeline/command-context.decorator';
import type { CommandContext } from '../pipeline/context';
import { CaseCommandEndpoints, CommandRoute, newIdFor, Uuid } from './command-endpoint';
import { CASE_COMMANDS, CaseCommands } from './command-body';
import { AssessNeedsDto, ProvideAssistanceDto, RecordSupportPlanDto } from './dto/support.dto';

/** Support: the needs, the support plan, the assistance provided. */
@CaseCommandEndpoints(CASE_COMMANDS)
@Controller('cases')
export class SupportController extends CaseCommands {
  @CommandRoute(':caseId/needs-assessments')
  assessNeeds(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: AssessNeedsDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'AssessNeeds', ...dto }, ctx);
  }

  @CommandRoute(':caseId/support-plans')
  recordSupportPlan(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: RecordSupportPlanDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const planId = newIdFor(ctx, 'planId');
    return this.run(caseId, { type: 'RecordSupportPlan', ...dto, planId }, ctx, { planId });
  }

  @CommandRoute(':caseId/assistance')
  provideAssistance(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: ProvideAssistanceDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const assistanceId = newIdFor(ctx, 'assistanceId');
    return this.run(caseId, { type: 'ProvideAssistance', ...dto, assistanceId }, ctx, {
      assistanceId,
    });
  }
}
