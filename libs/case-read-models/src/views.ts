import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  DATE_TIME,
  NULLABLE_DATE,
  NULLABLE_DATE_TIME,
  OPEN_OBJECT,
  UUID,
  listOf,
  CASE_REFERENCE,
} from '@remedy/http';
import { VICTIM_STATUSES, type CaseState } from '@remedy/case-domain';
import type { PersonalView } from '@remedy/case-stream';

/**
 * What the case read API answers, as classes: the queries return them (TypeScript checks every
 * field the queries build against these declarations) and the OpenAPI document describes them
 * (`@ApiProperty`), so the document and the answers cannot drift. A revision is an integer
 * everywhere (as the command answers and the ETag give it).
 */

export const LIFECYCLE_STATUSES = ['open', 'closure_requested', 'closed'] as const;
export const IDENTIFICATION_STATUSES = [...VICTIM_STATUSES, 'not_identified'] as const;
export const REFERRAL_STATUSES = [
  'pending',
  'accepted',
  'declined',
  'completed',
  'revoked',
] as const;

/** Free-form JSON object (readable facts, folded state): described as an open object. */

/** A personal part: the decrypted value, or `{ erased: true }` once crypto-shredded. */
export class PersonalViewDto {
  @ApiProperty({ description: 'True once the personal data was erased (no value then)' })
  readonly erased!: boolean;

  @ApiPropertyOptional({ ...OPEN_OBJECT, description: 'The decrypted fields (absent when erased)' })
  readonly value?: unknown;
}

const revision = (description: string) =>
  ({ type: 'integer', minimum: 0, description, example: 17 }) as const;

/** What the case list and a case's detail both show of a case. */
export class CaseSummary {
  @ApiProperty(UUID)
  readonly caseId!: string;

  @ApiProperty(CASE_REFERENCE)
  readonly reference!: string;

  @ApiProperty({ enum: LIFECYCLE_STATUSES })
  readonly status!: (typeof LIFECYCLE_STATUSES)[number];

  @ApiProperty({ enum: IDENTIFICATION_STATUSES })
  readonly identificationStatus!: string;

  @ApiProperty({ type: Boolean, nullable: true })
  readonly childAtOpening!: boolean | null;

  @ApiProperty({ type: Boolean, nullable: true })
  readonly childAtIdentification!: boolean | null;

  /** Computed now, in the jurisdiction's time zone, with the decider's own rule (see age.ts). */
  @ApiProperty({ description: "A child today, in the jurisdiction's time zone" })
  readonly childNow!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Opaque id of the caseworker' })
  readonly assignedCaseworkerId!: string | null;

  @ApiProperty({ type: 'integer', minimum: 0 })
  readonly openReferrals!: number;

  @ApiProperty(NULLABLE_DATE)
  readonly nextDeadline!: string | null;

  @ApiProperty(DATE_TIME)
  readonly lastActivity!: string;
}

export class CaseListItem extends CaseSummary {
  @ApiProperty(revision('Revision of the last event of the case stream'))
  readonly lastRevision!: number;
}

/** Pass `nextCursor` as `cursor` for the next page; null on the last page. */
const NEXT_CURSOR = {
  type: String,
  nullable: true,
  description: 'Pass as `cursor` for the next page; null on the last page',
} as const;

export class CaseListPage {
  @ApiProperty(listOf(CaseListItem))
  readonly items!: readonly CaseListItem[];

  @ApiProperty(NEXT_CURSOR)
  readonly nextCursor!: string | null;
}

export class CaseDetail extends CaseSummary {
  @ApiProperty({ format: 'uuid', description: 'The holding organisation' })
  readonly organisationId!: string;

  @ApiProperty()
  readonly presumedMinor!: boolean;

  @ApiProperty(NULLABLE_DATE)
  readonly reflectionPeriodEndsOn!: string | null;

  /** Decisions requested for a child that still lack a best-interests assessment (adults: none). */
  @ApiProperty({
    type: [String],
    description: 'Decisions requested for a child that still lack a best-interests assessment',
  })
  readonly bestInterestsPending!: readonly string[];

  @ApiProperty()
  readonly erased!: boolean;

  @ApiProperty(DATE_TIME)
  readonly openedAt!: string;

