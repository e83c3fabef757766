import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  calendarDateIn,
  yearOf,
  type CaseCommand,
  type CaseOpened,
  type JurisdictionPolicy,
} from '@remedy/case-domain';
import { OrganisationDirectory } from '../organisations/organisation-directory.service';
import type { Organisation } from '../organisations/organisation.events';
import { CaseCommandPipeline } from '../pipeline/case-command-pipeline';
import type { CaseCommandResult } from '../pipeline/context';
import { DomainError } from '../pipeline/errors';
import { scopedId } from '../pipeline/ids';
import { CaseReferenceAllocator } from '../references/case-reference-allocator';
import { PersonIndex } from '../search/person-index';
import { Eraser } from '../erasure/erasure';
import { CLOCK, ERASER, JURISDICTION_POLICY, type Clock } from '../tokens';
import {
  ErasePersonalDataCommand,
  ExecuteCaseCommand,
  OpenCaseCommand,
  TransferCaseCommand,
} from './case.commands';

/** Organisations a command shares the case with: they must be in the directory. */
const sharingTarget = (input: ExecuteCaseCommand['input']): string | undefined => {
  switch (input.type) {
    case 'ReferCase':
      return input.toOrganisationId;
    case 'GrantLegalAidAccess':
      return input.legalAidOrganisationId;
    default:
      return undefined;
  }
};

@CommandHandler(ExecuteCaseCommand)
export class ExecuteCaseCommandHandler implements ICommandHandler<
  ExecuteCaseCommand,
  CaseCommandResult
> {
  constructor(
    private readonly pipeline: CaseCommandPipeline,
    private readonly directory: OrganisationDirectory,
  ) {}

  async execute({ caseId, input, ctx, created }: ExecuteCaseCommand): Promise<CaseCommandResult> {
    const target = sharingTarget(input);
    const { result } = await this.pipeline.execute(
      caseId,
      async ({ actor }) => {
        if (target !== undefined) await this.directory.require(target, 'REFERRAL_TARGET_UNKNOWN');
        return { ...input, actor } as CaseCommand;
      },
      ctx,
      { answer: created },
    );
    return { ...result, ...created };
  }
}

/**
 * What opening and transferring a case share: the organisation's own case reference, allocated in
 * the year of the command (jurisdiction's time zone), and the person's blind index under it.
 */
@Injectable()
abstract class CaseReferenceHandler {
  constructor(
    protected readonly pipeline: CaseCommandPipeline,
    protected readonly directory: OrganisationDirectory,
    private readonly references: CaseReferenceAllocator,
    protected readonly personIndex: PersonIndex,
    @Inject(JURISDICTION_POLICY) private readonly policy: JurisdictionPolicy,
  ) {}

  /** The organisation's next case reference in the year of `now`. */
  protected referenceFor(organisation: Organisation, now: Date): Promise<string> {
    return this.references.allocate(
      organisation.organisationId,
      organisation.code,
      yearOf(calendarDateIn(now, this.policy.timeZone)),
    );
  }
}

@CommandHandler(OpenCaseCommand)
export class OpenCaseHandler
  extends CaseReferenceHandler
  implements ICommandHandler<OpenCaseCommand, CaseCommandResult>
{
  async execute({ input, ctx }: OpenCaseCommand): Promise<CaseCommandResult> {
    const caseId = scopedId(
      { userId: ctx.actor.userId, route: ctx.route, idempotencyKey: ctx.idempotencyKey },
      'case',
    );
    const organisation = await this.directory.require(
      ctx.actor.organisationId,
      'ORGANISATION_NOT_IN_DIRECTORY',
    );
    let caseReference = '';
    const outcome = await this.pipeline.execute(
      caseId,
      async ({ actor, now }) => {
        caseReference ||= await this.referenceFor(organisation, now);
        return { type: 'OpenCase', actor, caseId, caseReference, ...input };
      },
      ctx,
      { creates: true },
    );
    const opened = outcome.events.find((e): e is CaseOpened => e.type === 'CaseOpened');
    if (opened)
      await this.personIndex.indexCase(
        caseId,
        ctx.actor.organisationId,
        caseReference,
        opened.data.personal,
      );
    return { ...outcome.result, caseReference: caseReference || (await this.referenceOf(caseId)) };
  }

  private async referenceOf(caseId: string): Promise<string> {
    // A retry answered from the store: the reference is in the CaseOpened event (readable).
    return this.pipeline.caseReferenceOf(caseId);
  }
}

