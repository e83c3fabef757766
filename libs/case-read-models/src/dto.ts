import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { PageLimit } from '@remedy/http';
import { VICTIM_STATUSES } from '@remedy/case-domain';
import { CASE_SORTS, LIFECYCLE_STATUSES, MAX_LIMIT } from './queries';

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;

const OPAQUE = /^[A-Za-z0-9_-]{1,128}$/;

export class ListCasesQuery {
  @ApiPropertyOptional({ enum: LIFECYCLE_STATUSES })
  @IsOptional()
  @IsIn(LIFECYCLE_STATUSES)
  status?: (typeof LIFECYCLE_STATUSES)[number];

  @ApiPropertyOptional({ enum: [...VICTIM_STATUSES, 'not_identified'] })
  @IsOptional()
  @IsIn([...VICTIM_STATUSES, 'not_identified'])
  identificationStatus?: string;

  @ApiPropertyOptional({
    description: 'A child today (presumed minor, or under 18 by the readable facts)',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  child?: boolean;

  @ApiPropertyOptional({ description: 'Opaque id of the assigned caseworker' })
  @IsOptional()
  @IsString()
  @Matches(OPAQUE)
  caseworkerId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  hasOpenReferrals?: boolean;

  @ApiPropertyOptional({ enum: CASE_SORTS, default: 'last_activity' })
  @IsOptional()
  @IsIn(CASE_SORTS)
  sort?: (typeof CASE_SORTS)[number];

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page (`nextCursor`)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;

  @PageLimit({ maximum: MAX_LIMIT, default: 50 })
  limit?: number;
}

export class TimelineQuery {
  @ApiPropertyOptional({ description: 'Return events after this stream revision' })
  @IsOptional()
  @Matches(/^\d{1,19}$/)
  afterRevision?: string;

  @PageLimit({ maximum: 500, default: 100 })
  limit?: number;
}

export class ListReferralsQuery {
  @ApiPropertyOptional({ enum: ['in', 'out'] })
  @IsIn(['in', 'out'])
  direction!: 'in' | 'out';

  @ApiPropertyOptional({ enum: ['pending', 'accepted', 'declined', 'completed', 'revoked'] })
  @IsOptional()
  @IsIn(['pending', 'accepted', 'declined', 'completed', 'revoked'])
  status?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;

  @PageLimit({ maximum: MAX_LIMIT, default: 50 })
  limit?: number;
}

export class AsOfQuery {
  @ApiPropertyOptional({
    description: 'ISO 8601 instant: the case as the system had recorded it then',
  })
  @IsISO8601({ strict: true })
  recordedAt!: string;
}
