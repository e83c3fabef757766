import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
import { DASHBOARD_FIGURES, type DashboardFigure } from './dashboard/figures';
import { CASE_SORTS, MAX_LIMIT } from './queries';
import { IDENTIFICATION_STATUSES, LIFECYCLE_STATUSES, REFERRAL_STATUSES } from './views';

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;

const OPAQUE = /^[A-Za-z0-9_-]{1,128}$/;

export class ListCasesQuery {
  @ApiPropertyOptional({ enum: LIFECYCLE_STATUSES })
  @IsOptional()
  @IsIn(LIFECYCLE_STATUSES)
  status?: (typeof LIFECYCLE_STATUSES)[number];

  @ApiPropertyOptional({ enum: IDENTIFICATION_STATUSES })
  @IsOptional()
  @IsIn(IDENTIFICATION_STATUSES)
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

  @ApiPropertyOptional({
    enum: DASHBOARD_FIGURES,
    description:
      "The cases behind a figure of the supervisor's dashboard (GET /dashboard/supervisor)",
  })
  @IsOptional()
  @IsIn(DASHBOARD_FIGURES)
  figure?: DashboardFigure;

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
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'Return events after this stream revision (`nextAfterRevision`)',
  })
  @IsOptional()
  @Matches(/^\d{1,19}$/)
  afterRevision?: string;

  @PageLimit({ maximum: 500, default: 100 })
  limit?: number;
}

export class ListReferralsQuery {
  @ApiProperty({ enum: ['in', 'out'] })
  @IsIn(['in', 'out'])
  direction!: 'in' | 'out';

  @ApiPropertyOptional({ enum: REFERRAL_STATUSES })
  @IsOptional()
  @IsIn(REFERRAL_STATUSES)
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
  @ApiProperty({
    format: 'date-time',
    description: 'ISO 8601 instant: the case as the system had recorded it then',
  })
  @IsISO8601({ strict: true })
  recordedAt!: string;
}
