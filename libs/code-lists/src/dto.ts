import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { LABEL_LANGUAGES, type LabelLanguage, type ReviewStatus } from './catalogue';
import { CODE_LIST_NAMES, type CodeListName, type LabelSource } from './code-lists';

const REVIEW_STATUSES: ReviewStatus[] = ['source', 'needs-native-review', 'reviewed'];

export class LanguageQuery {
  @ApiPropertyOptional({
    description:
      'The language of the labels (ar, zh, en, fr, ru, es; a regional tag counts by its language: zh-CN → zh). Takes precedence over Accept-Language; any other language answers English.',
    example: 'ar',
  })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  @Matches(/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/, { message: 'lang must be a language tag' })
  lang?: string;
}

export class LabelledCodeDto {
  @ApiProperty({ description: 'The code, as commands and views carry it', example: 'ForcedLabour' })
  code!: string;

  @ApiProperty({ description: 'Its label in the answered language', example: 'العمل القسري' })
  label!: string;

  @ApiPropertyOptional({
    description:
      "Currencies only: the ISO 4217 minor-unit digits (EUR 2, JPY 0, IQD 3; none counts as 0), the ones the API reads amounts (integer minor units) with; enter and show money with these, not with Intl's (which differ for some currencies)",
    example: 2,
    minimum: 0,
    maximum: 4,
  })
  digits?: number;
}

export class CodeListDto {
  @ApiProperty({ enum: CODE_LIST_NAMES, example: 'forms-of-exploitation' })
  name!: CodeListName;

  @ApiProperty({
    enum: ['icu', 'catalogue'],
    description:
      '`icu`: country, language and currency names from ICU/CLDR (the catalogue names what ICU does not); `catalogue`: the message catalogue of the language',
  })
  source!: LabelSource;

  @ApiProperty({
    type: [LabelledCodeDto],
    description: "Every code of the list, in the domain's order",
  })
  codes!: LabelledCodeDto[];
}

export class CodeListsResponse {
  @ApiProperty({
    enum: LABEL_LANGUAGES,
    description: 'The language of the labels (also the Content-Language header)',
  })
  language!: LabelLanguage;

  @ApiProperty({
    enum: REVIEW_STATUSES,
    description:
      "The catalogue's review status for this language: `needs-native-review` until a native speaker has checked its labels",
  })
  review!: ReviewStatus;

  @ApiProperty({ type: [CodeListDto] })
  lists!: CodeListDto[];
}

export class CodeListResponse extends CodeListDto {
  @ApiProperty({
    enum: LABEL_LANGUAGES,
    description: 'The language of the labels (also the Content-Language header)',
  })
  language!: LabelLanguage;

  @ApiProperty({
    enum: REVIEW_STATUSES,
    description: "The catalogue's review status for this language",
  })
  review!: ReviewStatus;
}
