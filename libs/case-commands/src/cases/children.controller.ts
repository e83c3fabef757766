import { Body, Controller, Param } from '@nestjs/common';
import { CommandCtx } from '../pipeline/command-context.decorator';
import type { CommandContext } from '../pipeline/context';
import { CaseCommandEndpoints, CommandRoute, newIdFor, Uuid } from './command-endpoint';
import { CASE_COMMANDS, CaseCommands } from './command-body';
import { FreeTextCommandDto } from './dto/common.dto';
import {
  AppointGuardianDto,
  RecordBestInterestsAssessmentDto,
  VerifyAgeDto,
} from './dto/children.dto';

/** Children: the presumption of minority, age verification, best interests, the guardian. */
@CaseCommandEndpoints(CASE_COMMANDS)
@Controller('cases')
export class ChildrenController extends CaseCommands {
  @CommandRoute(':caseId/presume-minority')
  presumeMinority(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: FreeTextCommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'PresumeMinority', ...dto }, ctx);
  }

  @CommandRoute(':caseId/verify-age')
  verifyAge(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: VerifyAgeDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'VerifyAge', ...dto }, ctx);
  }

  @CommandRoute(':caseId/best-interests-assessments')
  recordBestInterests(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: RecordBestInterestsAssessmentDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const assessmentId = newIdFor(ctx, 'assessmentId');
    return this.run(caseId, { type: 'RecordBestInterestsAssessment', ...dto, assessmentId }, ctx, {
      assessmentId,
    });
  }

  @CommandRoute(':caseId/guardians')
  appointGuardian(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: AppointGuardianDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'AppointGuardian', ...dto }, ctx);
  }
}
