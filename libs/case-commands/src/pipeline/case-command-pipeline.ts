import {
  ForbiddenException,
  Inject,
  Injectable,
  Optional,
  PreconditionFailedException,
} from '@nestjs/common';
import type { Pool } from 'pg';
import {
  caseReachOf,
  decide,
  evolve,
  type ActorRole,
  type CaseCommand,
  type CaseEvent,
  type CaseState,
  type JurisdictionPolicy,
} from '@remedy/case-domain';
import {
  caseIdOfStream,
  caseStreamId,
  forgetCaseRead,
  heldCaseRead,
  openEvent,
  readCase,
  sealEvent,
  CaseStream,
} from '@remedy/case-stream';
import { PersonalDataErasedError, type CaseCipher, type NewCaseKey } from '@remedy/crypto';
import {
  EVENT_STORE,
  formatPosition,
  retryWithBackoff,
  WrongExpectedVersionError,
  type AlongsideWrite,
  type EventStore,
  type NewEvent,
} from '@remedy/event-store';
import { adultDateWithAppend, keepAdultDate } from '../adult-dates/adult-dates';
import { CASE_CIPHER, CLOCK, COMMANDS_POOL, JURISDICTION_POLICY, type Clock } from '../tokens';
import { assertCan, assertCanOnCase, caseActorRoleOf } from '@remedy/access-policy';
import type { CaseCommandResult, CommandContext } from './context';
import { DomainError } from './errors';
import { scopedId } from './ids';
import { StreamQueue } from './stream-queue';

/** What a use case builds its domain command from. */
export interface DecisionInput {
  /** The case's state with personal data decrypted (ERASED after erasure). */
  readonly state: CaseState;
  /** The actor as the domain sees it (role mapped from the token's roles). */
  readonly actor: {
    readonly userId: string;
    readonly organisationId: string;
    readonly role: ActorRole;
  };
  readonly now: Date;
}

export interface PipelineOptions {
  /** The command opens the stream (no 404 for a missing case). */
  readonly creates?: boolean;
  /**
   * The handler's answer is the pipeline's result with these fields, nothing else follows the
   * append: the request's audit row and Idempotency-Key record (`CommandContext.withCommand`) are
   * then committed with the append, in its one statement (PostgreSQL store; issue 18 item 3).
   */
  readonly answer?: Readonly<Record<string, string>> | (() => Readonly<Record<string, string>>);
  /**
   * The use case's own writes for the decided events (e.g. the person's blind index and matching
   * tokens of an opening), committed in the append's one statement on the PostgreSQL store
   * (`PipelineOutcome.writtenWithAppend`); when the store could not, the use case writes them
   * itself after the append.
   */
  readonly withAppend?: (events: readonly CaseEvent[]) => readonly AlongsideWrite[];
}

export interface PipelineOutcome {
  readonly result: CaseCommandResult;
  /** The new events, personal data in clear (for the use case's follow-up, e.g. the blind index). */
  readonly events: readonly CaseEvent[];
  /**
   * The events the decision read: those after the stream's latest snapshot (the whole history
   * only for a short stream), personal data in clear for PERSONAL_FOLDED_EVENTS (the opening
   * among them), sealed for the others. See `caseOpening` for the first event.
   */
  readonly history: readonly CaseEvent[];
  /** False when a retry found the command already appended (nothing new was written). */
  readonly appended: boolean;
  /** True when `PipelineOptions.withAppend`'s writes were committed with the append. */
  readonly writtenWithAppend?: boolean;
}

/**
 * How a command sent without If-Match is retried when another process appended to the case between
 * its read and its append (in this process, commands on one case already run one at a time): up to
 * 8 attempts in all, after 5, 10, 20, 40, 80, 100, 100 ms (each up to half shorter, at random, so
 * that rival processes do not retry in step); then 409. With If-Match there is no retry: the
 * client asked for that revision (409 on a lost race, 412 when it reads a newer one).
 */
export const CONFLICT_RETRY = {
  maxAttempts: 8,
  initialDelayMs: 5,
  maxDelayMs: 100,
  jitter: 0.5,
} as const;

/** The case was erased between an attempt's read and its sealing: the attempt reads again. */
class ErasedMeanwhile extends Error {
  override readonly name = 'ErasedMeanwhile';
}

/**
 * A new stream's append that did not write (its events were already in place: an earlier append
 * of the same command, with the same Idempotency-Key), or found a data key row of the case
 * without its stream: the attempt reads the stream again and answers from it, or opens the case
 * with the key that is there (`Attempts.keyRowFound`).
 */
class ReadAgain extends Error {
  override readonly name = 'ReadAgain';
}

