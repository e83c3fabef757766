import { Body, Controller } from '@nestjs/common';
import { CaseCommandEndpoints, CommandRoute, newIdFor } from './command-endpoint';
import { CASE_COMMANDS, CaseCommands, CaseId, Ctx } from './command-body';
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
  presumeMinority(@CaseId() caseId: string, @Body() dto: FreeTextCommandDto, @Ctx() ctx: Ctx) {
    return this.run(caseId, { type: 'PresumeMinority', ...dto }, ctx);
  }

  @CommandRoute(':caseId/verify-age')
  verifyAge(@CaseId() caseId: string, @Body() dto: VerifyAgeDto, @Ctx() ctx: Ctx) {
    return this.run(caseId, { type: 'VerifyAge', ...dto }, ctx);
  }

  @CommandRoute(':caseId/best-interests-assessments', { creates: 'assessmentId' })
  recordBestInterests(
    @CaseId() caseId: string,
    @Body() dto: RecordBestInterestsAssessmentDto,
    @Ctx() ctx: Ctx,
  ) {
    const assessmentId = newIdFor(ctx, 'assessmentId');
    return this.run(caseId, { type: 'RecordBestInterestsAssessment', ...dto, assessmentId }, ctx, {
      assessmentId,
    });
  }

  @CommandRoute(':caseId/guardians')
  appointGuardian(@CaseId() caseId: string, @Body() dto: AppointGuardianDto, @Ctx() ctx: Ctx) {
    return this.run(caseId, { type: 'AppointGuardian', ...dto }, ctx);
  }
}
