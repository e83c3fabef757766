import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Inject,
  Injectable,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
  StreamableFile,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiController } from '@remedy/http';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { assertCan, Policy } from '@remedy/access-policy';
import { CurrentActor, type Actor } from '@remedy/auth';
import { CATALOGUE, COMPENSATION_SUMS, describeTable } from './catalogue';
import { RequestReleaseBody, RequestReportBody, ReleaseFormatQuery } from './dto';
import {
  HTCDS_EXPORT_AUDIT,
  htcdsExport,
  type HtcdsDecrypter,
  type HtcdsExportAudit,
} from './htcds';
import { RapporteurRoute } from './rapporteur.guard';
import { checkRequest, COUNTING_NOTE, HTCDS_ATTRIBUTION, releaseCsv } from './release';
import { parseRelease, StatisticsRefusal, StatisticsReleases } from './releases';
import { isReportLanguage } from './report-pdf';
import type { StatisticsReports } from './reports';
import type { ReleaseSigner } from './signing';
import { HTCDS_CIPHER, RELEASE_SIGNER, STATISTICS_RELEASES, STATISTICS_REPORTS } from './tokens';
import {
  ReleaseAccepted,
  ReleaseDocumentView,
  ReleaseList,
  ReleaseStatusView,
  ReportAccepted,
  StatisticsCatalogue,
} from './views';
import { Contract, invalidInput, problem } from '@remedy/http';

const RELEASE_PATH =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\.(json|csv))?$/i;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const notFound = (): never => {
  throw new NotFoundException(problem(404, 'No such release'));
};

/**
 * A release id that is no id answers 404 before the body is validated (guards run before pipes),
 * as a case route's unknown id does: 404 before 400.
 */
@Injectable()
class ReleaseIdShape implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { params } = context.switchToHttp().getRequest<{ params?: Record<string, unknown> }>();
    if (typeof params?.release !== 'string' || !UUID.test(params.release)) notFound();
    return true;
  }
}

const RELEASES_FOR_RAPPORTEURS = 'Releases are requested and read by national rapporteurs';
const HTCDS_FOR_SUPERVISORS = 'The HTCDS export is for supervisors of the organisation';

function requireRapporteur(actor: Actor): void {
  assertCan(actor, 'request', 'StatisticsRelease', RELEASES_FOR_RAPPORTEURS);
}

/**
 * Statistics for national rapporteurs: the fixed catalogue, releases (built by the worker,
 * stored once, signed), the public key that verifies them. Aggregates only.
 */
@ApiTags('statistics')
@ApiBearerAuth()
@RapporteurRoute()
@Controller('statistics')
export class StatisticsController {
  constructor(
    @Inject(STATISTICS_RELEASES) private readonly releases: StatisticsReleases,
    @Inject(RELEASE_SIGNER) private readonly signer: ReleaseSigner,
    @Inject(STATISTICS_REPORTS) private readonly reports: StatisticsReports,
  ) {}

  @Get('tables')
  @Policy('read', 'StatisticsCatalogue')
  @ApiOperation({
    summary:
      'The fixed catalogue of tables: id, title, description, unit, dimensions (with their values)',
  })
  @ApiOkResponse({ type: StatisticsCatalogue })
  tables(): StatisticsCatalogue {
    return {
      note: COUNTING_NOTE,
      attribution: HTCDS_ATTRIBUTION,
      tables: [
        ...CATALOGUE.map((t) => ({ ...describeTable(t), maxCellsPerCase: t.maxCellsPerCase })),
        {
          ...COMPENSATION_SUMS,
          dimensions: COMPENSATION_SUMS.dimensions.map((d) => ({ ...d, values: [...d.values] })),
        },
      ],
    };
  }