/** What one command's attempts learn from each other. */
interface Attempts {
  /** The case has a `case_data_keys` row already (its stream did not exist): it is used. */
  keyRowFound?: boolean;
}

/**
 * The one place every case command goes through, one command per case at a time in this process
 * (StreamQueue): load stream → upcast → access (404 across organisations, 403 for roles) →
 * If-Match (412) → decrypt personal data → evolve → decide(command, state, now, policy) →
 * DomainError on refusal → encrypt personal data of the new events → append at the loaded
 * revision → on a concurrent write by another process, re-load and re-decide when the client sent
 * no If-Match (CONFLICT_RETRY; else 409).
 */
@Injectable()
export class CaseCommandPipeline {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CASE_CIPHER) private readonly cipher: CaseCipher,
    @Inject(JURISDICTION_POLICY) private readonly policy: JurisdictionPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
    /** Where the exact adult date is kept (`case_adult_dates`); none: not kept (standalone erasure). */
    @Optional() @Inject(COMMANDS_POOL) private readonly pool?: Pick<Pool, 'query'>,
  ) {}

  private readonly queue = new StreamQueue();

  /**
   * The last revision this process appended per stream (bounded): a read the guard made before
   * the command's turn in the queue is not used once the stream moved past it here.
   */
  private readonly appendedHere = new Map<string, bigint>();

  execute(
    caseId: string,
    build: (input: DecisionInput) => CaseCommand | Promise<CaseCommand>,
    ctx: CommandContext,
    options: PipelineOptions = {},
  ): Promise<PipelineOutcome> {
    return this.queue.run(caseStreamId(caseId), async () => {
      let attempts = 0;
      const learnt: Attempts = {};
      const outcome = await retryWithBackoff(
        () => this.attempt(caseId, build, ctx, options, ++attempts, learnt),
        {
          ...CONFLICT_RETRY,
          retryOn: (error) =>
            error instanceof ErasedMeanwhile ||
            error instanceof ReadAgain ||
            (error instanceof WrongExpectedVersionError && ctx.ifMatch === undefined),
        },
      );
      return outcome!; // undefined only when a signal aborts a delay; none is given
    });
  }

  /** One read → decide → append; throws WrongExpectedVersionError when the stream moved. */
  private async attempt(
    caseId: string,
    build: (input: DecisionInput) => CaseCommand | Promise<CaseCommand>,
    ctx: CommandContext,
    options: PipelineOptions,
    attempt: number,
    learnt: Attempts,
  ): Promise<PipelineOutcome> {
    const streamId = caseStreamId(caseId);
    const commandId = scopedId(
      { userId: ctx.actor.userId, route: ctx.route, idempotencyKey: ctx.idempotencyKey },
      'command',
    );
    const stream = await this.read(caseId, ctx, attempt, options);
    const { revision } = stream;

    // Access first, on the readable facts only: nothing is decrypted for a caller without access.
    const coarse = stream.readableState();
    // An erased case: no key of it stays cached here, whether or not the destroy notification
    // of the process that erased it has arrived (the erasure event precedes the destruction).
    if (coarse.erased) this.cipher.forgetCaseKey(caseId);
    // The access policy (@remedy/access-policy): 404 for a case the organisation does not reach
    // (decided on this stream), 403 for a role that may not act on cases.
    if (stream.exists || !options.creates) {
      const reach = caseReachOf(coarse, ctx.actor.organisationId);
      assertCanOnCase(ctx.actor, 'command', 'Case', reach, 'This role may not act on cases');
    } else assertCan(ctx.actor, 'create', 'Case', 'This role may not open cases');
    const role = caseActorRoleOf(ctx.actor.roles);
    if (role === undefined) throw new ForbiddenException('This role may not act on cases');
    if (ctx.ifMatch !== undefined && ctx.ifMatch !== (revision ?? -1n)) {
      throw new PreconditionFailedException(
        `If-Match does not match the case's current revision ${revision === undefined ? 'none' : String(revision)}`,
      );
    }

    // A retry of a command that already reached the store (same Idempotency-Key): answer from it.
    const already = this.alreadyAppended(stream, ctx, commandId);
    if (already) return { ...already, history: [], events: [] };

    const { history, state } = await stream.opened(this.cipher);
    const now = this.clock();
    const command = await build({
      state,
      actor: { userId: ctx.actor.userId, organisationId: ctx.actor.organisationId, role },
      now,
    });
    const decision = decide(command, state, now, this.policy);
    if (!decision.ok) {
      // A key's first use looked no earlier append up; a refusal may still be the retry of one
      // whose key record is gone (an erasure deletes the case's records): look once, then refuse.
      if (!this.looksUp(ctx, attempt) && ctx.idempotencyKey !== undefined) {
        const again = await readCase(this.store, caseId, {
          snapshot: true,
          cipher: this.cipher,
          findAppendOf: this.firstEventId(ctx),
        });
        const earlier = this.alreadyAppended(again, ctx, commandId);
        if (earlier) return { ...earlier, history: [], events: [] };
      }
      throw new DomainError(decision.error.rule, decision.error.message);
    }

    // A new case's data key: on a store that commits other writes with the append (PostgreSQL),
    // its row is inserted by the append's own statement (no round trip of its own; the key exists
    // exactly when the events it sealed do); else created first, without looking for one.
    let newKey: NewCaseKey | undefined;
    const sealing = async () => {
      if (!stream.exists) {
        if (this.store.writesAlongside === true && !learnt.keyRowFound)
          newKey = await this.cipher.newCaseKey(caseId);
        else await this.cipher.createCaseKey(caseId);
      }
      return Promise.all(decision.events.map((e) => sealEvent(this.cipher, caseId, e)));
    };
    const sealed = await sealing().catch((error: unknown) => {
      newKey?.discard();
      // The key was destroyed after this attempt read the stream: an erasure was appended
      // meanwhile. Read again (422 for the erased case, or 412 for a stale If-Match).
      throw error instanceof PersonalDataErasedError ? new ErasedMeanwhile() : error;
    });
    const newEvents: NewEvent[] = sealed.map((e, i) => ({
      id: scopedId(
        { userId: ctx.actor.userId, route: ctx.route, idempotencyKey: ctx.idempotencyKey },
        `event:${i}`,
      ),
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: e.data,
      metadata: {
        correlationId: ctx.requestId,
        causationId: commandId,
        userId: ctx.actor.userId,
        organisationId: ctx.actor.organisationId,
      },
      occurredAt: new Date(e.data.occurredAt),
    }));
    // One statement: the events, the adult date, and (when the answer is complete) the audit row
    // and the Idempotency-Key record; each written afterwards instead when the store cannot.
    const after = decision.events.reduce(evolve, state);
    const adultDate = this.pool && after.caseId ? adultDateWithAppend(after) : undefined;
    const offered = options.answer !== undefined ? (ctx.withCommand ?? []) : [];
    const answer = {
      caseId,
      ...(typeof options.answer === 'function' ? options.answer() : options.answer),
    };
    const own = options.withAppend?.(decision.events) ?? [];
    const alongside: AlongsideWrite[] = [
      ...(newKey ? [newKey.insert] : []),
      ...(adultDate ? [adultDate] : []),
      ...own,
      ...offered.map((w) => w.statement({ caseId, body: answer })),
    ];
    forgetCaseRead(ctx.scope, caseId);
    const appended = await this.store
      .append(streamId, newEvents, revision ?? 'no_stream', { alongside })
      .catch((error: unknown) => {
        newKey?.discard();
        if (newKey && this.cipher.isCaseKeyConflict(error)) {
          // A key row of the case without its stream (an orphan of an earlier failed opening, or
          // a tombstone): nothing was written; the next attempt reads and uses that row.
          learnt.keyRowFound = true;
          throw new ReadAgain();
        }
        throw error;
      });
    if (newKey) {
      if (appended.alongsideWritten !== true) {
        // The events were in place already (the same command appended them before: a retry whose
        // Idempotency-Key record is gone) and nothing of this attempt was written, its key
        // neither: read the stream and answer from that append.
        newKey.discard();
        throw new ReadAgain();
      }
      newKey.committed();
    }
    this.noteAppended(streamId, appended.nextRevision);
    if (appended.alongsideWritten) for (const w of offered) w.committed = true;
    else await this.keepAdultDate(after, appended.nextRevision);
    return {
      result: {
        caseId,
        revision: Number(appended.nextRevision),
        position: formatPosition(appended.position),
      },
      events: decision.events,
      history,
      appended: true,
      writtenWithAppend: own.length > 0 && appended.alongsideWritten === true,
    };
  }

  /**
   * "Child now" on the read side follows the decider (issue 12 item 9): the day the person turns 18
   * by the exact birth date is personal, so it is kept in `case_adult_dates` (see
   * adult-dates/adult-dates.ts), not in an event or a projection, and deleted as soon as the state
   * no longer knows the birth date (a corrected estimate, erasure). A crash between the append and
   * this write leaves the row missing or stale: `AdultDatesReconciler` (at the API's start-up, or
   * `npm run cli -- cases reconcile-adult-dates`) brings it back in line with the stream.
   */
  private async keepAdultDate(after: CaseState, revision: bigint): Promise<void> {
    if (!this.pool || !after.caseId) return;
    await keepAdultDate(this.pool, after, revision);
  }

  /**
   * The stream as the command decides on it: from its latest snapshot (the events after it only;
   * decrypting only those), with the command's own earlier append looked up by id when it carries
   * an Idempotency-Key used before (not on the key's first use: no such append can exist). The
   * first attempt reuses the read the access policy's guard made for the request, unless this
   * process appended to the stream since or the lookup is needed.
   */
  private async read(
    caseId: string,
    ctx: CommandContext,
    attempt: number,
    options: PipelineOptions,
  ): Promise<CaseStream> {
    // A new case's first attempt without an Idempotency-Key: its id is random (`scopedId`), so its
    // stream cannot exist; were it there, the append at 'no_stream' would conflict and the retry
    // read it. With a key used for the first time, on a store that commits the new data key with
    // the append (PostgreSQL), the same: a stream already there (the key's record deleted since
    // the case was opened with it, e.g. by an erasure) makes the append write nothing, none of its
    // alongside writes either, and the retry reads it (`ReadAgain`) and answers from it.
    if (
      options.creates &&
      attempt === 1 &&
      (ctx.idempotencyKey === undefined ||
        (!this.looksUp(ctx, attempt) && this.store.writesAlongside === true))
    )
      return new CaseStream(caseId, []);
    const lookup = this.looksUp(ctx, attempt);
    const held = attempt === 1 && !lookup ? heldCaseRead(ctx.scope, caseId) : undefined;
    if (held) {
      const stream = await held.catch(() => undefined);
      const here = this.appendedHere.get(caseStreamId(caseId));
      const current =
        stream !== undefined &&
        (here === undefined || (stream.revision !== undefined && stream.revision >= here));
      if (current) return stream;
    }
    return readCase(this.store, caseId, {
      snapshot: true,
      cipher: this.cipher,
      findAppendOf: lookup ? this.firstEventId(ctx) : undefined,
    });
  }

  /**
   * Whether an attempt's read looks the command's earlier append up: with an Idempotency-Key,
   * unless it is the key's first use (no such append can exist). On a retry after a conflict too:
   * the event ids are the command's own (`scopedId`) and unique in the store, so an append that
   * exists despite a first use (its key record deleted) makes the first attempt conflict, and the
   * retry answers from it. A refused first use looks once before refusing (`attempt`).
   */
  private looksUp(ctx: CommandContext, attempt: number): boolean {
    return ctx.idempotencyKey !== undefined && (ctx.idempotencyKeyFirstUse !== true || attempt > 1);
  }

  /** The id of the first event the command appends (the lookup's key). */
  private firstEventId(ctx: CommandContext): string {
    return scopedId(
      { userId: ctx.actor.userId, route: ctx.route, idempotencyKey: ctx.idempotencyKey },
      'event:0',
    );
  }

  private noteAppended(streamId: string, revision: bigint): void {
    this.appendedHere.delete(streamId);
    this.appendedHere.set(streamId, revision);
    // Bounded: the oldest entries go (a read older than a forgotten append at worst conflicts
    // and is retried on a fresh read).
    if (this.appendedHere.size > 10_000) {
      const oldest = this.appendedHere.keys().next().value;
      if (oldest !== undefined) this.appendedHere.delete(oldest);
    }
  }

  /** The case's opening event (revision 0) with its personal part opened (ERASED once shredded). */
  async caseOpening(caseId: string): Promise<CaseEvent | undefined> {
    const stream = await readCase(this.store, caseId, { toRevision: 0n });
    const first = stream.events[0];
    return first ? openEvent(this.cipher, caseId, first) : undefined;
  }

  /** The case reference recorded when the case was opened (readable; '' when none). */
  async caseReferenceOf(caseId: string): Promise<string> {
    const { recorded } = await readCase(this.store, caseId, { toRevision: 0n });
    const data = recorded[0]?.data as { caseReference?: unknown } | undefined;
    return typeof data?.caseReference === 'string' ? data.caseReference : '';
  }

  /** The command's own earlier append, found by its first event's id (`found`), not by scanning. */
  private alreadyAppended(
    stream: CaseStream,
    ctx: CommandContext,
    commandId: string,
  ): Omit<PipelineOutcome, 'history' | 'events'> | undefined {
    if (ctx.idempotencyKey === undefined) return undefined;
    const last = stream.found;
    if (
      !last ||
      last.metadata.causationId !== commandId ||
      last.metadata.userId !== ctx.actor.userId
    )
      return undefined;
    const caseId = caseIdOfStream(last.streamId);
    return {
      result: { caseId, revision: Number(last.revision), position: formatPosition(last.position) },
      appended: false,
    };
  }
}
