import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { assertCan, Policy } from '@remedy/access-policy';
import type { Actor } from '@remedy/auth';
import { CurrentActor } from '@remedy/auth';
import { GrantsAccess } from '@remedy/http';
import { CaseCommandEndpoints, newIdFor, text, Uuid, when } from './command-endpoint';
import { CommandCtx } from '../pipeline/command-context.decorator';
import type { CaseCommandResult, CommandContext } from '../pipeline/context';
import { PersonIndex, type PersonMatch } from '../search/person-index';
import {
  ErasePersonalDataCommand,
  ExecuteCaseCommand,
  OpenCaseCommand,
  TransferCaseCommand,
  type GenericCaseCommandInput,
} from './case.commands';
import { CommandDto, FreeTextCommandDto } from './dto/common.dto';
import {
  AddNoteDto,
  AppointGuardianDto,
  AssessNeedsDto,
  AssignCaseworkerDto,
  CorrectFactDto,
  GiveConsentDto,
  GrantReflectionPeriodDto,
  LegalAidAccessDto,
  OpenCaseDto,
  ProvideAssistanceDto,
  RecordBestInterestsAssessmentDto,
  RecordLawEnforcementCooperationDto,
  RecordSupportPlanDto,
  RecordVictimStatusDto,
  ReferCaseDto,
  RequestClosureDto,
  ResolveNonPunishmentFlagDto,
  SearchPersonDto,
  SeekRemedyDto,
  TransferCaseDto,
  VerifyAgeDto,
  WithdrawConsentDto,
} from './dto/case-command.dto';

/**
 * Every case command as `POST /cases` and `POST /cases/:caseId/...` (JSON). Answers
 * `{ caseId, revision, position }` with `ETag: "<revision>"` and `X-Position`; honours
 * `Idempotency-Key` and `If-Match`. Commands that can grant another organisation access
 * (`@GrantsAccess()`: consent, referral, acceptance, legal-aid access, transfer) answer once the
 * grant is readable (the access projections applied it), or with `X-Access-Pending: true`.
 * 404 for a case the caller's organisation cannot reach, 403 for roles that act on no case
 * content, 409/412 on concurrent changes, 422 naming the rule.
 */
@CaseCommandEndpoints({
  tag: 'cases',
  idempotencyKey: 'Retry-safe key (scoped to user and route)',
  refusedByRule: 'Refused by a rule of the domain or the application (`rule`)',
})
@Controller('cases')
export class CasesController {
  constructor(
    private readonly bus: CommandBus,
    private readonly personIndex: PersonIndex,
  ) {}

  private run(
    caseId: string,
    input: GenericCaseCommandInput,
    ctx: CommandContext,
    created: Record<string, string> = {},
  ) {
    return this.bus.execute(new ExecuteCaseCommand(caseId, input, ctx, created));
  }

  @Post()
  @Policy('create', 'Case', { refusal: 'This role may not open cases' })
  @HttpCode(201)
  @ApiOperation({ summary: 'Open a case (allocates the case id and the reference ORG-YYYY-NNNNN)' })
  open(@Body() dto: OpenCaseDto, @CommandCtx() ctx: CommandContext): Promise<CaseCommandResult> {
    return this.bus.execute(
      new OpenCaseCommand(
        {
          referralSource: dto.referralSource,
          profile: { ...dto.profile },
          personal: { ...dto.personal },
          ...when(dto),
        },
        ctx,
      ),
    );
  }

