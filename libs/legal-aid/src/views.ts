import type { Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  getSchemaPath,
  IntersectionType,
  PickType,
} from '@nestjs/swagger';
import {
  DATE,
  DATE_TIME,
  NULLABLE_DATE,
  NULLABLE_UUID,
  OPEN_OBJECT,
  UUID,
  listOf,
  CASE_REFERENCE,
} from '@remedy/http';
import {
  AGE_CATEGORIES,
  CLAIM_APPELLANTS,
  CLAIM_CLOSURE_OUTCOMES,
  CLAIM_DECISION_OUTCOMES,
  CLAIM_INSTANCES,
  CLAIM_STATUSES,
  REMEDY_AVENUES,
} from '@remedy/case-domain';

/**
 * What the legal-aid read API answers, as classes: the projections store the nested values, the
 * queries build the views, and the OpenAPI document describes them (`@ApiProperty`): one
 * declaration, so the document and the answers cannot drift. Amounts are integer minor units of
 * the claim's `currency` (ISO 4217); a revision is an integer.
 */

const CURRENCY = { pattern: '^[A-Z]{3}$', description: 'ISO 4217', example: 'EUR' } as const;
const MINOR_UNITS = (description?: string) =>
  ({
    type: 'integer',
    description: description ?? 'Integer minor units',
    example: 150000,
  }) as const;
const AMOUNTS_BY_HEAD = {
  type: 'object',
  additionalProperties: { type: 'integer' },
  description: 'Integer minor units per head of damage',
} as const;
const REACHES = ['holder', 'legal_aid'] as const;

/**
 * A nested view or null. OpenAPI 3.0 has no nullable `$ref` (`nullable` beside `allOf` does not
 * make the referenced object accept null): one of the view or `null`.
 */
const orNull = (view: Type<unknown>, description?: string) => ({
  oneOf: [{ $ref: getSchemaPath(view) }, { type: 'object', nullable: true, enum: [null] }],
  ...(description !== undefined ? { description } : {}),
});

/** Age group for statistics (as in the case events). */
export class AgeGroupValue {
  @ApiProperty({ enum: AGE_CATEGORIES })
  readonly category!: string;

  @ApiPropertyOptional({ example: '25-29' })
  readonly bracket?: string;
}

export class NonPunishmentFlagValue {
  @ApiProperty(UUID)
  readonly flagId!: string;

  @ApiProperty({ enum: ['raised', 'resolved'] })
  readonly status!: 'raised' | 'resolved';

  @ApiPropertyOptional()
  readonly resolution?: string;

  @ApiProperty(DATE_TIME)
  readonly raisedAt!: string;

  @ApiPropertyOptional(DATE_TIME)
  readonly resolvedAt?: string;
}

export class RemedyValue {
  @ApiProperty(UUID)
  readonly remedyId!: string;

  @ApiProperty()
  readonly remedyType!: string;

  @ApiProperty({ enum: REMEDY_AVENUES })
  readonly avenue!: string;

  @ApiProperty(DATE_TIME)
  readonly soughtAt!: string;
}

export const CLAIM_DEADLINE_KINDS = ['filing_deadline', 'hearing', 'payment_due'] as const;
export type ClaimDeadlineKind = (typeof CLAIM_DEADLINE_KINDS)[number];

/** A date the claim's lawyer must act by (kept while it is pending; dates past are filtered at query time). */
export class ClaimDeadline {
  @ApiProperty({ enum: CLAIM_DEADLINE_KINDS })
  readonly kind!: ClaimDeadlineKind;

  /** The claim (filing deadline, payment due) or the hearing id. */
  @ApiProperty({
    format: 'uuid',
    description: 'The claim (filing deadline, payment due) or the hearing',
  })
  readonly subjectId!: string;

  @ApiProperty(DATE)
  readonly dueOn!: string;
}

export class ClaimDecisionValue {
  @ApiProperty({ enum: CLAIM_INSTANCES })
  readonly instance!: string;

  @ApiProperty({ enum: CLAIM_DECISION_OUTCOMES })
  readonly outcome!: string;

  @ApiProperty(AMOUNTS_BY_HEAD)
  readonly awarded!: Record<string, number>;

  @ApiProperty(MINOR_UNITS())
  readonly awardedTotal!: number;

  @ApiProperty(DATE)
  readonly decidedOn!: string;

  @ApiPropertyOptional(DATE)
  readonly paymentDueOn?: string;
}

