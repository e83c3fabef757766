import {
  Body,
  ForbiddenException,
  Get,
  Inject,
  NotFoundException,
  Param,
  Req,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { caseActorRoleOf, Policy } from '@remedy/access-policy';
import { CurrentActor, type Actor } from '@remedy/auth';
import { ApiController, problem, UuidParam } from '@remedy/http';
import { CaseCommandsController, CaseCommands, CaseId, Ctx } from '../cases/command-body';
import { CommandRoute, Uuid } from '../cases/command-endpoint';
import { PERSON_MATCH_TOKENS } from '../tokens';
import { PossibleDuplicatesDto, RecordDuplicateDecisionDto } from './duplicates.dto';
import type { PersonMatchTokens } from './person-match-tokens';

const NO_CASE_CONTENT =
  'Case content is for the case roles of the organisations that reach the case';

/**
 * Possible duplicates within an organisation (issue 19): the suggestions for one case. Only the
 * organisation that holds the case gets them (any other: 404, as for a case it may not know);
 * candidates are its own cases only (row-level security), never another organisation's.
 */
@ApiController('cases', 'cases')
export class PossibleDuplicatesController {
  constructor(@Inject(PERSON_MATCH_TOKENS) private readonly tokens: PersonMatchTokens) {}

  @Get(':caseId/possible-duplicates')
  @Policy.case('read', 'Case', { refusal: NO_CASE_CONTENT })
  @ApiOperation({
    summary:
      "The organisation's other cases that may hold the same person (keyed blind tokens; decided pairs left out)",
  })
  @UuidParam('caseId')
  @ApiOkResponse({ type: PossibleDuplicatesDto })
  async list(
    @CurrentActor() actor: Actor,
    @Param('caseId', Uuid) caseId: string,
    @Req() request: object,
  ): Promise<PossibleDuplicatesDto> {
    const id = caseId.toLowerCase();
    // The policy's guard read the stream for this request (404 for a case the organisation does
    // not reach); suggestions are for the holder only.
    const known = await this.tokens.caseOf(id, request);
    if (!known || known.holdingOrganisationId !== actor.organisationId.toLowerCase())
      throw new NotFoundException(problem(404, 'No such case'));
    // Caseworkers and supervisors of the holder (the roles that decide); no other role.
    const role = caseActorRoleOf(actor.roles);
    if (role !== 'caseworker' && role !== 'supervisor')
      throw new ForbiddenException(
        problem(403, 'Possible duplicates are for caseworkers and supervisors'),
      );
    if (known.erased) return { items: [] };
    // Tokens are computed on demand for a case that has none yet (opened before issue 19 and not
    // backfilled yet, or a write after its append that did not happen).
    if (!(await this.tokens.has(id))) await this.tokens.refresh(id);
    const items = await this.tokens.possibleDuplicates(actor.organisationId, id, known.decided);
    return {
      items: items.map((i) => ({ ...i, evidence: [...i.evidence], tiedWith: [...i.tiedWith] })),
    };
  }
}

/** The caseworker's decision on a possible duplicate: an event on both cases' streams. */
@CaseCommandsController()
export class DuplicateDecisionsController extends CaseCommands {
  @CommandRoute(':caseId/duplicate-decisions', {
    summary:
      'Decide whether another case of the organisation holds the same person (recorded on both cases)',
    creates: 'decisionId',
  })
  decide(@CaseId() caseId: string, @Body() dto: RecordDuplicateDecisionDto, @Ctx() ctx: Ctx) {
    return this.runCreating(
      caseId,
      'decisionId',
      { type: 'RecordDuplicateDecision', ...dto, otherCaseId: dto.otherCaseId.toLowerCase() },
      ctx,
    );
  }
}
