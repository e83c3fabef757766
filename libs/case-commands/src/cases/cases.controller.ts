import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { assertCan, Policy } from '@remedy/access-policy';
import type { Actor } from '@remedy/auth';
import { CurrentActor } from '@remedy/auth';
import {
  CaseCommandController,
  CaseCommandEndpoints,
  CommandRoute,
  given,
  newIdFor,
  text,
  Uuid,
  when,
} from './command-endpoint';
import { CommandCtx } from '../pipeline/command-context.decorator';
import type { CaseCommandResult, CommandContext } from '../pipeline/context';
import { PersonIndex, type PersonMatch } from '../search/person-index';
import {
  ErasePersonalDataCommand,
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
export class CasesController extends CaseCommandController {
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

  @CommandRoute(':caseId/victim-status')
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

  @CommandRoute(':caseId/presume-minority')
  presumeMinority(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: FreeTextCommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'PresumeMinority', personal: text(dto), ...when(dto) }, ctx);
  }

  @CommandRoute(':caseId/verify-age')
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
        ...given({ verifiedAge: dto.verifiedAge }),
        personal: { ...(dto.personal ?? {}) },
        ...when(dto),
      },
      ctx,
    );
  }

  @CommandRoute(':caseId/reflection-period')
  grantReflectionPeriod(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: GrantReflectionPeriodDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(
      caseId,
      {
        type: 'GrantReflectionPeriod',
        ...given({ startsOn: dto.startsOn, days: dto.days }),
        ...when(dto),
      },
      ctx,
    );
  }

  @CommandRoute(':caseId/consents', { grantsAccess: true })
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
        ...given({ receivingOrganisationId: dto.receivingOrganisationId }),
        obtainedInLanguage: dto.obtainedInLanguage,
        interpreterUsed: dto.interpreterUsed,
        ...when(dto),
      },
      ctx,
    );
  }

  @CommandRoute(':caseId/consents/withdraw')
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
        ...given({ receivingOrganisationId: dto.receivingOrganisationId }),
        ...when(dto),
      },
      ctx,
    );
  }

  @CommandRoute(':caseId/statistical-use-objection')
  recordObjection(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: CommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'RecordStatisticalUseObjection', ...when(dto) }, ctx);
  }

  @CommandRoute(':caseId/statistical-use-objection/withdraw')
  withdrawObjection(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: CommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'WithdrawStatisticalUseObjection', ...when(dto) }, ctx);
  }

  @CommandRoute(':caseId/needs-assessments')
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

  @CommandRoute(':caseId/support-plans')
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
        ...given({ reviewOn: dto.reviewOn }),
        personal: text(dto),
        ...when(dto),
      },
      ctx,
      { planId },
    );
  }

  @CommandRoute(':caseId/assistance')
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
        ...given({ from: dto.from, until: dto.until }),
        personal: text(dto),
        ...when(dto),
      },
      ctx,
      { assistanceId },
    );
  }

  @CommandRoute(':caseId/referrals', { grantsAccess: true })
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

  @CommandRoute(':caseId/referrals/:referralId/accept', { grantsAccess: true })
  acceptReferral(
    @Param('caseId', Uuid) caseId: string,
    @Param('referralId', Uuid) referralId: string,
    @Body() dto: CommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'AcceptReferral', referralId, ...when(dto) }, ctx);
  }

  @CommandRoute(':caseId/referrals/:referralId/decline')
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

  @CommandRoute(':caseId/referrals/:referralId/complete')
  completeReferral(
    @Param('caseId', Uuid) caseId: string,
    @Param('referralId', Uuid) referralId: string,
    @Body() dto: CommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'CompleteReferral', referralId, ...when(dto) }, ctx);
  }

  @CommandRoute(':caseId/referrals/:referralId/revoke')
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

  @CommandRoute(':caseId/legal-aid-access', { grantsAccess: true })
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

  @CommandRoute(':caseId/legal-aid-access/revoke')
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

  @CommandRoute(':caseId/transfer', { grantsAccess: true })
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

  @CommandRoute(':caseId/best-interests-assessments')
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

  @CommandRoute(':caseId/guardians')
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

  @CommandRoute(':caseId/law-enforcement-cooperation')
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

  @CommandRoute(':caseId/remedies')
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

  @CommandRoute(':caseId/non-punishment-flags')
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

  @CommandRoute(':caseId/non-punishment-flags/:flagId/resolve')
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

  @CommandRoute(':caseId/closure/request')
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

  @CommandRoute(':caseId/closure/approve')
  approveClosure(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: FreeTextCommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'ApproveClosure', personal: text(dto), ...when(dto) }, ctx);
  }

  @CommandRoute(':caseId/reopen')
  reopen(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: FreeTextCommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'ReopenCase', personal: text(dto), ...when(dto) }, ctx);
  }

  @CommandRoute(':caseId/caseworker')
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

  @CommandRoute(':caseId/notes')
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

  @CommandRoute(':caseId/corrections')
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

  @CommandRoute(':caseId/erasure', {
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