export class ClaimPaymentOriginal {
  @ApiProperty(MINOR_UNITS('Integer minor units of the currency paid in'))
  readonly amount!: number;

  @ApiProperty(CURRENCY)
  readonly currency!: string;

  @ApiProperty({ description: 'Decimal rate, as given', example: '1.0825' })
  readonly exchangeRate!: string;
}

export class ClaimPaymentValue {
  @ApiProperty(UUID)
  readonly paymentId!: string;

  @ApiProperty(DATE)
  readonly receivedOn!: string;

  /** In the claim's currency. */
  @ApiProperty(MINOR_UNITS("Integer minor units of the claim's currency"))
  readonly amount!: number;

  @ApiPropertyOptional({ type: ClaimPaymentOriginal, description: 'Paid in another currency' })
  readonly original?: ClaimPaymentOriginal;

  @ApiProperty()
  readonly aboveAward!: boolean;
}

export class ClaimAppealValue {
  @ApiProperty({ enum: CLAIM_APPELLANTS })
  readonly appealedBy!: string;

  @ApiProperty(DATE)
  readonly appealedOn!: string;
}

export class ClaimHearingValue {
  @ApiProperty(UUID)
  readonly hearingId!: string;

  @ApiProperty(DATE)
  readonly hearingOn!: string;
}

export class ClaimAmounts {
  @ApiProperty(AMOUNTS_BY_HEAD)
  readonly byHead!: Record<string, number>;

  @ApiProperty(MINOR_UNITS())
  readonly total!: number;
}

export class ClaimClosure {
  @ApiProperty({ enum: CLAIM_CLOSURE_OUTCOMES })
  readonly outcome!: string;

  @ApiProperty(DATE)
  readonly closedOn!: string;
}

/** The free text of one claim event, decrypted; `{ erased: true }` (no value) after erasure. */
export class ClaimText {
  @ApiProperty({ example: 'CompensationClaimFiled' })
  readonly eventType!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Revision of the event' })
  readonly revision!: number;

  @ApiProperty()
  readonly erased!: boolean;

  @ApiPropertyOptional(OPEN_OBJECT)
  readonly value?: unknown;
}

/** Everything recorded of a claim (amounts in integer minor units of `currency`). */
@ApiExtraModels(ClaimAmounts, ClaimClosure, ClaimDeadline)
export class ClaimView {
  @ApiProperty(UUID)
  readonly claimId!: string;

  @ApiProperty(UUID)
  readonly caseId!: string;

  @ApiProperty(NULLABLE_UUID)
  readonly remedyId!: string | null;

  @ApiProperty({ enum: REMEDY_AVENUES })
  readonly avenue!: string;

  @ApiProperty()
  readonly respondentKind!: string;

  @ApiProperty(CURRENCY)
  readonly currency!: string;

  @ApiProperty({ enum: CLAIM_STATUSES })
  readonly status!: string;

  @ApiProperty({ type: ClaimAmounts })
  readonly claimed!: ClaimAmounts;

  /** The standing award (latest decision); null until decided. */
  @ApiProperty(orNull(ClaimAmounts, 'null until decided'))
  readonly awarded!: ClaimAmounts | null;

  @ApiProperty(MINOR_UNITS())
  readonly paid!: number;

  @ApiProperty(MINOR_UNITS('max(awarded − paid, 0)'))
  readonly outstanding!: number;

  @ApiProperty(DATE)
  readonly filedOn!: string;

  @ApiProperty(NULLABLE_DATE)
  readonly filingDeadline!: string | null;

  @ApiProperty()
  readonly filedLate!: boolean;

  @ApiProperty(listOf(ClaimDecisionValue))
  readonly decisions!: readonly ClaimDecisionValue[];

  @ApiProperty(listOf(ClaimAppealValue))
  readonly appeals!: readonly ClaimAppealValue[];

  @ApiProperty(NULLABLE_DATE)
  readonly finalOn!: string | null;

  @ApiProperty(listOf(ClaimHearingValue))
  readonly hearings!: readonly ClaimHearingValue[];

  @ApiProperty(listOf(ClaimPaymentValue))
  readonly payments!: readonly ClaimPaymentValue[];

  @ApiProperty(NULLABLE_DATE)
  readonly paymentDueOn!: string | null;

  /** A payment due date has passed with money still outstanding. */
  @ApiProperty({ description: 'A payment due date has passed with money still outstanding' })
  readonly paymentOverdue!: boolean;