@CommandHandler(TransferCaseCommand)
export class TransferCaseHandler
  extends CaseReferenceHandler
  implements ICommandHandler<TransferCaseCommand, CaseCommandResult>
{
  async execute({ caseId, input, ctx }: TransferCaseCommand): Promise<CaseCommandResult> {
    // The receiver is looked up once the caller's access to the case is decided (the pipeline's
    // 404 / 403 come first: an outsider naming an unknown receiver learns nothing else).
    let receiver: Organisation | undefined;
    let caseReference = '';
    const outcome = await this.pipeline.execute(
      caseId,
      async ({ actor, now }) => {
        receiver ??= await this.directory.require(
          input.toOrganisationId,
          'REFERRAL_TARGET_UNKNOWN',
        );
        caseReference ||= await this.referenceFor(receiver, now);
        return { type: 'TransferCase', actor, caseReference, ...input };
      },
      ctx,
    );
    // The opening is in the events read only for a short stream (else before its snapshot).
    const opening = !outcome.appended
      ? undefined
      : (outcome.history.find((e) => e.type === 'CaseOpened') ??
        (await this.pipeline.caseOpening(caseId)));
    const opened = opening?.type === 'CaseOpened' ? (opening as CaseOpened) : undefined;
    if (outcome.appended && opened && receiver) {
      await this.personIndex.reindexCase(
        caseId,
        receiver.organisationId,
        caseReference,
        opened.data.personal,
      );
    }
    return { ...outcome.result, ...(caseReference ? { caseReference } : {}) };
  }
}

@CommandHandler(ErasePersonalDataCommand)
export class ErasePersonalDataHandler implements ICommandHandler<
  ErasePersonalDataCommand,
  CaseCommandResult
> {
  constructor(
    private readonly pipeline: CaseCommandPipeline,
    @Inject(ERASER) private readonly eraser: Eraser,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ caseId, ctx }: ErasePersonalDataCommand): Promise<CaseCommandResult> {
    const erasureRequestId = scopedId(
      { userId: ctx.actor.userId, route: ctx.route, idempotencyKey: ctx.idempotencyKey },
      'erasure',
    );
    let result: CaseCommandResult;
    try {
      ({ result } = await this.pipeline.execute(
        caseId,
        ({ actor }) => ({ type: 'ErasePersonalData', actor, erasureRequestId }),
        ctx,
      ));
    } catch (error) {
      // The stream already records the erasure (an earlier attempt may have stopped before the
      // ledger or the shredding): finish it, then report the refusal as it is.
      if (error instanceof DomainError && error.rule === 'RULE_7_CASE_ERASED')
        await this.eraser.finish(caseId);
      throw error;
    }
    // The ledger line first (fsynced, outside the database backups), then every erasure step
    // (crypto-shredding, lookup rows, stored answers, reminders: see erasure/erasure.ts).
    try {
      await this.eraser.erased({
        caseId,
        erasureRequestId,
        userId: ctx.actor.userId,
        organisationId: ctx.actor.organisationId,
        erasedAt: this.clock().toISOString(),
      });
    } catch {
      // The event is in the stream; the ledger or a step could not be written (a dependency is
      // down). A retry (the same Idempotency-Key, or a new request) finishes it.
      throw new ServiceUnavailableException(
        'The erasure is recorded but could not be completed; send the request again',
      );
    }
    return { ...result, erasureRequestId };
  }
}
