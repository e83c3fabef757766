import { Body, Controller } from '@nestjs/common';
import { CaseCommandEndpoints, CommandRoute, newIdFor } from './command-endpoint';
import { CASE_COMMANDS, CaseCommands, CaseId, Ctx } from './command-body';
import { AssessNeedsDto, ProvideAssistanceDto, RecordSupportPlanDto } from './dto/support.dto';

/** Support: the needs, the support plan, the assistance provided. */
@CaseCommandEndpoints(CASE_COMMANDS)
@Controller('cases')
export class SupportController extends CaseCommands {
  @CommandRoute(':caseId/needs-assessments')
  assessNeeds(@CaseId() caseId: string, @Body() dto: AssessNeedsDto, @Ctx() ctx: Ctx) {
    return this.run(caseId, { type: 'AssessNeeds', ...dto }, ctx);
  }

  @CommandRoute(':caseId/support-plans', { creates: 'planId' })
  recordSupportPlan(@CaseId() caseId: string, @Body() dto: RecordSupportPlanDto, @Ctx() ctx: Ctx) {
    const planId = newIdFor(ctx, 'planId');
    return this.run(caseId, { type: 'RecordSupportPlan', ...dto, planId }, ctx, { planId });
  }

  @CommandRoute(':caseId/assistance', { creates: 'assistanceId' })
  provideAssistance(@CaseId() caseId: string, @Body() dto: ProvideAssistanceDto, @Ctx() ctx: Ctx) {
    const assistanceId = newIdFor(ctx, 'assistanceId');
    return this.run(caseId, { type: 'ProvideAssistance', ...dto, assistanceId }, ctx, {
      assistanceId,
    });
  }
}
