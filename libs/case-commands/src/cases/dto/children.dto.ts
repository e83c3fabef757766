import {
  AGE_VERIFICATION_METHODS,
  BEST_INTERESTS_DECISIONS,
  BEST_INTERESTS_OUTCOMES,
  GUARDIAN_KINDS,
  type AgeVerificationMethod,
  type AppointGuardian,
  type BestInterestsDecision,
  type BestInterestsOutcome,
  type GuardianKind,
  type RecordBestInterestsAssessment,
  type VerifyAge,
} from '@remedy/case-domain';
import type { CommandBody } from '../command-body';
import { CommandDto, FreeTextCommandDto } from './common.dto';
import { Code, DateField, Flag, MAX_SHORT, PersonalPart, Text, WholeNumber } from './fields';

/** Children: the presumption of minority, age verification, best interests and the guardian. */

export class BirthDatePersonalDto {
  @DateField({ optional: true })
  birthDate?: string;
}

export class VerifyAgeDto extends CommandDto implements CommandBody<VerifyAge> {
  @Code(AGE_VERIFICATION_METHODS)
  method!: AgeVerificationMethod;

  @WholeNumber({ optional: true, minimum: 0, maximum: 130 })
  verifiedAge?: number;

  @PersonalPart(() => BirthDatePersonalDto)
  personal!: BirthDatePersonalDto;
}

export class RecordBestInterestsAssessmentDto
  extends FreeTextCommandDto
  implements CommandBody<RecordBestInterestsAssessment, 'assessmentId'>
{
  @Code(BEST_INTERESTS_DECISIONS)
  decision!: BestInterestsDecision;

  @Code(BEST_INTERESTS_OUTCOMES)
  outcome!: BestInterestsOutcome;

  @Flag()
  guardianPresent!: boolean;
}

export class GuardianPersonalDto {
  @Text({ optional: true, maxLength: MAX_SHORT })
  name?: string;

  @Text({ optional: true, maxLength: MAX_SHORT })
  contact?: string;
}

export class AppointGuardianDto extends CommandDto implements CommandBody<AppointGuardian> {
  @Code(GUARDIAN_KINDS)
  kind!: GuardianKind;

  @PersonalPart(() => GuardianPersonalDto)
  personal!: GuardianPersonalDto;
}
