import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import {
  DATE_TIME,
  NULLABLE_DATE_TIME,
  NULLABLE_UUID,
  OPEN_OBJECT,
  UUID,
  listOf,
  CASE_REFERENCE,
} from '@remedy/http';
import { AuditRecordView } from '@remedy/audit';
import type { CaseState } from '@remedy/case-domain';
import { CaseDetail, PersonalViewDto, ReferralRecord } from '@remedy/case-read-models';
import type { PersonalView } from '@remedy/case-stream';
import { ClaimView, CurrencyTotals } from '@remedy/legal-aid';
import {
  MAX_RETENTION_YEARS,
  MIN_RETENTION_YEARS,
  type RetentionSchedule,
} from './retention/schedule';

/**
 * The person's access-request export as classes: the exporter builds them and the OpenAPI
 * document describes them (one declaration). The case, claims and access history are the
 * classes their own read APIs answer.
 */

export const ACCESS_REQUEST_FORMAT = 'remedy-access-request/v1';

/** One event of the case's stream as held: readable facts, who and when, the personal part opened. */
export class ExportedEvent {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Revision of the event' })
  readonly revision!: number;

  @ApiProperty({ example: 'CaseOpened' })
  readonly type!: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  readonly schemaVersion!: number;

  @ApiProperty(DATE_TIME)
  readonly occurredAt!: string;

  @ApiProperty(DATE_TIME)
  readonly recordedAt!: string;

  /** The acting user and organisation (opaque ids), from the event's metadata. */
  @ApiProperty({ type: String, nullable: true, description: 'Opaque id of the acting user' })
  readonly actorId!: string | null;

  @ApiProperty(NULLABLE_UUID)
  readonly actorOrganisationId!: string | null;

  /** The event's readable facts (its personal part removed). */
  @ApiProperty({ ...OPEN_OBJECT, description: "The event's readable facts" })
  readonly facts!: Record<string, unknown>;

  /** The personal part, decrypted; `{ erased: true }` after erasure. Absent when the event has none. */
  @ApiPropertyOptional({ type: PersonalViewDto, description: 'Absent when the event has none' })
  readonly personal?: PersonalView;
}

export class ExportedReferral extends ReferralRecord {
  @ApiProperty({ description: "The person's consent to the referral is live" })
  readonly consentLive!: boolean;
}

/**
 * Everything Remedy holds on the person of one case, for the holding organisation's supervisor to
 * hand over. Built on request from the stream, the read models and the audit trail; never stored.
 */
@ApiExtraModels(CaseDetail)
export class AccessRequestExport {
  @ApiProperty({ enum: [ACCESS_REQUEST_FORMAT] })
  readonly format!: typeof ACCESS_REQUEST_FORMAT;

  @ApiProperty(DATE_TIME)
  readonly exportedAt!: string;

  @ApiProperty(UUID)
  readonly caseId!: string;

  @ApiProperty(CASE_REFERENCE)
  readonly reference!: string;

  @ApiProperty(UUID)
  readonly holdingOrganisationId!: string;

  @ApiProperty()
  readonly erased!: boolean;

  /** Always false: the export is answered, never kept (nothing to scrub after an erasure). */
  @ApiProperty({ enum: [false], description: 'Always false: the export is never kept' })
  readonly stored!: false;

  /** The case as the read model holds it: readable facts and decrypted personal fields. */
  // OpenAPI 3.0 has no nullable `$ref`: one of the case detail or null.
  @ApiProperty({
    oneOf: [{ $ref: getSchemaPath(CaseDetail) }, { type: 'object', nullable: true, enum: [null] }],
  })
  readonly case!: CaseDetail | null;

  /** The readable facts folded from the whole stream (consents, referrals, claims, guardians...). */
  @ApiProperty({ ...OPEN_OBJECT, description: 'The readable facts folded from the whole stream' })
  readonly facts!: CaseState;

  /** Every event of the case, oldest first: the full record (timeline, corrections, decisions...). */
  @ApiProperty({ type: [ExportedEvent], description: 'Every event of the case, oldest first' })
  readonly events!: readonly ExportedEvent[];

  @ApiProperty(listOf(ExportedEvent))
  readonly notes!: readonly ExportedEvent[];

  @ApiProperty(listOf(ExportedEvent))
  readonly consents!: readonly ExportedEvent[];

  @ApiProperty(listOf(ExportedReferral))
  readonly referrals!: readonly ExportedReferral[];

  /** Compensation claims with their events' free text decrypted, and totals per currency. */
  @ApiProperty(listOf(ClaimView))
  readonly claims!: readonly ClaimView[];

  @ApiProperty(listOf(CurrencyTotals))
  readonly claimTotals!: readonly CurrencyTotals[];

  /** Every audited request that named the case (who read or acted on it, or tried), newest first. */
  @ApiProperty({ type: [AuditRecordView], description: 'Newest first' })
  readonly accessHistory!: readonly AuditRecordView[];
}

/** An organisation's retention schedule (GET; ETag = revision). */
export class RetentionScheduleView implements RetentionSchedule {
  @ApiProperty(UUID)
  readonly organisationId!: string;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: MIN_RETENTION_YEARS,
    maximum: MAX_RETENTION_YEARS,
    description: 'Whole years after closure; null: no automatic erasure',
  })
  readonly erasePersonalDataYearsAfterClosure!: number | null;

  @ApiProperty({
    type: 'integer',
    minimum: -1,
    description: 'Revision of the schedule stream (the ETag); -1 when never set',
  })
  readonly revision!: number;

  @ApiProperty({ type: String, nullable: true, description: 'Opaque id of the user who set it' })
  readonly setBy!: string | null;

  @ApiProperty(NULLABLE_DATE_TIME)
  readonly setAt!: string | null;
}

/** The schedule as set (PUT): and the write's global position (also X-Position). */
export class RetentionScheduleSet extends RetentionScheduleView {
  @ApiProperty({ pattern: '^(-1|\\d{1,20})\\.(-1|\\d{1,20})$' })
  readonly position!: string;
}
