import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  calendarDateIn,
  evolveAll,
  yearOf,
  type CaseCommand,
  type CaseEvent,
  type CaseOpened,
  type JurisdictionPolicy,
} from '@remedy/case-domain';
import { OrganisationDirectory } from '../organisations/organisation-directory.service';
import type { RegisteredOrganisation } from '../organisations/organisation-directory.service';
import { CaseCommandPipeline } from '../pipeline/case-command-pipeline';
import type { CaseCommandResult } from '../pipeline/context';
import { DomainError } from '../pipeline/errors';
import { scopedId } from '../pipeline/ids';
import { CaseReferenceAllocator } from '../references/case-reference-allocator';
import { PersonIndex } from '../search/person-index';
import { Eraser } from '../erasure/erasure';
import { readCase } from '@remedy/case-stream';
import { EVENT_STORE, type AlongsideWrite, type EventStore } from '@remedy/event-store';
import { personToMatch } from '../duplicates/person-identifiers';
import type { PersonMatchTokens } from '../duplicates/person-match-tokens';
import { CLOCK, ERASER, JURISDICTION_POLICY, PERSON_MATCH_TOKENS, type Clock } from '../tokens';
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

/** Commands that change what identifies the person: their matching tokens are recomputed. */
const changesIdentifiers = (input: ExecuteCaseCommand['input']): boolean =>
  input.type === 'VerifyAge' ||
  (input.type === 'CorrectFact' &&
    ['sexGender', 'citizenships', 'birthDate', 'estimatedAge'].includes(input.correction.fact));

const tokenLogger = new Logger('PersonMatchTokens');

const openingIn = (events: readonly CaseEvent[]): CaseOpened | undefined =>
  events.find((e): e is CaseOpened => e.type === 'CaseOpened');

/**
 * A follow-up write of the tokens after an append: a failure is logged (opaque ids only) and does
 * not fail the command, whose event is stored; the tokens are recomputed on the next suggestion
 * list of the case (on demand) or by `npm run cli -- cases backfill-match-tokens --from-start`.
 */
