import { Get, Inject, Param, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Policy } from '@remedy/access-policy';
import { CurrentActor, type Actor } from '@remedy/auth';
import { ApiController, UuidParam } from '@remedy/http';
import { LinkageQueries } from './queries';
import { LINKAGE_QUERIES } from './tokens';
import { CaseLinkageView } from './view';

@ApiController('cases', 'cases')
export class LinkageController {
  constructor(@Inject(LINKAGE_QUERIES) private readonly queries: LinkageQueries) {}

  @Get(':caseId/linkage')
  @Policy.case('read', 'Case', {
    refusal: 'Case content is for the case roles of the organisations that reach the case',
  })
  @ApiOperation({
    summary:
      "Whether the case probably matches a case of another organisation: told only to the holder, with the person's consent for `cross_organisation_matching` (otherwise `{ matchingConsent: false }`)",
  })
  @UuidParam('caseId')
  @ApiOkResponse({ type: CaseLinkageView })
  async linkage(
    @CurrentActor() actor: Actor,
    @Param('caseId') caseId: string,
    @Req() request: FastifyRequest,
  ): Promise<CaseLinkageView> {
    return this.queries.answer(actor.organisationId, caseId.toLowerCase(), request);
  }
}
