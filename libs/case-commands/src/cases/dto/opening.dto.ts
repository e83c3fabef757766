import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional } from 'class-validator';
import {
  COUNTRY_CODES,
  type CountryCode,
  DECIDING_BODIES,
  type DecidingBody,
  FORMS_OF_EXPLOITATION,
  type FormOfExploitation,
  LANGUAGE_CODES,
  type LanguageCode,
  MEANS_OF_CONTROL,
  type MeansOfControl,
  REFERRAL_SOURCES,
  type ReferralSource,
  SECTORS,
  type Sector,
  SEX_GENDER,
  type SexGender,
  VICTIM_STATUSES,
  type VictimStatus,
  type GrantReflectionPeriod,
  type OpenCase,
  type PersonIdentifiers,
  type RecordVictimStatus,
} from '@remedy/case-domain';
import type { CommandBody } from '../command-body';
import { CommandDto, FreeTextDto } from './common.dto';
import {
  Code,
  CodeList,
  DateField,
  Flag,
  MAX_SHORT,
  MAX_TEXT,
  Nested,
  OptionalYear,
  Part,
  PersonalPart,
  Text,
  Texts,
  WholeNumber,
} from './fields';

/** Opening a case, finding a person, the victim status and the reflection period. */

export class ProfileDto {
  @Code(SEX_GENDER, { description: 'HTCDS prs_Gender' })
  sexGender!: SexGender;

  @WholeNumber({
    optional: true,
    description: 'Estimated age in completed years, when the birth date is unknown',
    minimum: 0,
    maximum: 130,
  })
  estimatedAge?: number;

  @Flag()
  ageUncertain!: boolean;

  @CodeList(COUNTRY_CODES, {
    description: 'ISO 3166-1 alpha-2, STATELESS or UNKNOWN',
    minSize: 1,
    maxSize: 10,
  })
  citizenships!: CountryCode[];

  @CodeList(LANGUAGE_CODES, { description: 'ISO 639-1', maxSize: 20 })
  languages!: LanguageCode[];
}

export class IdentityDocumentDto {
  @Text({ maxLength: 100, minLength: 1 })
  kind!: string;

  @Text({ maxLength: 100, minLength: 1 })
  number!: string;
}

/** Identifying data of the person: personal data, encrypted before it is stored, erasable. */
export class PersonIdentifiersDto implements PersonIdentifiers {
  @Text({ optional: true, maxLength: MAX_SHORT })
  fullName?: string;

  @Texts({ maxLength: MAX_SHORT })
  aliases?: string[];

  @DateField({ optional: true, example: '1990-04-02' })
  birthDate?: string;

  @ApiPropertyOptional({ type: () => [IdentityDocumentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Nested(() => IdentityDocumentDto, { each: true })
  identityDocuments?: IdentityDocumentDto[];

  @Texts({ maxLength: MAX_SHORT })
  contacts?: string[];

  @Texts({ maxLength: 1000 })
  addresses?: string[];

  @Text({ optional: true, maxLength: 1000 })
  shelterLocation?: string;

  @Text({ optional: true, maxLength: MAX_TEXT })
  notes?: string;
}

export class OpenCaseDto
  extends CommandDto
  implements CommandBody<OpenCase, 'caseId' | 'caseReference'>
{
  @Code(REFERRAL_SOURCES, {
    description: 'How the person came (HTCDS org_Type plus Remedy additions)',
  })
  referralSource!: ReferralSource;

  @Part(() => ProfileDto)
  profile!: ProfileDto;

  @Part(() => PersonIdentifiersDto)
  personal!: PersonIdentifiersDto;
}

export class VictimStatusPersonalDto extends FreeTextDto {
  @DateField({ optional: true })
  exploitationStartedOn?: string;

  @DateField({ optional: true })
  exploitationEndedOn?: string;
}

export class RecordVictimStatusDto extends CommandDto implements CommandBody<RecordVictimStatus> {
  @Code(VICTIM_STATUSES)
  status!: VictimStatus;

  @Code(DECIDING_BODIES)
  decidingBody!: DecidingBody;

  @DateField({ example: '2026-06-10' })
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

  @PersonalPart(() => VictimStatusPersonalDto)
  personal!: VictimStatusPersonalDto;
}

export class GrantReflectionPeriodDto
  extends CommandDto
  implements CommandBody<GrantReflectionPeriod>
{
  @DateField({ optional: true, description: 'First day; defaults to today in the jurisdiction' })
  startsOn?: string;

  @WholeNumber({
    optional: true,
    description: "Length in days; at least the jurisdiction's minimum (≥ 30)",
    minimum: 1,
    maximum: 3650,
  })
  days?: number;
}

export class SearchPersonDto {
  @Text({
    description: 'Full name or alias (normalised: case, accents and punctuation ignored)',
    maxLength: MAX_SHORT,
    minLength: 1,
  })
  fullName!: string;

  @DateField({ example: '1990-04-02' })
  birthDate!: string;
}