  @ApiProperty(revision('Revision of the last event of the case stream (the ETag, quoted)'))
  readonly revision!: number;

  /** Readable facts (profile, identification, consents, referrals, guardians, ...). */
  @ApiProperty({
    ...OPEN_OBJECT,
    description: 'Readable facts (profile, identification, consents, referrals, guardians, ...)',
  })
  readonly facts!: Record<string, unknown>;

  /** Decrypted personal fields by topic; `{ erased: true }` after erasure. */
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/PersonalViewDto' },
    description: 'Decrypted personal fields by topic; `{ erased: true }` after erasure',
  })
  readonly personal!: Record<string, PersonalView>;
}

export class TimelineEntry {
  @ApiProperty(revision('Revision of the event in the case stream'))
  readonly revision!: number;

  @ApiProperty({ description: 'The event type', example: 'CaseOpened' })
  readonly type!: string;

  @ApiProperty(DATE_TIME)
  readonly occurredAt!: string;

  @ApiProperty(DATE_TIME)
  readonly recordedAt!: string;

  @ApiProperty({ description: 'Opaque id of the user who recorded it' })
  readonly actorId!: string;

  @ApiProperty(UUID)
  readonly organisationId!: string;

  @ApiProperty({ ...OPEN_OBJECT, description: 'The readable facts of the event' })
  readonly facts!: Record<string, unknown>;

  @ApiPropertyOptional({ type: PersonalViewDto, description: 'Events with a personal part only' })
  readonly personal?: PersonalView;
}

export class TimelinePage {
  @ApiProperty(listOf(TimelineEntry))
  readonly items!: TimelineEntry[];

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    nullable: true,
    description: 'Pass as `afterRevision` for the next page; null on the last page',
  })
  readonly nextAfterRevision!: number | null;
}

/** What every view of a referral shows (the referral list, the access-request export). */
export class ReferralRecord {
  @ApiProperty(UUID)
  readonly referralId!: string;

  @ApiProperty({ enum: REFERRAL_STATUSES })
  readonly status!: string;

  @ApiProperty({ description: 'The assistance type referred for (code list)' })
  readonly service!: string;

  @ApiProperty(DATE_TIME)
  readonly referredAt!: string;

  @ApiProperty(DATE_TIME)
  readonly recordedAt!: string;

  @ApiProperty(NULLABLE_DATE_TIME)
  readonly answeredAt!: string | null;

  @ApiProperty(NULLABLE_DATE_TIME)
  readonly closedAt!: string | null;

  @ApiProperty(UUID)
  readonly fromOrganisationId!: string;

  @ApiProperty(UUID)
  readonly toOrganisationId!: string;
}

export class ReferralView extends ReferralRecord {
  @ApiProperty({ enum: ['in', 'out'] })
  readonly direction!: 'in' | 'out';

  /** For the receiving organisation: only while the person's consent to the referral is live. */
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: "For the receiving organisation: only while the person's consent is live",
  })
  readonly caseId!: string | null;

  /** The referring organisation's own reference: never shown to the receiving organisation. */
  @ApiPropertyOptional({ description: 'Direction `out` only: the case reference' })
  readonly caseReference?: string;
}

export class ReferralPage {
  @ApiProperty(listOf(ReferralView))
  readonly items!: readonly ReferralView[];

  @ApiProperty(NEXT_CURSOR)
  readonly nextCursor!: string | null;
}

export class CaseAsOf {
  @ApiProperty(UUID)
  readonly caseId!: string;

  @ApiProperty(DATE_TIME)
  readonly recordedAt!: string;

  /** Revision of the last event recorded by then (null when the case did not exist yet). */
  @ApiProperty({
    ...revision('Revision of the last event recorded by then'),
    nullable: true,
    description: 'Revision of the last event recorded by then (null: the case did not exist yet)',
  })
  readonly revision!: number | null;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Events recorded by then' })
  readonly events!: number;

  /** The domain state folded from the events recorded by then (readable facts only). */
  @ApiProperty({
    ...OPEN_OBJECT,
    description: 'The domain state folded from the events recorded by then (readable facts only)',
  })
  readonly state!: CaseState;
}