  @ApiProperty(NULLABLE_DATE)
  readonly enforcementStartedOn!: string | null;

  @ApiProperty(orNull(ClaimClosure))
  readonly closure!: ClaimClosure | null;

  @ApiProperty({ type: String, nullable: true, description: 'Opaque user id' })
  readonly legalRepresentativeId!: string | null;

  /** The earliest pending deadline from today on (filing deadline, hearing, payment due). */
  @ApiProperty(orNull(ClaimDeadline))
  readonly nextDeadline!: ClaimDeadline | null;

  /** Free text of the claim's events, decrypted (case view only); `{ erased: true }` after erasure. */
  @ApiPropertyOptional({ type: [ClaimText], description: 'The case view only' })
  readonly texts?: readonly ClaimText[];
}

/** Sums of one currency (never mixed with another). */
export class CurrencyTotals {
  @ApiProperty(CURRENCY)
  readonly currency!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Number of claims' })
  readonly claims!: number;

  @ApiProperty(MINOR_UNITS())
  readonly claimed!: number;

  @ApiProperty(MINOR_UNITS())
  readonly awarded!: number;

  @ApiProperty(MINOR_UNITS())
  readonly paid!: number;

  @ApiProperty(MINOR_UNITS())
  readonly outstanding!: number;
}

/**
 * The only personal fields of the opening a legal-aid lawyer sees: the person's name and contact
 * channels (decrypted in the API; everything else is dropped before the answer is built).
 */
export class LegalAidPersonal {
  @ApiProperty()
  readonly erased!: boolean;

  @ApiPropertyOptional()
  readonly fullName?: string;

  @ApiPropertyOptional(listOf(String))
  readonly contacts?: readonly string[];
}

@ApiExtraModels(AgeGroupValue)
export class LegalAidProfile {
  @ApiProperty({ type: String, nullable: true })
  readonly sexGender!: string | null;

  @ApiProperty(orNull(AgeGroupValue))
  readonly ageGroup!: AgeGroupValue | null;

  @ApiProperty({ type: [String], description: 'ISO 3166-1 alpha-2' })
  readonly citizenships!: readonly string[];

  /** As recorded; the first is the preferred language. */
  @ApiProperty({ type: [String], description: 'As recorded; the first is the preferred' })
  readonly languages!: readonly string[];
}

export class LegalAidIdentification {
  @ApiProperty()
  readonly status!: string;

  @ApiProperty(listOf(String))
  readonly formsOfExploitation!: readonly string[];
}

/** Exactly what a legal-aid lawyer sees of a case (see README "What the view holds"). */
export class LegalAidCaseView {
  @ApiProperty(UUID)
  readonly caseId!: string;

  @ApiProperty(CASE_REFERENCE)
  readonly reference!: string;

  /** How the caller's organisation reaches the case. */
  @ApiProperty({ enum: REACHES, description: "How the caller's organisation reaches the case" })
  readonly access!: (typeof REACHES)[number];

  /** Name and contact channels, decrypted here; `{ erased: true }` after erasure. */
  @ApiProperty({ type: LegalAidPersonal })
  readonly person!: LegalAidPersonal;

  @ApiProperty({ type: LegalAidProfile })
  readonly profile!: LegalAidProfile;

  @ApiProperty({ type: LegalAidIdentification })
  readonly identification!: LegalAidIdentification;

  @ApiProperty(listOf(NonPunishmentFlagValue))
  readonly nonPunishmentFlags!: readonly NonPunishmentFlagValue[];

  @ApiProperty(listOf(RemedyValue))
  readonly remedies!: readonly RemedyValue[];

  /** Every compensation claim of the case, with its events' free text decrypted. */
  @ApiProperty(listOf(ClaimView))
  readonly claims!: readonly ClaimView[];

  /** Totals per currency (never mixed). */
  @ApiProperty(listOf(CurrencyTotals))
  readonly totals!: readonly CurrencyTotals[];

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description:
      "The case stream's revision when read (send it as If-Match); the content is as fresh as the projection (X-Min-Position: your own writes)",
  })
  readonly revision!: number;
}

export class LegalAidCaseSummary {
  @ApiProperty(UUID)
  readonly caseId!: string;

  @ApiProperty(CASE_REFERENCE)
  readonly reference!: string;

  @ApiProperty({ enum: REACHES })
  readonly access!: (typeof REACHES)[number];

