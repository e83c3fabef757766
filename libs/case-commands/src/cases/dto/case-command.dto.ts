import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import {
  AGE_VERIFICATION_METHODS,
  ASSISTANCE_TYPES,
  BEST_INTERESTS_DECISIONS,
  BEST_INTERESTS_OUTCOMES,
  CLOSURE_REASONS,
  CONSENT_PURPOSES,
  COUNTRY_CODES,
  DECIDING_BODIES,
  FORMS_OF_EXPLOITATION,
  GUARDIAN_KINDS,
  LANGUAGE_CODES,
  LAW_ENFORCEMENT_COOPERATION,
  MEANS_OF_CONTROL,
  NON_PUNISHMENT_RESOLUTIONS,
  REFERRAL_SOURCES,
  REMEDY_AVENUES,
  REMEDY_TYPES,
  SECTORS,
  SEX_GENDER,
  VICTIM_STATUSES,
  type AgeVerificationMethod,
  type AssistanceType,
  type BestInterestsDecision,
  type BestInterestsOutcome,
  type ClosureReason,
  type ConsentPurpose,
  type CountryCode,
  type DecidingBody,
  type FormOfExploitation,
  type GuardianKind,
  type LanguageCode,
  type LawEnforcementCooperation,
  type MeansOfControl,
  type NonPunishmentResolution,
  type ReferralSource,
  type RemedyAvenue,
  type RemedyType,
  type Sector,
  type SexGender,
  type VictimStatus,
} from '@remedy/case-domain';
import {
  CommandDto,
  FreeTextCommandDto,
  FreeTextDto,
  IsCalendarDate,
  MAX_SHORT,
  MAX_TEXT,
  Nested,
  RequiredTextDto,
} from './common.dto';
import { stacked } from '@remedy/http';

const MAX_CODES = 50;

/** A list of codes of one code list (at most MAX_CODES; the OpenAPI enum is the code list). */
const CodeList = (codes: readonly string[]) =>
  stacked(
    ApiProperty({ enum: codes, isArray: true }),
    IsArray(),
    ArrayMaxSize(MAX_CODES),
    IsIn(codes, { each: true }),
  );

/** An optional year of the exploitation (as the person remembers it). */
const OptionalYear = () =>
  stacked(
    ApiPropertyOptional({ minimum: 1900, maximum: 9999 }),
    IsOptional(),
    IsInt(),
    Min(1900),
    Max(9999),
  );

// ---------- opening ----------

export class ProfileDto {
  @ApiProperty({ enum: SEX_GENDER, description: 'HTCDS prs_Gender' })
  @IsIn(SEX_GENDER)
  sexGender!: SexGender;

