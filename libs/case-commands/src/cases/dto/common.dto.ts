import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

export const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const MAX_TEXT = 20_000;
export const MAX_SHORT = 300;

/** A calendar date `YYYY-MM-DD` that exists (2026-02-30 is refused). */
export const IsCalendarDate = (): PropertyDecorator => (target, key) => {
  Matches(CALENDAR_DATE, { message: `${String(key)} must be a calendar date YYYY-MM-DD` })(
    target,
    key,
  );
  IsISO8601({ strict: true }, { message: `${String(key)} must be an existing calendar date` })(
    target,
    key,
  );
};

/** Nested DTO (or array of DTOs): validated as `type`. */
export const Nested =
  (type: () => new () => object, options: { each?: boolean } = {}): PropertyDecorator =>
  (target, key) => {
    IsObject({ each: options.each })(target, key);
    ValidateNested({ each: options.each })(target, key);
    Type(type)(target, key);
  };

/** Free text written by a person: personal data (encrypted before it is stored). */
export class FreeTextDto {
  @ApiPropertyOptional({
    description: 'Free text (personal data: encrypted, erasable)',
    maxLength: MAX_TEXT,
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  text?: string;
}

export class RequiredTextDto {
  @ApiProperty({
    description: 'Free text (personal data: encrypted, erasable)',
    maxLength: MAX_TEXT,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TEXT)
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
  @ApiPropertyOptional({ type: () => FreeTextDto })
  @IsOptional()
  @Nested(() => FreeTextDto)
  personal?: FreeTextDto;
}
