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

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'The id of what the command created (referralId, noteId, planId, assistanceId, assessmentId, remedyId, flagId, erasureRequestId)',
  })
  createdId?: string;
}
