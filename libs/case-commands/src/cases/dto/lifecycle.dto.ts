import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import {
  CLOSURE_REASONS,
  COUNTRY_CODES,
  LANGUAGE_CODES,
  REFERRAL_SOURCES,
  SEX_GENDER,
  type AddNote,
  type AssignCaseworker,
  type ClosureReason,
  type CorrectFact,
  type RequestClosure,
} from '@remedy/case-domain';
import type { CommandBody } from '../command-body';
import { CommandDto, FreeTextCommandDto, FreeTextDto, RequiredTextDto } from './common.dto';
import { Code, DateField, IdField, MAX_CODES, Part, PersonalPart } from './fields';

/** The case's life: closure, reopening, the caseworker, notes, corrections (erasure has no body). */

export class RequestClosureDto extends FreeTextCommandDto implements CommandBody<RequestClosure> {
  @Code(CLOSURE_REASONS)
  reason!: ClosureReason;
}

export class AssignCaseworkerDto extends CommandDto implements CommandBody<AssignCaseworker> {
  @IdField()
  caseworkerId!: string;
}

export class AddNoteDto extends CommandDto implements CommandBody<AddNote, 'noteId'> {
  @Part(() => RequiredTextDto)
  personal!: RequiredTextDto;
}

export const CORRECTABLE_FACTS = [
  'sexGender',
  'citizenships',
  'languages',
  'referralSource',
  'birthDate',
  'estimatedAge',
] as const;

@ValidatorConstraint({ name: 'correctionValue' })
class CorrectionValueConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const fact = (args.object as CorrectionDto).fact;
    const codes = (list: readonly string[]) =>
      Array.isArray(value) &&
      value.length <= MAX_CODES &&
      value.every((v) => list.includes(v as string));
    switch (fact) {
      case 'sexGender':
        return (SEX_GENDER as readonly unknown[]).includes(value);
      case 'referralSource':
        return (REFERRAL_SOURCES as readonly unknown[]).includes(value);
      case 'citizenships':
        return codes(COUNTRY_CODES) && (value as unknown[]).length > 0;
      case 'languages':
        return codes(LANGUAGE_CODES);
      case 'estimatedAge':
        return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 130;
      case 'birthDate':
        return value === undefined;
      default:
        return false;
    }
  }
  defaultMessage(): string {
    return 'value must fit the corrected fact (a code of its list, a list of codes, or a whole age)';
  }
}

/**
 * A correction: which `value` fits which `fact` is checked when the body is validated
 * (CorrectionValueConstraint), not by the compiler; the controller states it as the domain's
 * CorrectionInput.
 */
export class CorrectionDto {
  @Code(CORRECTABLE_FACTS)
  fact!: (typeof CORRECTABLE_FACTS)[number];

  @ApiPropertyOptional({
    description:
      'The right value: a SexGender or ReferralSource code, a list of country or language codes, or a whole estimated age. Absent for birthDate (the date goes in personal.birthDate).',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }, { type: 'integer' }],
  })
  @Validate(CorrectionValueConstraint)
  value?: string | string[] | number;

  @DateField({ optional: true, description: 'For estimatedAge: the date of the estimate' })
  estimatedOn?: string;
}

export class CorrectionPersonalDto extends FreeTextDto {
  @DateField({
    optional: true,
    description: 'For a birthDate correction: the right date (personal)',
  })
  birthDate?: string;
}

export class CorrectFactDto
  extends CommandDto
  implements Omit<CommandBody<CorrectFact>, 'correction'>
{
  @Part(() => CorrectionDto)
  correction!: CorrectionDto;

  @PersonalPart(() => CorrectionPersonalDto)
  personal!: CorrectionPersonalDto;
}
