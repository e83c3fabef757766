import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The answer to a case command (OpenAPI description of `CaseCommandResult`). */
export class CaseCommandResponseDto {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({
    description: 'Revision of the last event of the case stream (also the ETag, quoted)',
    example: 3,
  })
  revision!: number;

  @ApiProperty({
    description:
      'Global position of the write (also X-Position); send as X-Min-Position to read your write',
    example: '812.4051',
  })
  position!: string;

  @ApiPropertyOptional({
    description: 'POST /cases and transfers: the case reference of the (new) holding organisation',
    example: 'ORG-2026-00042',
  })
  caseReference?: string;

  // The id of what a command created, under its own name (as the handlers answer it).
  @ApiPropertyOptional({ format: 'uuid', description: 'POST /cases/:caseId/referrals' })
  referralId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'POST /cases/:caseId/notes' })
  noteId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'POST /cases/:caseId/support-plans' })
  planId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'POST /cases/:caseId/assistance' })
  assistanceId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'POST /cases/:caseId/best-interests-assessments',
  })
  assessmentId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'POST /cases/:caseId/remedies' })
  remedyId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'POST /cases/:caseId/non-punishment-flags' })
  flagId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'POST /cases/:caseId/claims' })
  claimId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'POST /cases/:caseId/claims/:claimId/hearings',
  })
  hearingId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'POST /cases/:caseId/claims/:claimId/payments',
  })
  paymentId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'POST /cases/:caseId/erasure' })
  erasureRequestId?: string;
}
