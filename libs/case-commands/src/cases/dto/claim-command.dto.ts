import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  CLAIM_APPELLANTS,
  CLAIM_CLOSURE_OUTCOMES,
  CLAIM_DECISION_OUTCOMES,
  CLAIM_RESPONDENT_KINDS,
  CURRENCY_CODES,
  REMEDY_AVENUES,
  type ClaimAppellant,
  type ClaimClosureOutcome,
  type ClaimDecisionOutcome,
  type ClaimRespondentKind,
  type CurrencyCode,
  type RemedyAvenue,
} from '@remedy/case-domain';
import {
  CommandDto,
  FreeTextCommandDto,
  FreeTextDto,
  IsCalendarDate,
  MAX_TEXT,
  Nested,
} from './common.dto';

/**
 * Compensation claims (rule 5) under `/cases/:caseId/claims`. Amounts are integer minor units of an
 * ISO 4217 currency (EUR 12.34 = 1234), never decimals. Dates are calendar dates in the
 * jurisdiction's time zone; dates of what has happened default to today.
 */

const MINOR_UNITS = 'Integer minor units of the claim currency (e.g. cents)';

/** A minor-unit amount: an integer ≥ `min`, at most the largest exact JSON integer. */
const IsMinorUnits =
  (min: number): PropertyDecorator =>
  (target, key) => {
    IsInt()(target, key);
    Min(min)(target, key);
    Max(Number.MAX_SAFE_INTEGER)(target, key);
  };

/** Amounts by head of damage (absent heads: none). */
export class ClaimAmountsDto {
  @ApiPropertyOptional({
    type: 'integer',
    description: MINOR_UNITS,
    minimum: 0,
    example: 1_200_000,
  })
  @IsOptional()
  @IsMinorUnits(0)
  UnpaidWages?: number;

  @ApiPropertyOptional({ type: 'integer', description: MINOR_UNITS, minimum: 0 })
  @IsOptional()
  @IsMinorUnits(0)
  MaterialDamage?: number;

  @ApiPropertyOptional({ type: 'integer', description: MINOR_UNITS, minimum: 0 })
  @IsOptional()
  @IsMinorUnits(0)
  MoralDamage?: number;

  @ApiPropertyOptional({ type: 'integer', description: MINOR_UNITS, minimum: 0 })
  @IsOptional()
  @IsMinorUnits(0)
  LegalCosts?: number;

  @ApiPropertyOptional({ type: 'integer', description: MINOR_UNITS, minimum: 0 })
  @IsOptional()
  @IsMinorUnits(0)
  Other?: number;
}

export class ClaimFiledPersonalDto extends FreeTextDto {
  @ApiPropertyOptional({
    description:
      'Why the claim is filed after its deadline; required then (personal data: encrypted, erasable)',
    maxLength: MAX_TEXT,
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  lateFilingReason?: string;
}

export class FileClaimDto extends CommandDto {
  @ApiProperty({ enum: REMEDY_AVENUES })
  @IsIn(REMEDY_AVENUES)
  avenue!: RemedyAvenue;

  @ApiProperty({ enum: CLAIM_RESPONDENT_KINDS })
  @IsIn(CLAIM_RESPONDENT_KINDS)
  respondentKind!: ClaimRespondentKind;

  @ApiProperty({
    enum: CURRENCY_CODES,
    description: 'ISO 4217; every amount of the claim is in it',
  })
  @IsIn(CURRENCY_CODES)
  currency!: CurrencyCode;

  @ApiProperty({ type: () => ClaimAmountsDto, description: 'At least one amount above 0' })
  @Nested(() => ClaimAmountsDto)
  claimed!: ClaimAmountsDto;

  @ApiPropertyOptional({ description: 'Defaults to today; never after today' })
  @IsOptional()
  @IsCalendarDate()
  filedOn?: string;

  @ApiPropertyOptional({ description: 'Limitation or filing deadline' })
  @IsOptional()
  @IsCalendarDate()
  filingDeadline?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The remedy (POST /remedies) it pursues' })
  @IsOptional()
  @IsUUID()
  remedyId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "User id of the claimant's legal representative",
  })
  @IsOptional()
  @IsUUID()
  legalRepresentativeId?: string;

  @ApiPropertyOptional({ type: () => ClaimFiledPersonalDto })
  @IsOptional()
  @Nested(() => ClaimFiledPersonalDto)
  personal?: ClaimFiledPersonalDto;
}