  @Post('releases')
  @Contract({ answers: [422] })
  @Policy('request', 'StatisticsRelease', { refusal: RELEASES_FOR_RAPPORTEURS })
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Request a release (rapporteurs): 202 with its id; the same request (period, tables, mode, parameters) is the same release, built once',
  })
  @ApiAcceptedResponse({
    type: ReleaseAccepted,
    description: 'Queued (or the same request made before); header Location',
  })
  async request(
    @CurrentActor() actor: Actor,
    @Body() body: RequestReleaseBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReleaseAccepted> {
    requireRapporteur(actor);
    const checked = checkRequest(body);
    if (!checked.ok) {
      if (checked.status === 422) throw new StatisticsRefusal(checked.rule, checked.message);
      throw new BadRequestException(
        invalidInput([{ name: checked.field ?? 'body', reason: checked.message }]),
      );
    }
    const result = await this.releases.request(checked.value);
    void reply.header('location', `/statistics/releases/${result.releaseId}`);
    return { releaseId: result.releaseId, status: result.status, replayed: !result.created };
  }

  @Get('releases')
  @Policy('read', 'StatisticsRelease', { refusal: RELEASES_FOR_RAPPORTEURS })
  @ApiOperation({
    summary:
      'The releases requested so far (rapporteurs), newest first: status, request, digest (no bodies)',
  })
  @ApiOkResponse({ type: ReleaseList })
  async list(@CurrentActor() actor: Actor): Promise<ReleaseList> {
    requireRapporteur(actor);
    return { items: await this.releases.list() };
  }

  @Get('releases/:release')
  @Contract({ answers: [409] })
  @Policy('read', 'StatisticsRelease', { refusal: RELEASES_FOR_RAPPORTEURS })
  @ApiOperation({
    summary:
      'A release: status and progress; `<id>.json` / `<id>.csv` (or ?format=json|csv) downloads it once built (409 before), with its SHA-256 digest and Ed25519 signature in headers',
  })
  @ApiParam({
    name: 'release',
    // RELEASE_PATH, case-insensitive as it is matched (a schema pattern has no flags).
    schema: {
      type: 'string',
      pattern:
        '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(\\.([jJ][sS][oO][nN]|[cC][sS][vV]))?$',
    },
    description: 'The release id, optionally with `.json` or `.csv`',
  })
  @ApiExtraModels(ReleaseStatusView, ReleaseDocumentView)
  @ApiOkResponse({
    description:
      'Without a format: the status (ReleaseStatusView); with one: the signed document (ReleaseDocumentView, or its CSV), headers X-Content-SHA256 and X-Signature-Ed25519',
    content: {
      'application/json': {
        schema: {
          oneOf: [
            { $ref: getSchemaPath(ReleaseStatusView) },
            { $ref: getSchemaPath(ReleaseDocumentView) },
          ],
        },
      },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  async release(
    @CurrentActor() actor: Actor,
    @Param('release') param: string,
    @Query() query: ReleaseFormatQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReleaseStatusView | StreamableFile> {
    requireRapporteur(actor);
    const m = RELEASE_PATH.exec(param);
    if (!m) return notFound();
    const release = await this.releases.get(m[1]!.toLowerCase());
    if (!release) return notFound();
    const format = (m[2]?.toLowerCase() as 'json' | 'csv' | undefined) ?? query.format;
    if (!format) {
      const progress =
        release.status === 'built' ? 100 : ((await this.releases.progress(release.releaseId)) ?? 0);
      return {
        releaseId: release.releaseId,
        status: release.status,
        progress,
        request: release.request,
        requestedAt: release.requestedAt,
        builtAt: release.builtAt,
        error: release.error,
        digest: release.digest,
        downloads:
          release.status === 'built'
            ? {
                json: `/statistics/releases/${release.releaseId}.json`,
                csv: `/statistics/releases/${release.releaseId}.csv`,
              }
            : null,
      };
    }
    if (release.status !== 'built' || release.body === null)
      throw new ConflictException(problem(409, `Release not built yet (status ${release.status})`));
    void reply.header('x-content-sha256', release.digest!);
    void reply.header('x-signature-ed25519', release.signature!);
    void reply.header('cache-control', 'private, max-age=31536000, immutable');
    if (format === 'json') {
      void reply.header('content-type', 'application/json; charset=utf-8');
      return new StreamableFile(Buffer.from(release.body, 'utf8'), {
        type: 'application/json; charset=utf-8',
        disposition: `attachment; filename="statistics-${release.request.period}-${release.releaseId}.json"`,
      });
    }
    return new StreamableFile(Buffer.from(releaseCsv(parseRelease(release.body)), 'utf8'), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="statistics-${release.request.period}-${release.releaseId}.csv"`,
    });
  }

  @Post('releases/:release/reports')
  @UseGuards(ReleaseIdShape)
  @Contract({ answers: [409] })
  @Policy('request', 'StatisticsRelease', { refusal: RELEASES_FOR_RAPPORTEURS })
  @HttpCode(202)
  @ApiOperation({
    summary:
      "Request the release's national report as PDF in a language (rapporteurs): 202; the worker prints it once per language (409 while the release is not built)",
  })
  @ApiParam({ name: 'release', schema: { type: 'string', format: 'uuid' } })
  @ApiAcceptedResponse({ type: ReportAccepted, description: 'Queued or rendered; header Location' })
  async requestReport(
    @CurrentActor() actor: Actor,
    @Param('release') param: string,
    @Body() body: RequestReportBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReportAccepted> {
    requireRapporteur(actor);
    const release = await this.builtRelease(param);
    const result = await this.reports.request(release.releaseId, body.language);
    const download = `/statistics/releases/${release.releaseId}/reports/${body.language}`;
    void reply.header('location', download);
    return {
      releaseId: release.releaseId,
      language: body.language,
      status: result.status,
      replayed: !result.created,
      download,
    };
  }

  @Get('releases/:release/reports/:language')
  @Contract({ answers: [409] })
  @Policy('read', 'StatisticsRelease', { refusal: RELEASES_FOR_RAPPORTEURS })
  @ApiOperation({
    summary:
      "The release's national report (PDF, A4) in a language, once the worker has printed it (404 before; 409 when its rendering failed for good: request it again with POST); header X-Report-Pages",
  })
  @ApiParam({ name: 'release', schema: { type: 'string', format: 'uuid' } })
  @ApiParam({
    name: 'language',
    schema: { type: 'string', enum: ['ar', 'en', 'es', 'fr', 'ru', 'zh'] },
  })
  @ApiProduces('application/pdf')
  @ApiOkResponse({
    description: 'The PDF (attachment)',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  async report(
    @CurrentActor() actor: Actor,
    @Param('release') param: string,
    @Param('language') language: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    requireRapporteur(actor);
    const id = UUID.exec(param)?.[0]?.toLowerCase();
    if (!id || !isReportLanguage(language)) return notFound();
    const report = await this.reports.get(id, language);
    if (report?.status === 'failed')
      throw new ConflictException(
        problem(
          409,
          `The report's rendering failed; it may be requested again (POST /statistics/releases/${id}/reports)`,
          { title: 'Report rendering failed', reason: report.error ?? 'RENDER_FAILED' },
        ),
      );
    if (!report?.pdf)
      throw new NotFoundException(
        problem(404, `No report in this language yet${report ? ` (status ${report.status})` : ''}`),
      );
    void reply.header('x-report-pages', String(report.pages));
    void reply.header('cache-control', 'private, max-age=31536000, immutable');
    return new StreamableFile(report.pdf, {
      type: 'application/pdf',
      disposition: `attachment; filename="statistics-report-${id}-${language}.pdf"`,
    });
  }

  /** A built release by its id (404 unknown, 409 not built yet). */
  private async builtRelease(param: string) {
    const id = UUID.exec(param)?.[0]?.toLowerCase();
    const release = id ? await this.releases.get(id) : undefined;
    if (!release) return notFound();
    if (release.status !== 'built')
      throw new ConflictException(problem(409, `Release not built yet (status ${release.status})`));
    return release;
  }

  @Get('public-key')
  @Policy('read', 'StatisticsCatalogue')
  @ApiOperation({
    summary:
      "The installation's Ed25519 public key (SPKI PEM) that verifies release signatures (over the exact JSON bytes)",
  })
  @ApiProduces('application/x-pem-file')
  @ApiOkResponse({
    description: 'SPKI PEM',
    content: { 'application/x-pem-file': { schema: { type: 'string' } } },
  })
  publicKey(@Res({ passthrough: true }) reply: FastifyReply): string {
    void reply.header('content-type', 'application/x-pem-file');
    return this.signer.publicKeyPem;
  }
}

/** HTCDS v2.0 export of the caller's organisation's own cases (supervisors only). */
@ApiController('exports', 'exports')
export class HtcdsExportController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(HTCDS_CIPHER) private readonly cipher: HtcdsDecrypter,
    @Inject(HTCDS_EXPORT_AUDIT) private readonly audit: HtcdsExportAudit,
  ) {}

  @Get('htcds.csv')
  @Policy('export', 'HtcdsExport', { refusal: HTCDS_FOR_SUPERVISORS })
  @ApiOperation({
    summary:
      "HTCDS v2.0 CSV of the caller's organisation's cases, personal data included (supervisors only; streamed, never stored; each case read is reported to the audit hook)",
  })
  @ApiOkResponse({
    description: 'HTCDS v2.0 CSV (attachment)',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  export(@CurrentActor() actor: Actor): StreamableFile {
    assertCan(actor, 'export', 'HtcdsExport', HTCDS_FOR_SUPERVISORS);
    const stream = Readable.from(htcdsExport(this.dataSource, this.cipher, this.audit, actor));
    return new StreamableFile(stream, {
      type: 'text/csv; charset=utf-8',
      disposition: 'attachment; filename="htcds-2.0-export.csv"',
    });
  }
}
