import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@remedy/auth';
import type { AuditOutcome, AuditRecord } from './audit-entry';
import type { AuditPage } from './audit-trail';

/**
 * The access history's answer as the OpenAPI document describes it. The trail's own types
 * (`AuditRecord`, `AuditPage`) are what it stores and pages; these classes implement them, and
 * the compiler checks they name the same fields (`SameKeys`), so the two cannot drift.
 */
export class AuditRecordView implements AuditRecord {
  @ApiProperty({ pattern: '^\\d{1,19}$', description: 'Position in the trail' })
  readonly auditId!: string;

  @ApiProperty({ format: 'date-time' })
  readonly recordedAt!: string;

  @ApiProperty({ description: "The request id (the command's events carry it as correlationId)" })
  readonly requestId!: string;

  @ApiProperty({ format: 'uuid' })
  readonly userId!: string;

  @ApiProperty({ format: 'uuid' })
  readonly organisationId!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  readonly roles!: readonly Role[];

  @ApiProperty({ example: 'GET' })
  readonly method!: string;

  @ApiProperty({ description: 'The route template', example: '/cases/:caseId/timeline' })
  readonly route!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  readonly caseId!: string | null;

  @ApiProperty({ type: [String], description: 'Other cases the answer named (uuids)' })
  readonly caseIds!: readonly string[];

  @ApiProperty({ type: 'integer', example: 200 })
  readonly status!: number;

  @ApiProperty({ enum: ['allowed', 'denied', 'failed'] })
  readonly outcome!: AuditOutcome;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The refusal rule id or kind (NOT_FOUND, FORBIDDEN, ...)',
  })
  readonly rule!: string | null;
}

export class AuditPageView implements AuditPage {
  @ApiProperty({ type: [AuditRecordView] })
  readonly items!: readonly AuditRecordView[];

  @ApiProperty({
    type: String,
    pattern: '^\\d{1,19}$',
    nullable: true,
    description: 'Pass as `before` for the next (older) page; null on the last page',
  })
  readonly nextBefore!: string | null;
}

type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never]
  ? true
  : false;
type Assert<T extends true> = T;
export type AuditViewsAreComplete = Assert<
  SameKeys<AuditRecordView, AuditRecord> | SameKeys<AuditPageView, AuditPage>
>;
