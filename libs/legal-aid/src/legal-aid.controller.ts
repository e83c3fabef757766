import { Get, Inject, NotFoundException, Param, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { forbidden, mayEver, pickPermitted, Policy } from '@remedy/access-policy';
import { CurrentActor, type Actor } from '@remedy/auth';
import { ApiController, PageLimit, ReadsProjections, UuidParam, problem } from '@remedy/http';
import { LEGAL_AID_PROJECTION } from './legal-aid.projection';
import { LegalAidQueries } from './queries';
import { LEGAL_AID_QUERIES, LEGAL_AID_REACH } from './tokens';
import { LegalAidCaseList, LegalAidCaseView } from './views';

const CASE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function notFound(what = 'case'): never {
  throw new NotFoundException(problem(404, `No such ${what}`));
}

/**
 * 403 for roles that never read legal-aid data (rapporteur, admin), whatever the resource: the
 * access policy (@remedy/access-policy) grants the legal-aid subjects to case roles only.
 */
export const LEGAL_AID_READERS =
  'The legal-aid read API is for legal-aid lawyers, caseworkers and supervisors';

export function checkRole(actor: Actor): void {
  if (!mayEver(actor, 'list', 'LegalAidPortfolio') || !mayEver(actor, 'read', 'LegalAidCase'))
    forbidden(LEGAL_AID_READERS);
}

export class LegalAidCasesQuery {
  @PageLimit({ maximum: 200, default: 50 })
  limit?: number;
}

/**
 * The legal-aid view of cases. A case the caller's organisation neither holds nor reaches through
 * live legal-aid access (with the person's live consent) is 404, decided from the stream.
 */
@ApiController('legal-aid', 'legal-aid/cases')
export class LegalAidCasesController {
  constructor(@Inject(LEGAL_AID_QUERIES) private readonly queries: LegalAidQueries) {}

  @Get()
  @Policy('list', 'LegalAidPortfolio', { refusal: LEGAL_AID_READERS })
  @ApiOperation({
    summary: "Cases the caller's organisation holds or has live legal-aid access to",
  })
  @ApiOkResponse({ type: LegalAidCaseList })
  @ReadsProjections(LEGAL_AID_PROJECTION)
  list(
    @CurrentActor() actor: Actor,
    @Query() query: LegalAidCasesQuery,
  ): Promise<LegalAidCaseList> {
    checkRole(actor);
    return this.queries.listCases(actor, query);
  }

  @Get(':caseId')
  @Policy.case('read', 'LegalAidCase', {
    reach: LEGAL_AID_REACH,
    refuseRolesNeverAllowed: true,
    refusal: LEGAL_AID_READERS,
  })
  @ApiOperation({
    summary:
      'The legal-aid view of one case: reference, name, contacts, languages, sex/gender, age group, citizenship, identification status and forms of exploitation, non-punishment flags, remedies and claims',
  })
  @UuidParam('caseId')
  @ApiOkResponse({ type: LegalAidCaseView })
  @ReadsProjections(LEGAL_AID_PROJECTION)
  async detail(
    @CurrentActor() actor: Actor,
    @Param('caseId') caseId: string,
    @Req() request: object,
  ): Promise<Partial<LegalAidCaseView>> {
    checkRole(actor);
    if (!CASE_ID.test(caseId)) notFound();
    // The request scopes the stream read: the access policy's guard read it already.
    const view = await this.queries.caseView(actor, caseId.toLowerCase(), request);
    if (!view) notFound();
    // Field-level limits of the policy: a legal-aid organisation reads the listed fields only.
    return pickPermitted(actor, 'LegalAidCase', view.access, view);
  }
}
