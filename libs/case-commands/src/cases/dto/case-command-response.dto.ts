import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** What every case command answers (`CaseCommandResult` without the ids it created). */
export class CaseCommandOutcomeDto {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Revision of the last event of the case stream (also the ETag, quoted)',
    example: 3,
  })
  revision!: number;

  @ApiProperty({
    pattern: '^(-1|\\d{1,20})\\.(-1|\\d{1,20})$',
    description:
      'Global position of the write (also X-Position); send as X-Min-Position to read your write',
    example: '812.4051',
  })
  position!: string;
}

/**
 * The ids a case command can create, each answered under its own name (as the handlers answer
 * it), with the route that creates it. A route declares the one it creates with
 * `CommandRoute(path, { creates })`: its answer is then `<Id>CreatedResponseDto` (the outcome and
 * that id, required).
 */
export const CREATED_IDS = {
  referralId: 'POST /cases/:caseId/referrals',
  noteId: 'POST /cases/:caseId/notes',
  planId: 'POST /cases/:caseId/support-plans',
  assistanceId: 'POST /cases/:caseId/assistance',
  assessmentId: 'POST /cases/:caseId/best-interests-assessments',
  remedyId: 'POST /cases/:caseId/remedies',
  flagId: 'POST /cases/:caseId/non-punishment-flags',
  claimId: 'POST /cases/:caseId/claims',
  hearingId: 'POST /cases/:caseId/claims/:claimId/hearings',
  paymentId: 'POST /cases/:caseId/claims/:claimId/payments',
  erasureRequestId: 'POST /cases/:caseId/erasure',
  decisionId: 'POST /cases/:caseId/duplicate-decisions',
} as const;
export type CreatedId = keyof typeof CREATED_IDS;

/**
 * The answer of a case command that does not say what it creates: the outcome, the case
 * reference (POST /cases, transfers) and any id of {@link CREATED_IDS}, each optional.
 */
export class CaseCommandResponseDto extends CaseCommandOutcomeDto {
  @ApiPropertyOptional({
    description: 'POST /cases and transfers: the case reference of the (new) holding organisation',
    example: 'ORG-2026-00042',
  })
  caseReference?: string;

  @ApiPropertyOptional({ format: 'uuid', description: CREATED_IDS.referralId })
  referralId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: CREATED_IDS.noteId })
  noteId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: CREATED_IDS.planId })
  planId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: CREATED_IDS.assistanceId })
  assistanceId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: CREATED_IDS.assessmentId })
  assessmentId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: CREATED_IDS.remedyId })
  remedyId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: CREATED_IDS.flagId })
  flagId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: CREATED_IDS.claimId })
  claimId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: CREATED_IDS.hearingId })
  hearingId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: CREATED_IDS.paymentId })
  paymentId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: CREATED_IDS.erasureRequestId })
  erasureRequestId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: CREATED_IDS.decisionId })
  decisionId?: string;
}

/** POST /cases: the new case's id and reference. */
export class CaseOpenedResponseDto extends CaseCommandOutcomeDto {
  @ApiProperty({ description: 'The case reference (ORG-YYYY-NNNNN)', example: 'ORG-2026-00042' })
  caseReference!: string;
}

const createdResponses = new Map<CreatedId, Type<CaseCommandOutcomeDto>>();

/** The answer of a command that creates `id`: `<Id>CreatedResponseDto`, one class per id. */
export function createdResponse(id: CreatedId): Type<CaseCommandOutcomeDto> {
  let created = createdResponses.get(id);
  if (!created) {
    created = class extends CaseCommandOutcomeDto {};
    Object.defineProperty(created, 'name', {
      value: `${id[0]!.toUpperCase()}${id.slice(1)}CreatedResponseDto`,
    });
    ApiProperty({ type: String, format: 'uuid', description: `Created by ${CREATED_IDS[id]}` })(
      created.prototype,
      id,
    );
    createdResponses.set(id, created);
  }
  return created;
}

/** One case of the caller's organisation whose person matches (`PersonMatch`). */
export class PersonMatchDto {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ example: 'ORG-2026-00042' })
  caseReference!: string;
}

/** POST /cases/search: the matching cases (none: an empty list). */
export class PersonSearchResponseDto {
  @ApiProperty({ type: [PersonMatchDto] })
  matches!: PersonMatchDto[];
}
