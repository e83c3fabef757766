import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { assertCan, Policy } from '@remedy/access-policy';
import { CurrentActor, type Actor } from '@remedy/auth';
import type { CaseCommandResult } from '../pipeline/context';
import { PersonIndex, type PersonMatch } from '../search/person-index';
import { OpenCaseCommand } from './case.commands';
import { CaseCommandEndpoints, CommandRoute } from './command-endpoint';
import { CaseOpenedResponseDto, PersonSearchResponseDto } from './dto/case-command-response.dto';
import { CASE_COMMANDS, CaseCommands, CaseId, Ctx, factsOf } from './command-body';
import {
  GrantReflectionPeriodDto,
  OpenCaseDto,
  RecordVictimStatusDto,
  SearchPersonDto,
} from './dto/opening.dto';

/**
 * Every case command as `POST /cases` and `POST /cases/:caseId/...` (JSON), one controller for each
 * concept of the domain (libs/case-domain/src/decide/), here opening a case, finding a person, the
 * victim status and the reflection period. Answers `{ caseId, revision, position }` with
 * `ETag: "<revision>"` and `X-Position`; honours `Idempotency-Key` and `If-Match`. Commands that can
 * grant another organisation access (`grantsAccess`: consent, referral, acceptance, legal-aid
 * access, transfer) answer once the grant is readable (the access projections applied it), or with
 * `X-Access-Pending: true`. 404 for a case the caller's organisation cannot reach, 403 for roles
 * that act on no case content, 409/412 on concurrent changes, 422 naming the rule.
 */
@CaseCommandEndpoints(CASE_COMMANDS)
@Controller('cases')
export class OpeningController extends CaseCommands {
  constructor(
    bus: CommandBus,
    private readonly personIndex: PersonIndex,
  ) {
    super(bus);
  }

  @Post()
  @Policy('create', 'Case', { refusal: 'This role may not open cases' })
  @HttpCode(201)
  @ApiOperation({ summary: 'Open a case (allocates the case id and the reference ORG-YYYY-NNNNN)' })
  @ApiCreatedResponse({
    type: CaseOpenedResponseDto,
    description: 'Opened; headers ETag and X-Position',
  })
  open(@Body() dto: OpenCaseDto, @Ctx() ctx: Ctx): Promise<CaseCommandResult> {
    return this.bus.execute(new OpenCaseCommand(factsOf(dto), ctx));
  }

  @Post('search')
  @Policy('search', 'PersonSearch', { refusal: 'This role may not search for persons' })
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Find a person among the caller's organisation's cases (blind index of name and birth date)",
  })
  @ApiOkResponse({ type: PersonSearchResponseDto, description: 'The matching cases, if any' })
  async search(
    @Body() dto: SearchPersonDto,
    @CurrentActor() actor: Actor,
  ): Promise<{ matches: PersonMatch[] }> {
    assertCan(actor, 'search', 'PersonSearch', 'This role may not search for persons');
    try {
      return {
        matches: await this.personIndex.search(actor.organisationId, dto.fullName, dto.birthDate),
      };
    } catch (error) {
      if (error instanceof TypeError) return { matches: [] }; // a name with nothing left after normalisation
      throw error;
    }
  }

  @CommandRoute(':caseId/victim-status')
  recordVictimStatus(
    @CaseId() caseId: string,
    @Body() dto: RecordVictimStatusDto,
    @Ctx() ctx: Ctx,
  ) {
    return this.run(caseId, { type: 'RecordVictimStatus', ...dto }, ctx);
  }

  @CommandRoute(':caseId/reflection-period')
  grantReflectionPeriod(
    @CaseId() caseId: string,
    @Body() dto: GrantReflectionPeriodDto,
    @Ctx() ctx: Ctx,
  ) {
    return this.run(caseId, { type: 'GrantReflectionPeriod', ...dto }, ctx);
  }
}
