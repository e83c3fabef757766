import { Readable } from 'node:stream';
import { Controller, Get, NotFoundException, Param, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import { PageLimit, problem } from '@remedy/http';
import { assertCan, assertCanOnCase, Policy } from '@remedy/access-policy';
import { CurrentActor, type Actor } from '@remedy/auth';
import { isUuid } from './audit-entry';
import { AuditTrail, csvLine, EXPORT_COLUMNS, type AuditPage } from './audit-trail';
import { CaseReachQuery } from './case-reach.query';
import { AuditPageView } from './views';

const ACCESS_HISTORY_READERS =
  "A case's access history is for the supervisors of the organisation holding it";
const AUDIT_EXPORTERS = 'The audit trail export is for administrators';

export class AccessHistoryQuery {
  @PageLimit({ maximum: 500, default: 100 })
  limit?: number;

  @ApiPropertyOptional({ pattern: '^\\d{1,19}$', description: '`nextBefore` of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'before must be nextBefore of a previous page' })
  before?: string;
}

export class AuditExportQuery {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'ISO instant (inclusive); default: the beginning',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'ISO instant (exclusive); default: now',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: ['csv', 'ndjson'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['csv', 'ndjson'])
  format?: 'csv' | 'ndjson';
}

function notFound(): never {
  throw new NotFoundException(problem(404, 'No such case'));
}

/**
 * Reading the trail: a case's access history for the supervisors of the organisation holding it
 * (decided on the case's stream), and the whole trail for administrators, streamed.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller()
export class AuditController {
  constructor(
    private readonly trail: AuditTrail,
    private readonly cases: CaseReachQuery,
  ) {}

  @Get('cases/:caseId/access-history')
  @Policy.case('read', 'AccessHistory', { refusal: ACCESS_HISTORY_READERS })
  @ApiOperation({
    summary:
      "Who read or acted on the case, or tried to: the holding organisation's supervisors only (404 for other organisations)",
  })
  @ApiParam({ name: 'caseId', type: String, format: 'uuid' })
  @ApiOkResponse({ type: AuditPageView })
  async accessHistory(
    @CurrentActor() actor: Actor,
    @Param('caseId') caseId: string,
    @Query() query: AccessHistoryQuery,
  ): Promise<AuditPage> {
    if (!isUuid(caseId)) notFound();
    const id = caseId.toLowerCase();
    assertCanOnCase(
      actor,
      'read',
      'AccessHistory',
      await this.cases.reachOf(id, actor.organisationId),
      ACCESS_HISTORY_READERS,
    );
    return this.trail.caseHistory(id, { limit: query.limit, before: query.before });
  }

  @Get('admin/audit-trail')
  @Policy('export', 'AuditTrail', { refusal: AUDIT_EXPORTERS })
  @ApiOperation({
    summary:
      'The audit trail recorded in [from, to), streamed as NDJSON (default) or CSV: administrators only',
  })
  @ApiOkResponse({
    description: 'One record (AuditRecordView) per line, or CSV with a header row (attachment)',
    content: {
      'application/x-ndjson': { schema: { type: 'string' } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  exportTrail(@CurrentActor() actor: Actor, @Query() query: AuditExportQuery): StreamableFile {
    assertCan(actor, 'export', 'AuditTrail', AUDIT_EXPORTERS);
    const from = new Date(query.from ?? 0);
    const to = query.to === undefined ? new Date() : new Date(query.to);
    const csv = query.format === 'csv';
    const rows = this.trail.export(from, to);
    async function* lines(): AsyncGenerator<string> {
      if (csv) yield EXPORT_COLUMNS.join(',') + '\n';
      for await (const r of rows) yield csv ? csvLine(r) : JSON.stringify(r) + '\n';
    }
    return new StreamableFile(Readable.from(lines()), {
      type: csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      disposition: `attachment; filename="audit-trail.${csv ? 'csv' : 'ndjson'}"`,
    });
  }
}