export class ClaimLegalRepresentativeDto extends CommandDto {
  @ApiProperty({ format: 'uuid', description: "User id of the claimant's legal representative" })
  @IsUUID()
  legalRepresentativeId!: string;
}

export class ScheduleHearingDto extends FreeTextCommandDto {
  @ApiProperty({ description: 'The hearing date (may be in the future)' })
  @IsCalendarDate()
  hearingOn!: string;
}

export class DecideClaimDto extends FreeTextCommandDto {
  @ApiProperty({ enum: CLAIM_DECISION_OUTCOMES })
  @IsIn(CLAIM_DECISION_OUTCOMES)
  outcome!: ClaimDecisionOutcome;

  @ApiProperty({ type: () => ClaimAmountsDto, description: 'Empty when rejected' })
  @Nested(() => ClaimAmountsDto)
  awarded!: ClaimAmountsDto;

  @ApiProperty({ enum: CURRENCY_CODES, description: "Must be the claim's currency" })
  @IsIn(CURRENCY_CODES)
  currency!: CurrencyCode;

  @ApiPropertyOptional({ description: 'Defaults to today; never after today' })
  @IsOptional()
  @IsCalendarDate()
  decidedOn?: string;

  @ApiPropertyOptional({ description: 'When the award is due (only with an award)' })
  @IsOptional()
  @IsCalendarDate()
  paymentDueOn?: string;
}

export class AppealClaimDto extends FreeTextCommandDto {
  @ApiProperty({ enum: CLAIM_APPELLANTS })
  @IsIn(CLAIM_APPELLANTS)
  appealedBy!: ClaimAppellant;

  @ApiPropertyOptional({ description: 'Defaults to today; never after today' })
  @IsOptional()
  @IsCalendarDate()
  appealedOn?: string;
}

export class MarkClaimFinalDto extends CommandDto {
  @ApiPropertyOptional({ description: 'Defaults to today; never after today' })
  @IsOptional()
  @IsCalendarDate()
  finalOn?: string;
}

export class ClaimPaymentPersonalDto extends FreeTextDto {
  @ApiPropertyOptional({
    description:
      'Why the total paid exceeds the award; required then (personal data: encrypted, erasable)',
    maxLength: MAX_TEXT,
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  aboveAwardReason?: string;
}

export class RecordPaymentDto extends CommandDto {
  @ApiProperty({
    type: 'integer',
    description: 'Integer minor units of `currency`, as received',
    minimum: 1,
  })
  @IsMinorUnits(1)
  amount!: number;

  @ApiProperty({
    enum: CURRENCY_CODES,
    description: "ISO 4217; another than the claim's needs a rate",
  })
  @IsIn(CURRENCY_CODES)
  currency!: CurrencyCode;

  @ApiPropertyOptional({
    description:
      'Claim-currency units per unit of `currency`, as a decimal string (only for another currency)',
    example: '0.9215',
    pattern: '^\\d{1,12}(\\.\\d{1,12})?$',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,12}(\.\d{1,12})?$/, { message: 'exchangeRate must be a decimal string' })
  exchangeRate?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      "The amount in the claim's currency (minor units): round half up of amount × rate, adjusted for the currencies' minor units",
    minimum: 1,
  })
  @IsOptional()
  @IsMinorUnits(1)
  convertedAmount?: number;

  @ApiPropertyOptional({ description: 'Defaults to today; never after today' })
  @IsOptional()
  @IsCalendarDate()
  receivedOn?: string;

  @ApiPropertyOptional({ description: 'When the next instalment is due' })
  @IsOptional()
  @IsCalendarDate()
  nextPaymentDueOn?: string;

  @ApiPropertyOptional({ type: () => ClaimPaymentPersonalDto })
  @IsOptional()
  @Nested(() => ClaimPaymentPersonalDto)
  personal?: ClaimPaymentPersonalDto;
}

export class StartEnforcementDto extends FreeTextCommandDto {
  @ApiPropertyOptional({ description: 'Defaults to today; never after today' })
  @IsOptional()
  @IsCalendarDate()
  startedOn?: string;
}

export class CloseClaimDto extends FreeTextCommandDto {
  @ApiProperty({ enum: CLAIM_CLOSURE_OUTCOMES })
  @IsIn(CLAIM_CLOSURE_OUTCOMES)
  outcome!: ClaimClosureOutcome;

  @ApiPropertyOptional({ description: 'Defaults to today; never after today' })
  @IsOptional()
  @IsCalendarDate()
  closedOn?: string;
}
