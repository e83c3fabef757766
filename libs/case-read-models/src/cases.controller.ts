import {
  applyDecorators,
  BadRequestException,
  Get,
  Inject,
  NotFoundException,
  Param,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, type ApiResponseOptions } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertCan, assertCanOnCase, mayEver, Policy } from '@remedy/access-policy';
import { CurrentActor, type Actor } from '@remedy/auth';
import { ApiController, ReadsProjections, UuidParam, problem } from '@remedy/http';
import { CASES_PROJECTION } from './cases.projection';
import { DASHBOARD_PROJECTION } from './dashboard/dashboard.projection';
import { AsOfQuery, ListCasesQuery, ListReferralsQuery, TimelineQuery } from './dto';
import { CaseQueries, InvalidCursorError } from './queries';
import { TIMELINE_PROJECTION } from './timeline.projection';
import { CASE_QUERIES } from './tokens';
import { CaseAsOf, CaseDetail, CaseListPage, ReferralPage, TimelinePage } from './views';

const NO_CASE_CONTENT =
  'Case content is for the case roles of the organisations that reach the case';
const CASE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * A route reading one case (`:caseId`, a uuid in the document): GET `path`, for the case roles of
 * the organisations that reach the case, answering `ok`.
 */
const CaseRoute = (path: string, summary: string, ok: ApiResponseOptions) =>
  applyDecorators(
    Get(path),
    Policy.case('read', 'Case', { refusal: NO_CASE_CONTENT }),
    ApiOperation({ summary }),
    UuidParam('caseId'),
    ApiOkResponse(ok),
  );

function notFound(): never {
  throw new NotFoundException(problem(404, 'No such case'));
}

/** Case ids are opaque (lower-case uuids from the command side); the lookup is case-insensitive. */
function checkedCaseId(caseId: string): string {
  if (!CASE_ID.test(caseId)) notFound();
  return caseId.toLowerCase();
}

async function mapCursorErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof InvalidCursorError) {
      throw new BadRequestException(
        problem(400, err.message, {
          fields: [{ name: 'cursor', reason: 'not a cursor of this listing and sort' }],
        }),
      );
    }
    throw err;
  }
}

/**
 * The case read API. A case the caller's organisation may not read is 404 (its existence is not
 * revealed). Personal fields are decrypted only here, for the organisation holding the case or one
 * a live referral names with the person's live consent (decided on the stream: `reachOf`).
 */
@ApiController('cases', 'cases')
export class CasesController {
  constructor(@Inject(CASE_QUERIES) private readonly queries: CaseQueries) {}

  /**
   * A role the access policy never lets read a case (administrators: no case content) is refused
   * with 403 for a case its organisation reaches, 404 for any other (decided on the stream). The
   * roles that may read cases go on: the queries decide their organisation's reach (404).
   */
  private async checkRole(actor: Actor, caseId: string, request: object): Promise<void> {
    if (mayEver(actor, 'read', 'Case')) return;
    const id = checkedCaseId(caseId);
    assertCanOnCase(
      actor,
      'read',
      'Case',
      await this.queries.reachOf(actor.organisationId, id, request),
      NO_CASE_CONTENT,
    );
  }

  @Get()
  @Policy('list', 'CaseList', { refusal: NO_CASE_CONTENT })
  @ApiOperation({
    summary: "The caller's organisation's cases: filters, sort, cursor pagination (limit ≤ 100)",
  })
  @ApiOkResponse({ type: CaseListPage })
  // `figure` reads the dashboard's facts too (then X-Min-Position waits for that projection also).
  @ReadsProjections(CASES_PROJECTION, { projection: DASHBOARD_PROJECTION, whenQuery: 'figure' })
  list(@CurrentActor() actor: Actor, @Query() query: ListCasesQuery): Promise<CaseListPage> {
    assertCan(actor, 'list', 'CaseList', NO_CASE_CONTENT);
    return mapCursorErrors(this.queries.listCases(actor.organisationId, query));
  }

  @CaseRoute(
    ':caseId',
    'One case: readable facts and decrypted personal fields; ETag = stream revision',
    { type: CaseDetail, description: 'Header ETag: the revision, quoted' },
  )
  @ReadsProjections(CASES_PROJECTION)
  async detail(
    @CurrentActor() actor: Actor,
    @Param('caseId') caseId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CaseDetail> {
    // The request is the scope of the stream read: the access policy's guard read it already.
    await this.checkRole(actor, caseId, request);
    const detail = await this.queries.caseDetail(
      actor.organisationId,
      checkedCaseId(caseId),
      request,
    );
    if (!detail) notFound();
    void reply.header('etag', `"${detail.revision}"`);
    return detail;
  }

  @CaseRoute(
    ':caseId/timeline',
    'Every event of the case: type, occurred and recorded times, actor ids, facts, personal text',
    { type: TimelinePage },
  )
  @ReadsProjections(CASES_PROJECTION, TIMELINE_PROJECTION)
  async timeline(
    @CurrentActor() actor: Actor,
    @Param('caseId') caseId: string,
    @Query() query: TimelineQuery,
    @Req() request: FastifyRequest,
  ): Promise<TimelinePage> {
    await this.checkRole(actor, caseId, request);
    const page = await this.queries.timeline(
      actor.organisationId,
      checkedCaseId(caseId),
      {
        afterRevision: query.afterRevision === undefined ? undefined : BigInt(query.afterRevision),
        limit: query.limit,
      },
      request,
    );
    if (!page) notFound();
    return page;
  }

  @CaseRoute(
    ':caseId/as-of',
    'The case as the system had recorded it at a past instant (folded from the stream)',
    { type: CaseAsOf },
  )
  @ReadsProjections(CASES_PROJECTION)
  async asOf(
    @CurrentActor() actor: Actor,
    @Param('caseId') caseId: string,
    @Query() query: AsOfQuery,
    @Req() request: FastifyRequest,
  ): Promise<CaseAsOf> {
    await this.checkRole(actor, caseId, request);
    const view = await this.queries.asOf(
      actor.organisationId,
      checkedCaseId(caseId),
      new Date(query.recordedAt),
      request,
    );
    if (!view) notFound();
    return view;
  }
}

@ApiController('referrals', 'referrals')
export class ReferralsController {
  constructor(@Inject(CASE_QUERIES) private readonly queries: CaseQueries) {}

  @Get()
  @Policy('list', 'Referral', { refusal: NO_CASE_CONTENT })
  @ApiOperation({ summary: "Referrals made by (out) or to (in) the caller's organisation" })
  @ApiOkResponse({ type: ReferralPage })
  @ReadsProjections(CASES_PROJECTION)
  list(@CurrentActor() actor: Actor, @Query() query: ListReferralsQuery): Promise<ReferralPage> {
    assertCan(actor, 'list', 'Referral', NO_CASE_CONTENT);
    return mapCursorErrors(
      this.queries.referrals(actor.organisationId, query.direction, {
        cursor: query.cursor,
        limit: query.limit,
        status: query.status,
      }),
    );
  }
}