  @Post('search')
  @Policy('search', 'PersonSearch', { refusal: 'This role may not search for persons' })
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Find a person among the caller's organisation's cases (blind index of name and birth date)",
  })
  @ApiOkResponse({ description: '{ matches: [{ caseId, caseReference }] }' })
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

  @Post(':caseId/victim-status')
  @HttpCode(200)
  recordVictimStatus(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: RecordVictimStatusDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const { personal, occurredAt: _o, ...facts } = dto;
    return this.run(
      caseId,
      { type: 'RecordVictimStatus', ...facts, personal: { ...(personal ?? {}) }, ...when(dto) },
      ctx,
    );
  }

  @Post(':caseId/presume-minority')
  @HttpCode(200)
  presumeMinority(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: FreeTextCommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'PresumeMinority', personal: text(dto), ...when(dto) }, ctx);
  }

  @Post(':caseId/verify-age')
  @HttpCode(200)
  verifyAge(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: VerifyAgeDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      {
        type: 'VerifyAge',
        method: dto.method,
        ...(dto.verifiedAge !== undefined ? { verifiedAge: dto.verifiedAge } : {}),
        personal: { ...(dto.personal ?? {}) },
        ...when(dto),
      },
      ctx,
    );
  }

  @Post(':caseId/reflection-period')
  @HttpCode(200)
  grantReflectionPeriod(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: GrantReflectionPeriodDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      {
        type: 'GrantReflectionPeriod',
        ...(dto.startsOn !== undefined ? { startsOn: dto.startsOn } : {}),
        ...(dto.days !== undefined ? { days: dto.days } : {}),
        ...when(dto),
      },
      ctx,
    );
  }

  @Post(':caseId/consents')
  @HttpCode(200)
  @GrantsAccess()
  giveConsent(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: GiveConsentDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      {
        type: 'GiveConsent',
        purpose: dto.purpose,
        ...(dto.receivingOrganisationId !== undefined
          ? { receivingOrganisationId: dto.receivingOrganisationId }
          : {}),
        obtainedInLanguage: dto.obtainedInLanguage,
        interpreterUsed: dto.interpreterUsed,
        ...when(dto),
      },
      ctx,
    );
  }

  @Post(':caseId/consents/withdraw')
  @HttpCode(200)
  withdrawConsent(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: WithdrawConsentDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      {
        type: 'WithdrawConsent',
        purpose: dto.purpose,
        ...(dto.receivingOrganisationId !== undefined
          ? { receivingOrganisationId: dto.receivingOrganisationId }
          : {}),
        ...when(dto),
      },
      ctx,
    );
  }

  @Post(':caseId/statistical-use-objection')
  @HttpCode(200)
  recordObjection(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: CommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'RecordStatisticalUseObjection', ...when(dto) }, ctx);
  }

  @Post(':caseId/statistical-use-objection/withdraw')
  @HttpCode(200)
  withdrawObjection(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: CommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'WithdrawStatisticalUseObjection', ...when(dto) }, ctx);
  }

  @Post(':caseId/needs-assessments')
  @HttpCode(200)
  assessNeeds(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: AssessNeedsDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      { type: 'AssessNeeds', needs: dto.needs, personal: text(dto), ...when(dto) },
      ctx,
    );
  }

  @Post(':caseId/support-plans')
  @HttpCode(200)
  recordSupportPlan(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: RecordSupportPlanDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const planId = newIdFor(ctx, 'planId');
    return this.run(
      caseId,
      {
        type: 'RecordSupportPlan',
        planId,
        plannedAssistance: dto.plannedAssistance,
        ...(dto.reviewOn !== undefined ? { reviewOn: dto.reviewOn } : {}),
        personal: text(dto),
        ...when(dto),
      },
      ctx,
      { planId },
    );
  }

  @Post(':caseId/assistance')
  @HttpCode(200)
  provideAssistance(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: ProvideAssistanceDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const assistanceId = newIdFor(ctx, 'assistanceId');
    return this.run(
      caseId,
      {
        type: 'ProvideAssistance',
        assistanceId,
        assistanceType: dto.assistanceType,
        ...(dto.from !== undefined ? { from: dto.from } : {}),
        ...(dto.until !== undefined ? { until: dto.until } : {}),
        personal: text(dto),
        ...when(dto),
      },
      ctx,
      { assistanceId },
    );
  }

  @Post(':caseId/referrals')
  @HttpCode(200)
  @GrantsAccess()
  refer(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: ReferCaseDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const referralId = newIdFor(ctx, 'referralId');
    return this.run(
      caseId,
      {
        type: 'ReferCase',
        referralId,
        toOrganisationId: dto.toOrganisationId,
        service: dto.service,
        personal: text(dto),
        ...when(dto),
      },
      ctx,
      { referralId },
    );
  }

  @Post(':caseId/referrals/:referralId/accept')
  @HttpCode(200)
  @GrantsAccess()
  acceptReferral(
    @Param('caseId', Uuid) caseId: string,
    @Param('referralId', Uuid) referralId: string,
    @Body() dto: CommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'AcceptReferral', referralId, ...when(dto) }, ctx);
  }

  @Post(':caseId/referrals/:referralId/decline')
  @HttpCode(200)
  declineReferral(
    @Param('caseId', Uuid) caseId: string,
    @Param('referralId', Uuid) referralId: string,
    @Body() dto: FreeTextCommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      { type: 'DeclineReferral', referralId, personal: text(dto), ...when(dto) },
      ctx,
    );
  }

  @Post(':caseId/referrals/:referralId/complete')
  @HttpCode(200)
  completeReferral(
    @Param('caseId', Uuid) caseId: string,
    @Param('referralId', Uuid) referralId: string,
    @Body() dto: CommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'CompleteReferral', referralId, ...when(dto) }, ctx);
  }

  @Post(':caseId/referrals/:referralId/revoke')
  @HttpCode(200)
  revokeReferral(
    @Param('caseId', Uuid) caseId: string,
    @Param('referralId', Uuid) referralId: string,
    @Body() dto: FreeTextCommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      { type: 'RevokeReferral', referralId, personal: text(dto), ...when(dto) },
      ctx,
    );
  }

  @Post(':caseId/legal-aid-access')
  @HttpCode(200)
  @GrantsAccess()
  grantLegalAidAccess(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: LegalAidAccessDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      {
        type: 'GrantLegalAidAccess',
        legalAidOrganisationId: dto.legalAidOrganisationId,
        ...when(dto),
      },
      ctx,
    );
  }

  @Post(':caseId/legal-aid-access/revoke')
  @HttpCode(200)
  revokeLegalAidAccess(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: LegalAidAccessDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      {
        type: 'RevokeLegalAidAccess',
        legalAidOrganisationId: dto.legalAidOrganisationId,
        ...when(dto),
      },
      ctx,
    );
  }

  @Post(':caseId/transfer')
  @HttpCode(200)
  @GrantsAccess()
  transfer(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: TransferCaseDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.bus.execute(
      new TransferCaseCommand(
        caseId,
        { toOrganisationId: dto.toOrganisationId, personal: text(dto), ...when(dto) },
        ctx,
      ),
    );
  }

  @Post(':caseId/best-interests-assessments')
  @HttpCode(200)
  recordBestInterests(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: RecordBestInterestsAssessmentDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const assessmentId = newIdFor(ctx, 'assessmentId');
    return this.run(
      caseId,
      {
        type: 'RecordBestInterestsAssessment',
        assessmentId,
        decision: dto.decision,
        outcome: dto.outcome,
        guardianPresent: dto.guardianPresent,
        personal: text(dto),
        ...when(dto),
      },
      ctx,
      { assessmentId },
    );
  }

  @Post(':caseId/guardians')
  @HttpCode(200)
  appointGuardian(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: AppointGuardianDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      {
        type: 'AppointGuardian',
        kind: dto.kind,
        personal: { ...(dto.personal ?? {}) },
        ...when(dto),
      },
      ctx,
    );
  }

  @Post(':caseId/law-enforcement-cooperation')
  @HttpCode(200)
  recordCooperation(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: RecordLawEnforcementCooperationDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      { type: 'RecordLawEnforcementCooperation', cooperation: dto.cooperation, ...when(dto) },
      ctx,
    );
  }

  @Post(':caseId/remedies')
  @HttpCode(200)
  seekRemedy(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: SeekRemedyDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const remedyId = newIdFor(ctx, 'remedyId');
    return this.run(
      caseId,
      {
        type: 'SeekRemedy',
        remedyId,
        remedyType: dto.remedyType,
        avenue: dto.avenue,
        personal: text(dto),
        ...when(dto),
      },
      ctx,
      { remedyId },
    );
  }

  @Post(':caseId/non-punishment-flags')
  @HttpCode(200)
  raiseFlag(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: FreeTextCommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const flagId = newIdFor(ctx, 'flagId');
    return this.run(
      caseId,
      { type: 'RaiseNonPunishmentFlag', flagId, personal: text(dto), ...when(dto) },
      ctx,
      { flagId },
    );
  }

  @Post(':caseId/non-punishment-flags/:flagId/resolve')
  @HttpCode(200)
  resolveFlag(
    @Param('caseId', Uuid) caseId: string,
    @Param('flagId', Uuid) flagId: string,
    @Body() dto: ResolveNonPunishmentFlagDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      {
        type: 'ResolveNonPunishmentFlag',
        flagId,
        resolution: dto.resolution,
        personal: text(dto),
        ...when(dto),
      },
      ctx,
    );
  }

  @Post(':caseId/closure/request')
  @HttpCode(200)
  requestClosure(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: RequestClosureDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      { type: 'RequestClosure', reason: dto.reason, personal: text(dto), ...when(dto) },
      ctx,
    );
  }

  @Post(':caseId/closure/approve')
  @HttpCode(200)
  approveClosure(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: FreeTextCommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'ApproveClosure', personal: text(dto), ...when(dto) }, ctx);
  }

  @Post(':caseId/reopen')
  @HttpCode(200)
  reopen(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: FreeTextCommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'ReopenCase', personal: text(dto), ...when(dto) }, ctx);
  }

  @Post(':caseId/caseworker')
  @HttpCode(200)
  assignCaseworker(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: AssignCaseworkerDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      { type: 'AssignCaseworker', caseworkerId: dto.caseworkerId, ...when(dto) },
      ctx,
    );
  }

  @Post(':caseId/notes')
  @HttpCode(200)
  addNote(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: AddNoteDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const noteId = newIdFor(ctx, 'noteId');
    return this.run(
      caseId,
      { type: 'AddNote', noteId, personal: { text: dto.personal.text }, ...when(dto) },
      ctx,
      { noteId },
    );
  }

  @Post(':caseId/corrections')
  @HttpCode(200)
  correctFact(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: CorrectFactDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      {
        type: 'CorrectFact',
        correction: { ...dto.correction } as Extract<
          GenericCaseCommandInput,
          { type: 'CorrectFact' }
        >['correction'],
        personal: { ...(dto.personal ?? {}) },
        ...when(dto),
      },
      ctx,
    );
  }

  @Post(':caseId/erasure')
  @HttpCode(200)
  @ApiOperation({
    summary: "Erase the person's personal data (crypto-shredding; a supervisor of the holder)",
  })
  erase(
    @Param('caseId', Uuid) caseId: string,
    @Body() _dto: CommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.bus.execute(new ErasePersonalDataCommand(caseId, ctx));
  }
}
