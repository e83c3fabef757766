import { ApiProperty } from '@nestjs/swagger';
import {
  DUPLICATE_DECISIONS,
  type DuplicateDecision,
  type RecordDuplicateDecision,
} from '@remedy/case-domain';
import type { CommandBody } from '../cases/command-body';
import { CommandDto } from '../cases/dto/common.dto';
import { Code, IdField } from '../cases/dto/fields';

export const MATCH_EVIDENCE = ['name', 'birth', 'citizenship', 'sex'] as const;
export const CANDIDATE_STATUSES = ['open', 'closure_requested', 'closed'] as const;

/** One case of the caller's organisation that may hold the same person (no personal data). */
export class PossibleDuplicateDto {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({
    description: "The case's reference in the organisation",
    example: 'ORG-2026-00042',
  })
  reference!: string;

  @ApiProperty({ enum: CANDIDATE_STATUSES, description: 'The life of the case (as the case list)' })
  status!: (typeof CANDIDATE_STATUSES)[number];

  @ApiProperty({
    format: 'date',
    description: 'When the case was opened (calendar date, jurisdiction time zone)',
    example: '2026-06-15',
  })
  openedOn!: string;

  @ApiProperty({
    type: 'number',
    minimum: 0,
    maximum: 1,
    description:
      'Similarity of the two persons (keyed blind tokens), 0..1; only suggested ones are listed',
    example: 0.92,
  })
  score!: number;

  @ApiProperty({
    enum: MATCH_EVIDENCE,
    isArray: true,
    description: 'Which identifying facts agree (no value is ever returned)',
  })
  evidence!: (typeof MATCH_EVIDENCE)[number][];

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description:
      'The other suggested cases tied with this one: exactly as close to this case on every identifier both hold (typically this case has no birth date, and they are persons of the same name born on different days). Shown as one suggestion, "one of these"; empty when none',
  })
  tiedWith!: string[];
}

/** GET /cases/{caseId}/possible-duplicates: best first; none: an empty list. */
export class PossibleDuplicatesDto {
  @ApiProperty({ type: [PossibleDuplicateDto] })
  items!: PossibleDuplicateDto[];
}

/** POST /cases/{caseId}/duplicate-decisions: the caseworker's decision about another case. */
export class RecordDuplicateDecisionDto
  extends CommandDto
  implements CommandBody<RecordDuplicateDecision, 'decisionId'>
{
  @IdField({ description: "Another case of the caller's organisation" })
  otherCaseId!: string;

  @Code(DUPLICATE_DECISIONS, {
    description:
      '`same_person` links the two cases (one may then be closed with reason `duplicate`); `not_same_person`: never suggested again',
  })
  decision!: DuplicateDecision;
}