  @ApiPropertyOptional({
    description: 'Estimated age in completed years, when the birth date is unknown',
    minimum: 0,
    maximum: 130,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(130)
  estimatedAge?: number;

  @ApiProperty()
  @IsBoolean()
  ageUncertain!: boolean;

  @ApiProperty({
    enum: COUNTRY_CODES,
    isArray: true,
    description: 'ISO 3166-1 alpha-2, STATELESS or UNKNOWN',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsIn(COUNTRY_CODES, { each: true })
  citizenships!: CountryCode[];

  @ApiProperty({ enum: LANGUAGE_CODES, isArray: true, description: 'ISO 639-1' })
  @IsArray()
  @ArrayMaxSize(20)
  @IsIn(LANGUAGE_CODES, { each: true })
  languages!: LanguageCode[];
}

export class IdentityDocumentDto {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  kind!: string;

  @ApiProperty({ maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  number!: string;
}

/** Identifying data of the person: personal data, encrypted before it is stored, erasable. */
export class PersonIdentifiersDto {
  @ApiPropertyOptional({ maxLength: MAX_SHORT })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SHORT)
  fullName?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(MAX_SHORT, { each: true })
  aliases?: string[];

  @ApiPropertyOptional({ example: '1990-04-02' })
  @IsOptional()
  @IsCalendarDate()
  birthDate?: string;

  @ApiPropertyOptional({ type: () => [IdentityDocumentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Nested(() => IdentityDocumentDto, { each: true })
  identityDocuments?: IdentityDocumentDto[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(MAX_SHORT, { each: true })
  contacts?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(1000, { each: true })
  addresses?: string[];

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  shelterLocation?: string;

  @ApiPropertyOptional({ maxLength: MAX_TEXT })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  notes?: string;
}

export class OpenCaseDto extends CommandDto {
  @ApiProperty({
    enum: REFERRAL_SOURCES,
    description: 'How the person came (HTCDS org_Type plus Remedy additions)',
  })
  @IsIn(REFERRAL_SOURCES)
  referralSource!: ReferralSource;

  @ApiProperty({ type: () => ProfileDto })
  @Nested(() => ProfileDto)
  profile!: ProfileDto;

  @ApiProperty({ type: () => PersonIdentifiersDto })
  @Nested(() => PersonIdentifiersDto)
  personal!: PersonIdentifiersDto;
}

export class VictimStatusPersonalDto extends FreeTextDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsCalendarDate()
  exploitationStartedOn?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsCalendarDate()
  exploitationEndedOn?: string;
}

export class RecordVictimStatusDto extends CommandDto {
  @ApiProperty({ enum: VICTIM_STATUSES })
  @IsIn(VICTIM_STATUSES)
  status!: VictimStatus;

  @ApiProperty({ enum: DECIDING_BODIES })
  @IsIn(DECIDING_BODIES)
  decidingBody!: DecidingBody;

  @ApiProperty({ example: '2026-06-10' })
  @IsCalendarDate()
  decidedOn!: string;

  @CodeList(FORMS_OF_EXPLOITATION)
  formsOfExploitation!: FormOfExploitation[];

  @CodeList(SECTORS)
  sectors!: Sector[];

  @CodeList(COUNTRY_CODES)
  countriesOfRecruitment!: CountryCode[];

  @CodeList(COUNTRY_CODES)
  countriesOfTransit!: CountryCode[];

  @CodeList(COUNTRY_CODES)
  countriesOfExploitation!: CountryCode[];

  @CodeList(MEANS_OF_CONTROL)
  meansOfControl!: MeansOfControl[];

  @OptionalYear()
  exploitationFromYear?: number;

  @OptionalYear()
  exploitationToYear?: number;

  @ApiPropertyOptional({ type: () => VictimStatusPersonalDto })
  @IsOptional()
  @Nested(() => VictimStatusPersonalDto)
  personal?: VictimStatusPersonalDto;
}

export class GrantReflectionPeriodDto extends CommandDto {
  @ApiPropertyOptional({ description: 'First day; defaults to today in the jurisdiction' })
  @IsOptional()
  @IsCalendarDate()
  startsOn?: string;

  @ApiPropertyOptional({
    description: "Length in days; at least the jurisdiction's minimum (≥ 30)",
    minimum: 1,
    maximum: 3650,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  days?: number;
}

// ---------- children ----------

export class BirthDatePersonalDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsCalendarDate()
  birthDate?: string;
}

export class VerifyAgeDto extends CommandDto {
  @ApiProperty({ enum: AGE_VERIFICATION_METHODS })
  @IsIn(AGE_VERIFICATION_METHODS)
  method!: AgeVerificationMethod;

  @ApiPropertyOptional({ minimum: 0, maximum: 130 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(130)
  verifiedAge?: number;

  @ApiPropertyOptional({ type: () => BirthDatePersonalDto })
  @IsOptional()
  @Nested(() => BirthDatePersonalDto)
  personal?: BirthDatePersonalDto;
}

export class RecordBestInterestsAssessmentDto extends FreeTextCommandDto {
  @ApiProperty({ enum: BEST_INTERESTS_DECISIONS })
  @IsIn(BEST_INTERESTS_DECISIONS)
  decision!: BestInterestsDecision;

  @ApiProperty({ enum: BEST_INTERESTS_OUTCOMES })
  @IsIn(BEST_INTERESTS_OUTCOMES)
  outcome!: BestInterestsOutcome;

  @ApiProperty()
  @IsBoolean()
  guardianPresent!: boolean;
}

export class GuardianPersonalDto {
  @ApiPropertyOptional({ maxLength: MAX_SHORT })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SHORT)
  name?: string;

  @ApiPropertyOptional({ maxLength: MAX_SHORT })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SHORT)
  contact?: string;
}

export class AppointGuardianDto extends CommandDto {
  @ApiProperty({ enum: GUARDIAN_KINDS })
  @IsIn(GUARDIAN_KINDS)
  kind!: GuardianKind;

  @ApiPropertyOptional({ type: () => GuardianPersonalDto })
  @IsOptional()
  @Nested(() => GuardianPersonalDto)
  personal?: GuardianPersonalDto;
}

// ---------- consent ----------

export class WithdrawConsentDto extends CommandDto {
  @ApiProperty({ enum: CONSENT_PURPOSES })
  @IsIn(CONSENT_PURPOSES)
  purpose!: ConsentPurpose;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Required for referral, transfer and legal aid access',
  })
  @IsOptional()
  @IsUUID()
  receivingOrganisationId?: string;
}

export class GiveConsentDto extends WithdrawConsentDto {
  @ApiProperty({
    enum: LANGUAGE_CODES,
    description: 'Language the consent was obtained in (ISO 639-1)',
  })
  @IsIn(LANGUAGE_CODES)
  obtainedInLanguage!: LanguageCode;

  @ApiProperty()
  @IsBoolean()
  interpreterUsed!: boolean;
}

// ---------- support ----------

export class AssessNeedsDto extends FreeTextCommandDto {
  @CodeList(ASSISTANCE_TYPES)
  needs!: AssistanceType[];
}

export class RecordSupportPlanDto extends FreeTextCommandDto {
  @CodeList(ASSISTANCE_TYPES)
  plannedAssistance!: AssistanceType[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsCalendarDate()
  reviewOn?: string;
}

export class ProvideAssistanceDto extends FreeTextCommandDto {
  @ApiProperty({ enum: ASSISTANCE_TYPES })
  @IsIn(ASSISTANCE_TYPES)
  assistanceType!: AssistanceType;

  @ApiPropertyOptional({ description: 'First day; defaults to today' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsCalendarDate()
  until?: string;
}

// ---------- sharing ----------

export class ReferCaseDto extends FreeTextCommandDto {
  @ApiProperty({ format: 'uuid', description: 'An organisation of the directory' })
  @IsUUID()
  toOrganisationId!: string;

  @ApiProperty({ enum: ASSISTANCE_TYPES })
  @IsIn(ASSISTANCE_TYPES)
  service!: AssistanceType;
}

export class LegalAidAccessDto extends CommandDto {
  @ApiProperty({ format: 'uuid', description: 'A legal aid organisation of the directory' })
  @IsUUID()
  legalAidOrganisationId!: string;
}

export class TransferCaseDto extends FreeTextCommandDto {
  @ApiProperty({
    format: 'uuid',
    description: 'An organisation of the directory; it gets its own case reference',
  })
  @IsUUID()
  toOrganisationId!: string;
}

// ---------- legal ----------

export class RecordLawEnforcementCooperationDto extends CommandDto {
  @ApiProperty({
    enum: LAW_ENFORCEMENT_COOPERATION,
    description: "The person's own choice; information only (rule 1)",
  })
  @IsIn(LAW_ENFORCEMENT_COOPERATION)
  cooperation!: LawEnforcementCooperation;
}

export class SeekRemedyDto extends FreeTextCommandDto {
  @ApiProperty({ enum: REMEDY_TYPES })
  @IsIn(REMEDY_TYPES)
  remedyType!: RemedyType;

  @ApiProperty({ enum: REMEDY_AVENUES })
  @IsIn(REMEDY_AVENUES)
  avenue!: RemedyAvenue;
}

export class ResolveNonPunishmentFlagDto extends FreeTextCommandDto {
  @ApiProperty({ enum: NON_PUNISHMENT_RESOLUTIONS })
  @IsIn(NON_PUNISHMENT_RESOLUTIONS)
  resolution!: NonPunishmentResolution;
}

// ---------- lifecycle ----------

export class RequestClosureDto extends FreeTextCommandDto {
  @ApiProperty({ enum: CLOSURE_REASONS })
  @IsIn(CLOSURE_REASONS)
  reason!: ClosureReason;
}

export class AssignCaseworkerDto extends CommandDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  caseworkerId!: string;
}

export class AddNoteDto extends CommandDto {
  @ApiProperty({ type: () => RequiredTextDto })
  @Nested(() => RequiredTextDto)
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

export class CorrectionDto {
  @ApiProperty({ enum: CORRECTABLE_FACTS })
  @IsIn(CORRECTABLE_FACTS)
  fact!: (typeof CORRECTABLE_FACTS)[number];

  @ApiPropertyOptional({
    description:
      'The right value: a SexGender or ReferralSource code, a list of country or language codes, or a whole estimated age. Absent for birthDate (the date goes in personal.birthDate).',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }, { type: 'integer' }],
  })
  @Validate(CorrectionValueConstraint)
  value?: string | string[] | number;

  @ApiPropertyOptional({ description: 'For estimatedAge: the date of the estimate' })
  @IsOptional()
  @IsCalendarDate()
  estimatedOn?: string;
}

export class CorrectionPersonalDto extends FreeTextDto {
  @ApiPropertyOptional({ description: 'For a birthDate correction: the right date (personal)' })
  @IsOptional()
  @IsCalendarDate()
  birthDate?: string;
}

export class CorrectFactDto extends CommandDto {
  @ApiProperty({ type: () => CorrectionDto })
  @Nested(() => CorrectionDto)
  correction!: CorrectionDto;

  @ApiPropertyOptional({ type: () => CorrectionPersonalDto })
  @IsOptional()
  @Nested(() => CorrectionPersonalDto)
  personal?: CorrectionPersonalDto;
}

// ---------- find a person ----------

export class SearchPersonDto {
  @ApiProperty({
    description: 'Full name or alias (normalised: case, accents and punctuation ignored)',
    maxLength: MAX_SHORT,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_SHORT)
  fullName!: string;

  @ApiProperty({ example: '1990-04-02' })
  @IsCalendarDate()
  birthDate!: string;
}

export { CommandDto, FreeTextCommandDto };
