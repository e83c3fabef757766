import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';
import { PersonalPart, PersonalText } from './fields';

/** Free text written by a person: personal data (encrypted before it is stored). */
export class FreeTextDto {
  @PersonalText({ optional: true })
  text?: string;
}

export class RequiredTextDto {
  @PersonalText()
  text!: string;
}

/** Every command may say when it happened in the world (default: now; never in the future). */
export class CommandDto {
  @ApiPropertyOptional({
    description: 'When it happened (ISO 8601 instant); defaults to now',
    example: '2026-06-15T10:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;
}

/** A command whose only personal field is an optional free text. */
export class FreeTextCommandDto extends CommandDto {
  @PersonalPart(() => FreeTextDto)
  personal!: FreeTextDto;
}