  @ApiProperty()
  readonly identificationStatus!: string;
}

export class LegalAidCaseList {
  @ApiProperty(listOf(LegalAidCaseSummary))
  readonly items!: LegalAidCaseSummary[];
}

export class ClaimListItem extends ClaimView {
  @ApiProperty(CASE_REFERENCE)
  readonly reference!: string;
}

export class ClaimList {
  @ApiProperty(listOf(ClaimListItem))
  readonly items!: ClaimListItem[];

  @ApiProperty({ description: 'More claims matched than `limit`' })
  readonly truncated!: boolean;

  @ApiProperty({ type: [CurrencyTotals], description: 'Of every matching claim, per currency' })
  readonly totals!: CurrencyTotals[];
}

export class PortfolioGroup extends CurrencyTotals {
  @ApiProperty({ enum: REMEDY_AVENUES })
  readonly avenue!: string;

  @ApiProperty({ enum: CLAIM_STATUSES })
  readonly status!: string;
}

export class PortfolioByAvenue extends CurrencyTotals {
  @ApiProperty({ enum: REMEDY_AVENUES })
  readonly avenue!: string;
}

export class PortfolioByStatus extends CurrencyTotals {
  @ApiProperty({ enum: CLAIM_STATUSES })
  readonly status!: string;
}

export class Portfolio {
  @ApiProperty(listOf(PortfolioGroup))
  readonly byAvenueAndStatus!: PortfolioGroup[];

  @ApiProperty(listOf(PortfolioByAvenue))
  readonly byAvenue!: PortfolioByAvenue[];

  @ApiProperty(listOf(PortfolioByStatus))
  readonly byStatus!: PortfolioByStatus[];

  @ApiProperty(listOf(CurrencyTotals))
  readonly totals!: CurrencyTotals[];
}

/**
 * A deadline of the deadlines list: the claim's deadline (kind, subject, date) with the claim and
 * case it belongs to, each field declared once, where the claim views declare it.
 */
export class DeadlineItem extends IntersectionType(
  PickType(ClaimListItem, ['caseId', 'reference', 'claimId', 'avenue'] as const),
  ClaimDeadline,
) {
  @ApiProperty({ type: String, nullable: true, description: 'Opaque user id' })
  readonly legalRepresentativeId!: string | null;
}

export class Deadlines {
  @ApiProperty(DATE)
  readonly from!: string;

  @ApiProperty(DATE)
  readonly to!: string;

  @ApiProperty(listOf(DeadlineItem))
  readonly items!: DeadlineItem[];
}

/** Sums of awarded claims in one currency without a reference rate for the year. */
export class UnconvertedSumsView {
  @ApiProperty(CURRENCY)
  readonly currency!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Number of awarded claims' })
  readonly claims!: number;

  @ApiProperty(MINOR_UNITS())
  readonly awarded!: number;

  @ApiProperty(MINOR_UNITS())
  readonly paid!: number;
}

/** Sums of awarded claims converted into the reference currency at the year's rates. */
export class ConvertedSumsView extends UnconvertedSumsView {
  @ApiProperty({
    type: 'number',
    nullable: true,
    description: 'paid / awarded of the converted sums; null when nothing converted was awarded',
  })
  readonly sharePaid!: number | null;
}

/** The outcome figures of one avenue and year (`outcomeFigures`, outcomes.ts, defines each). */
export class OutcomeRowView {
  @ApiProperty({ enum: REMEDY_AVENUES })
  readonly avenue!: string;

  @ApiProperty({ type: 'integer' })
  readonly year!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Claims filed that year' })
  readonly filed!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Claims first decided that year' })
  readonly decided!: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Claims whose standing award (above 0) was decided that year',
  })
  readonly awarded!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  readonly paidInFull!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  readonly paidInPart!: number;

  @ApiProperty({ type: ConvertedSumsView })
  readonly converted!: ConvertedSumsView;

  @ApiProperty(listOf(UnconvertedSumsView))
  readonly unconverted!: readonly UnconvertedSumsView[];
}

export class OutcomeFiguresView {
  @ApiProperty({
    ...CURRENCY,
    type: String,
    nullable: true,
    description: 'ISO 4217; null without rates',
  })
  readonly referenceCurrency!: string | null;

  @ApiProperty(listOf(OutcomeRowView))
  readonly rows!: readonly OutcomeRowView[];
}
