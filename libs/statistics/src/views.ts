import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  IntersectionType,
  getSchemaPath,
} from '@nestjs/swagger';
import { DATE_TIME, NULLABLE_DATE_TIME, OPEN_OBJECT, listOf } from '@remedy/http';
import {
  RELEASE_FORMAT,
  RELEASE_MODES,
  type ReleaseDocument,
  type ReleaseMode,
  type ReleaseRequest,
} from './release';
import type { ReleaseStatus } from './releases';
import { REPORT_LANGUAGES, type ReportLanguage } from './report-pdf';
import type { ReportStatus } from './reports';

/**
 * What the statistics API answers in JSON, as classes the controller returns and the OpenAPI
 * document describes (one declaration). A release document's tables are described to their top
 * level (their cells are the signed document's own format, `remedy.statistics.release/1`).
 */

const RELEASE_STATUSES = ['queued', 'building', 'built', 'failed'] as const;
const RELEASE_ID = { format: 'uuid' } as const;

export class CatalogueDimension {
  @ApiProperty({ example: 'avenue' })
  readonly name!: string;

  @ApiProperty(listOf(String))
  readonly values!: string[];
}

/** A table as the catalogue describes it (without its cells). */
export class CatalogueTableView {
  @ApiProperty()
  readonly id!: string;

  @ApiProperty()
  readonly title!: string;

  @ApiProperty()
  readonly description!: string;

  @ApiProperty({ description: 'What one counted unit is' })
  readonly unit!: string;

  @ApiProperty()
  readonly population!: string;

  @ApiProperty(listOf(CatalogueDimension))
  readonly dimensions!: CatalogueDimension[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description:
      'Differential privacy: the most cells one case (one person, in a persons table) adds to (the sensitivity; count tables only). A DP release gives each of its n tables ε/n, so the noise scale of a table is maxCellsPerCase × n / ε.',
  })
  readonly maxCellsPerCase?: number;
}

export class StatisticsCatalogue {
  @ApiProperty({ description: 'How counts are made (cases; persons in the persons-* tables)' })
  readonly note!: string;

  @ApiProperty()
  readonly attribution!: string;

  @ApiProperty(listOf(CatalogueTableView))
  readonly tables!: CatalogueTableView[];
}

/** The answer to a release request (202, with Location). */
export class ReleaseAccepted {
  @ApiProperty(RELEASE_ID)
  readonly releaseId!: string;

  @ApiProperty({ enum: RELEASE_STATUSES })
  readonly status!: ReleaseStatus;

  @ApiProperty({ description: 'The same request was made before: its release, built once' })
  readonly replayed!: boolean;
}

/** How a release is protected (k-anonymity, rounding, differential privacy). */
export class ReleaseDisclosureControl {
  @ApiProperty({ enum: RELEASE_MODES })
  readonly mode!: ReleaseMode;

  @ApiProperty({ type: 'integer', minimum: 1 })
  readonly k!: number;

  @ApiProperty({ type: 'integer', nullable: true })
  readonly roundingBase!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  readonly epsilon!: number | null;
}

/** What a release request covers (its year and tables). */
class ReleaseScope {
  @ApiProperty({ pattern: '^\\d{4}$', example: '2026' })
  readonly period!: string;

  @ApiProperty({ type: [String], description: 'Table ids, sorted' })
  readonly tables!: readonly string[];
}

/** A release request after validation, as stored (its canonical form): its scope and disclosure control. */
export class ReleaseRequestView
  extends IntersectionType(ReleaseScope, ReleaseDisclosureControl)
  implements ReleaseRequest {}

export class ReleaseDownloads {
  @ApiProperty({ example: '/statistics/releases/<id>.json' })
  readonly json!: string;

  @ApiProperty({ example: '/statistics/releases/<id>.csv' })
  readonly csv!: string;
}

/** A release in the list (GET /statistics/releases): what was asked, where it stands. */
export class ReleaseListItem {
  @ApiProperty(RELEASE_ID)
  readonly releaseId!: string;

  @ApiProperty({ enum: RELEASE_STATUSES })
  readonly status!: ReleaseStatus;

  @ApiProperty({ type: ReleaseRequestView })
  readonly request!: ReleaseRequestView;

  @ApiProperty(DATE_TIME)
  readonly requestedAt!: string;

  @ApiProperty(NULLABLE_DATE_TIME)
  readonly builtAt!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why the build failed' })
  readonly error!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'SHA-256 of the JSON document (hex), once built',
  })
  readonly digest!: string | null;
}

export class ReleaseList {
  @ApiProperty({ ...listOf(ReleaseListItem), description: 'Newest first (the latest 500)' })
  readonly items!: ReleaseListItem[];
}

/** A release's status and progress (GET /statistics/releases/:id without a format). */
@ApiExtraModels(ReleaseDownloads)
export class ReleaseStatusView extends ReleaseListItem {
  @ApiProperty({ type: Number, minimum: 0, maximum: 100, description: 'Percent built' })
  readonly progress!: number;

  // OpenAPI 3.0 has no nullable `$ref`: one of the downloads or null.
  @ApiProperty({
    oneOf: [
      { $ref: getSchemaPath(ReleaseDownloads) },
      { type: 'object', nullable: true, enum: [null] },
    ],
    description: 'Once built',
  })
  readonly downloads!: ReleaseDownloads | null;
}

export class ReleasePeriod {
  @ApiProperty({ type: 'integer', example: 2026 })
  readonly year!: number;
}

/** The signed release document (`<id>.json`): its top level (the `ReleaseDocument` of release.ts). */
export class ReleaseDocumentView {
  @ApiProperty({ enum: [RELEASE_FORMAT] })
  readonly format!: typeof RELEASE_FORMAT;

  @ApiProperty(RELEASE_ID)
  readonly releaseId!: string;

  @ApiProperty({ type: ReleasePeriod })
  readonly period!: ReleasePeriod;

  @ApiProperty({ type: ReleaseDisclosureControl })
  readonly disclosureControl!: ReleaseDisclosureControl;

  @ApiProperty()
  readonly note!: string;

  @ApiProperty()
  readonly attribution!: string;

  @ApiProperty({ type: 'array', items: OPEN_OBJECT, description: 'The count tables and cells' })
  readonly tables!: readonly unknown[];

  @ApiPropertyOptional({ ...OPEN_OBJECT, description: 'Compensation sums per currency' })
  readonly compensationSums?: unknown;
}

/** The compiler's check that the document's top level and its description name the same fields. */
type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never]
  ? true
  : false;
export type ReleaseDocumentViewIsComplete = Assert<SameKeys<ReleaseDocumentView, ReleaseDocument>>;
type Assert<T extends true> = T;

/** The answer to a report request (202, with Location: the PDF's address). */
export class ReportAccepted {
  @ApiProperty(RELEASE_ID)
  readonly releaseId!: string;

  @ApiProperty({ enum: REPORT_LANGUAGES })
  readonly language!: ReportLanguage;

  @ApiProperty({ enum: ['queued', 'rendering', 'rendered', 'failed'] })
  readonly status!: ReportStatus;

  @ApiProperty({ description: 'The report was requested before: the same PDF, rendered once' })
  readonly replayed!: boolean;

  @ApiProperty({ description: 'Where the PDF is downloaded once rendered (404 until then)' })
  readonly download!: string;
}