export const keepTokens = async (caseId: string, work: () => Promise<unknown>): Promise<void> => {
  try {
    await work();
  } catch (error) {
    tokenLogger.warn({
      msg: 'person match tokens not written',
      caseId,
      error: (error as Error).name,
    });
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
    @Inject(PERSON_MATCH_TOKENS) private readonly tokens: PersonMatchTokens,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ caseId, input, ctx, created }: ExecuteCaseCommand): Promise<CaseCommandResult> {
    const target = sharingTarget(input);
    const run = () =>
      this.pipeline.execute(
        caseId,
        async ({ actor }) => {
          if (target !== undefined) await this.directory.require(target, 'REFERRAL_TARGET_UNKNOWN');
          if (input.type === 'RecordDuplicateDecision')
            await this.requireOtherCase(caseId, input.otherCaseId, actor.organisationId);
          return { ...input, actor } as CaseCommand;
        },
        ctx,
        { answer: created },
      );
    const outcome =
      input.type === 'RecordDuplicateDecision'
        ? await this.tokens.withPairLock(caseId, input.otherCaseId, run)
        : await run();
    if (input.type === 'RecordDuplicateDecision') {
      // Never suggested again from now on, whichever stream holds the decision yet (the mirror on
      // the other case follows: the duplicate-decisions process manager of the worker).
      await keepTokens(caseId, () =>
        this.tokens.recordDecision(
          ctx.actor.organisationId,
          caseId,
          input.otherCaseId,
          input.decision,
          input.decisionId,
        ),
      );
    } else if (outcome.appended && changesIdentifiers(input)) {
      await keepTokens(caseId, () => this.tokens.refresh(caseId));
    }
    return { ...outcome.result, ...created };
  }

  /**
   * The other case of a duplicate decision is a case the caller's organisation holds, not erased:
   * else 422 DUPLICATE_OTHER_CASE_UNKNOWN, the same for a case of another organisation as for none
   * (its existence is not revealed). And the pair is not decided on the other case's stream
   * either (a decision made there whose mirror has not reached this case yet): else 422
   * DUPLICATE_ALREADY_DECIDED, as on this case's own stream. Called under the pair's lock.
   */
  private async requireOtherCase(
    caseId: string,
    otherCaseId: string,
    organisationId: string,
  ): Promise<void> {
    const other = await readCase(this.store, otherCaseId.toLowerCase(), { snapshot: true });
    const state = other.readableState();
    if (
      !other.exists ||
      state.erased ||
      state.holdingOrganisationId.toLowerCase() !== organisationId.toLowerCase()
    )
      throw new DomainError(
        'DUPLICATE_OTHER_CASE_UNKNOWN',
        "the other case is not a case of the caller's organisation",
      );
    const self = caseId.toLowerCase();
    if ([...state.sameAsCases, ...state.notSameAsCases].some((c) => c.toLowerCase() === self))
      throw new DomainError(
        'DUPLICATE_ALREADY_DECIDED',
        'this pair of cases has already been decided',
      );
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
    @Inject(JURISDICTION_POLICY) protected readonly policy: JurisdictionPolicy,
    @Inject(PERSON_MATCH_TOKENS) protected readonly tokens: PersonMatchTokens,
  ) {}

  /** The organisation's next case reference in the year of `now`. */
  protected referenceFor(organisation: RegisteredOrganisation, now: Date): Promise<string> {
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
      {
        creates: true,
        // The person's blind index and matching tokens, the audit row and the Idempotency-Key
        // record commit with the opening (one statement on the PostgreSQL store).
        answer: () => ({ caseReference }),
        withAppend: (events) => {
          const opened = openingIn(events);
          if (!opened) return [];
          const organisationId = ctx.actor.organisationId;
          const { personal } = opened.data;
          const index = this.personIndex.indexWithAppend(
            caseId,
            organisationId,
            caseReference,
            personal,
          );
          let tokens: AlongsideWrite | undefined;
          try {
            const person = personToMatch([opened], evolveAll([opened]));
            if (person)
              tokens = this.tokens.writeWithAppend(
                caseId,
                organisationId,
                caseReference,
                this.openedOn(opened),
                person,
              );
          } catch (error) {
            // As `keepTokens`: the opening does not fail for its tokens (computed on demand).
            tokenLogger.warn({
              msg: 'person match tokens not written',
              caseId,
              error: (error as Error).name,
            });
          }
          return [...(index ? [index] : []), ...(tokens ? [tokens] : [])];
        },
      },
    );
    const opened = openingIn(outcome.events);
    if (opened && !outcome.writtenWithAppend) {
      // A store that could not commit them with the append (EventStoreDB): written after it.
      await this.personIndex.indexCase(
        caseId,
        ctx.actor.organisationId,
        caseReference,
        opened.data.personal,
      );
      // The person's matching tokens (issue 19), from the clear values at hand.
      await keepTokens(caseId, async () => {
        const person = personToMatch([opened], evolveAll([opened]));
        if (person)
          await this.tokens.write(
            caseId,
            ctx.actor.organisationId,
            caseReference,
            this.openedOn(opened),
            person,
          );
      });
    }
    // A reference allocated by an attempt that found the case opened already (a retry) is not
    // the case's (references may have gaps): the answer gives the one recorded.
    return {
      ...outcome.result,
      caseReference:
        outcome.appended && caseReference ? caseReference : await this.referenceOf(caseId),
    };
  }

  private openedOn(opened: CaseOpened): string {
    return calendarDateIn(new Date(opened.data.occurredAt), this.policy.timeZone);
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
    let receiver: RegisteredOrganisation | undefined;
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
      // The receiver's own key: its tokens replace the sender's.
      await keepTokens(caseId, () => this.tokens.refresh(caseId));
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
