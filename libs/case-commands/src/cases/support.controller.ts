import { Body } from '@nestjs/common';
import { CommandRoute } from './command-endpoint';
import { CaseCommandsController, CaseCommands, CaseId, Ctx } from './command-body';
import { AssessNeedsDto, ProvideAssistanceDto, RecordSupportPlanDto } from './dto/support.dto';

/** Support: the needs, the support plan, the assistance provided. */
@CaseCommandsController()
export class SupportController extends CaseCommands {
  @CommandRoute(':caseId/needs-assessments')
  assessNeeds(@CaseId() caseId: string, @Body() dto: AssessNeedsDto, @Ctx() ctx: Ctx) {
    return this.run(caseId, { type: 'AssessNeeds', ...dto }, ctx);
  }

  @CommandRoute(':caseId/support-plans', { creates: 'planId' })
  recordSupportPlan(@CaseId() caseId: string, @Body() dto: RecordSupportPlanDto, @Ctx() ctx: Ctx) {
    return this.runCreating(caseId, 'planId', { type: 'RecordSupportPlan', ...dto }, ctx);
  }

  @CommandRoute(':caseId/assistance', { creates: 'assistanceId' })
  provideAssistance(@CaseId() caseId: string, @Body() dto: ProvideAssistanceDto, @Ctx() ctx: Ctx) {
    return this.runCreating(caseId, 'assistanceId', { type: 'ProvideAssistance', ...dto }, ctx);
  }
}
