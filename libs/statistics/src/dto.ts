import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { TABLE_IDS } from './catalogue';
import { RELEASE_MODES, type ReleaseMode } from './release';
import { REPORT_LANGUAGES, type ReportLanguage } from './report-pdf';

export class RequestReleaseBody {
  @ApiProperty({
    description:
      'A calendar year (YYYY). Quarters (YYYY-Qn) are refused: the facts hold no date finer than the year.',
    example: '2026',
  })
  @IsString()
  @Matches(/^\d{4}(-Q[1-4])?$/, { message: 'period must be a calendar year YYYY' })
  period!: string;

  @ApiPropertyOptional({
    description: 'Table ids of GET /statistics/tables (default: all)',
    enum: TABLE_IDS,
    isArray: true,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(TABLE_IDS.length)
  @IsIn(TABLE_IDS, { each: true })
  tables?: string[];

  @ApiProperty({
    enum: RELEASE_MODES,
    description:
      'suppression (threshold k + secondary suppression), rounding (the same, then counts rounded to roundingBase), dp (differential privacy with epsilon)',
  })
  @IsIn(RELEASE_MODES)
  mode!: ReleaseMode;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Threshold: counts 0 < n < k are suppressed. Default and minimum 10.',
    minimum: 10,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  k?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Rounding base (mode rounding; default 5)',
    minimum: 2,
  })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(1_000)
  roundingBase?: number;

  @ApiPropertyOptional({ description: 'Privacy loss of the release (mode dp)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.000001)
  @Max(100)
  epsilon?: number;
}

export class ReleaseFormatQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'] })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class RequestReportBody {
  @ApiProperty({
    enum: REPORT_LANGUAGES,
    description: "The report's language (the rapporteur's): one of the console's six",
  })
  @IsIn(REPORT_LANGUAGES)
  language!: ReportLanguage;
}
