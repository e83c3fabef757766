import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  CLAIM_APPELLANTS,
  CLAIM_CLOSURE_OUTCOMES,
  CLAIM_DECISION_OUTCOMES,
  CLAIM_RESPONDENT_KINDS,
  CURRENCY_CODES,
  REMEDY_AVENUES,
  type AppealClaim,
  type ClaimAppellant,
  type ClaimClosureOutcome,
  type ClaimDecisionOutcome,
  type ClaimRespondentKind,
  type CloseClaim,
  type CurrencyCode,
  type DecideClaim,
  type FileCompensationClaim,
  type MarkClaimDecisionFinal,
  type RecordClaimLegalRepresentative,
  type RecordClaimPayment,
  type RemedyAvenue,
  type ScheduleClaimHearing,
  type StartClaimEnforcement,
} from '@remedy/case-domain';
import { stacked } from '@remedy/http';
import type { CommandBody } from '../command-body';
import { CommandDto, FreeTextCommandDto, FreeTextDto } from './common.dto';
import {
  Code,
  DateField,
  IdField,
  Part,
  PersonalPart,
  PersonalText,
  field,
  type FieldOptions,
} from './fields';

/**
 * Compensation claims (rule 5) under `/cases/:caseId/claims`. Amounts are integer minor units of an
 * ISO 4217 currency (EUR 12.34 = 1234), never decimals. Dates are calendar dates in the
 * jurisdiction's time zone; dates of what has happened default to today.
 */

const MINOR_UNITS = 'Integer minor units of the claim currency (e.g. cents)';
const UP_TO_TODAY = 'Defaults to today; never after today';
const LEGAL_REPRESENTATIVE = "User id of the claimant's legal representative";

/**
 * A minor-unit amount: an integer ≥ `minimum`, at most the largest exact JSON integer (its reasons
 * in the order amounts have always given them: integer, then the range).
 */
const MinorUnits = ({ minimum, ...options }: FieldOptions & { readonly minimum: number }) =>
  stacked(
    ...field({ type: 'integer', minimum, ...options }),
    Max(Number.MAX_SAFE_INTEGER),
    Min(minimum),
    IsInt(),
  );

/** The date of something that has happened: optional, defaults to today, never after today. */
const HappenedOn = () => DateField({ optional: true, description: UP_TO_TODAY });

/** An amount of one head of damage (absent: none). */
const Head = (options: FieldOptions = {}) =>
  MinorUnits({ optional: true, description: MINOR_UNITS, minimum: 0, ...options });

/** Amounts by head of damage (absent heads: none). */
export class ClaimAmountsDto {
  @Head({ example: 1_200_000 })
  UnpaidWages?: number;

  @Head()
  MaterialDamage?: number;

  @Head()
  MoralDamage?: number;

  @Head()
  LegalCosts?: number;

  @Head()
  Other?: number;
}

export class ClaimFiledPersonalDto extends FreeTextDto {
  @PersonalText({
    optional: true,
    description:
      'Why the claim is filed after its deadline; required then (personal data: encrypted, erasable)',
  })
  lateFilingReason?: string;
}

export class FileClaimDto
  extends CommandDto
  implements CommandBody<FileCompensationClaim, 'claimId'>
{
  @Code(REMEDY_AVENUES)
  avenue!: RemedyAvenue;

  @Code(CLAIM_RESPONDENT_KINDS)
  respondentKind!: ClaimRespondentKind;

  @Code(CURRENCY_CODES, { description: 'ISO 4217; every amount of the claim is in it' })
  currency!: CurrencyCode;

  @Part(() => ClaimAmountsDto, { description: 'At least one amount above 0' })
  claimed!: ClaimAmountsDto;

  @HappenedOn()
  filedOn?: string;

  @DateField({ optional: true, description: 'Limitation or filing deadline' })
  filingDeadline?: string;

  @IdField({ optional: true, description: 'The remedy (POST /remedies) it pursues' })
  remedyId?: string;

  @IdField({ optional: true, description: LEGAL_REPRESENTATIVE })
  legalRepresentativeId?: string;

  @PersonalPart(() => ClaimFiledPersonalDto)
  personal!: ClaimFiledPersonalDto;
}

export class ClaimLegalRepresentativeDto
  extends CommandDto
  implements CommandBody<RecordClaimLegalRepresentative, 'claimId'>
{
  @IdField({ description: LEGAL_REPRESENTATIVE })
  legalRepresentativeId!: string;
}

export class ScheduleHearingDto
  extends FreeTextCommandDto
  implements CommandBody<ScheduleClaimHearing, 'claimId' | 'hearingId'>
{
  @DateField({ description: 'The hearing date (may be in the future)' })
  hearingOn!: string;
}

export class DecideClaimDto
  extends FreeTextCommandDto
  implements CommandBody<DecideClaim, 'claimId'>
{
  @Code(CLAIM_DECISION_OUTCOMES)
  outcome!: ClaimDecisionOutcome;

  @Part(() => ClaimAmountsDto, { description: 'Empty when rejected' })
  awarded!: ClaimAmountsDto;

  @Code(CURRENCY_CODES, { description: "Must be the claim's currency" })
  currency!: CurrencyCode;

  @HappenedOn()
  decidedOn?: string;

  @DateField({ optional: true, description: 'When the award is due (only with an award)' })
  paymentDueOn?: string;
}

export class AppealClaimDto
  extends FreeTextCommandDto
  implements CommandBody<AppealClaim, 'claimId'>
{
  @Code(CLAIM_APPELLANTS)
  appealedBy!: ClaimAppellant;

  @HappenedOn()
  appealedOn?: string;
}

export class MarkClaimFinalDto
  extends CommandDto
  implements CommandBody<MarkClaimDecisionFinal, 'claimId'>
{
  @HappenedOn()
  finalOn?: string;
}

export class ClaimPaymentPersonalDto extends FreeTextDto {
  @PersonalText({
    optional: true,
    description:
      'Why the total paid exceeds the award; required then (personal data: encrypted, erasable)',
  })
  aboveAwardReason?: string;
}

export class RecordPaymentDto
  extends CommandDto
  implements CommandBody<RecordClaimPayment, 'claimId' | 'paymentId'>
{
  @MinorUnits({ description: 'Integer minor units of `currency`, as received', minimum: 1 })
  amount!: number;

  @Code(CURRENCY_CODES, { description: "ISO 4217; another than the claim's needs a rate" })
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

  @MinorUnits({
    optional: true,
    description:
      "The amount in the claim's currency (minor units): round half up of amount × rate, adjusted for the currencies' minor units",
    minimum: 1,
  })
  convertedAmount?: number;

  @HappenedOn()
  receivedOn?: string;

  @DateField({ optional: true, description: 'When the next instalment is due' })
  nextPaymentDueOn?: string;

  @PersonalPart(() => ClaimPaymentPersonalDto)
  personal!: ClaimPaymentPersonalDto;
}

export class StartEnforcementDto
  extends FreeTextCommandDto
  implements CommandBody<StartClaimEnforcement, 'claimId'>
{
  @HappenedOn()
  startedOn?: string;
}

export class CloseClaimDto
  extends FreeTextCommandDto
  implements CommandBody<CloseClaim, 'claimId'>
{
  @Code(CLAIM_CLOSURE_OUTCOMES)
  outcome!: ClaimClosureOutcome;

  @HappenedOn()
  closedOn?: string;
}
