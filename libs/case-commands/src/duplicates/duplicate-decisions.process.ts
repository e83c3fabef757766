import { HttpException, Logger } from '@nestjs/common';
import type { DuplicateDecision } from '@remedy/case-domain';
import { caseIdOfStream } from '@remedy/case-stream';
import type { RecordedEvent } from '@remedy/event-store';
import { defineProjection, type ProjectionDefinition } from '@remedy/projections';
import type { CaseCommandPipeline } from '../pipeline/case-command-pipeline';
import type { CommandContext } from '../pipeline/context';
import { DomainError } from '../pipeline/errors';
import type { PersonMatchTokens } from './person-match-tokens';

/** The checkpoint name of the process manager (a row of `projection_checkpoints`). */
export const DUPLICATE_DECISIONS_PROCESS = 'process.duplicate-decisions';

/** The route the mirror appends are made under: with the decision id, it makes their event ids. */
export const MIRROR_ROUTE = 'PROCESS duplicate-decisions/mirror';

export interface DuplicateDecisionsProcessDeps {
  readonly pipeline: Pick<CaseCommandPipeline, 'execute'>;
  readonly tokens: Pick<PersonMatchTokens, 'recordDecision'>;
  /** Called before each mirror append (the fault test holds the process there to kill it). */
  readonly beforeMirror?: (decisionId: string) => Promise<void>;
  /** Called after each mirror append or skip. */
  readonly afterMirror?: (decisionId: string, outcome: MirrorOutcome) => void;
  readonly logger?: Pick<Logger, 'log' | 'warn'>;
}

export type MirrorOutcome = 'appended' | 'already' | 'refused';

interface DecisionData {
  readonly caseId: string;
  readonly organisationId: string;
  readonly actorId: string;
  readonly occurredAt: string;
  readonly decisionId: string;
  readonly otherCaseId: string;
  readonly decision: DuplicateDecision;
  readonly initiatedHere: boolean;
}

/**
 * The duplicate-decisions PROCESS MANAGER (issue 19): a decision is recorded first on the case the
 * caseworker acted on (`initiatedHere: true`); this appends its mirror on the other case's stream.
 *
 * It runs in the worker as a checkpointed subscription (a ProjectionRunner over this definition:
 * the checkpoint row advances in the batch's transaction, after `apply`), so a crash anywhere
 * between the two appends is resumed from the last checkpoint after a restart, and the decision
 * is mirrored then. At least once, made exactly once: the mirror is a command through the one
 * pipeline under Idempotency-Key = decision id and a fixed route, so its event id is deterministic
 * (`scopedId(actor, route, decisionId, 'event:0')`): a retry finds the earlier append by that id
 * and appends nothing; a second mirror would also be refused by the domain
 * (DUPLICATE_ALREADY_DECIDED). A mirror the domain refuses (the other case was erased or
 * transferred meanwhile) is logged with opaque ids and skipped.
 *
 * Only opaque ids are read and written here: the event has no personal part.
 */
export function duplicateDecisionsProcess(
  deps: DuplicateDecisionsProcessDeps,
): ProjectionDefinition {
  const logger = deps.logger ?? new Logger('DuplicateDecisions');
  const mirror = async (event: RecordedEvent): Promise<void> => {
    const data = event.data as unknown as DecisionData;
    if (data.initiatedHere !== true) return;
    const caseId = data.caseId || caseIdOfStream(event.streamId);
    // The pair is never suggested again (also written by the command; idempotent).
    await deps.tokens.recordDecision(
      data.organisationId,
      caseId,
      data.otherCaseId,
      data.decision,
      data.decisionId,
    );
    await deps.beforeMirror?.(data.decisionId);
    const ctx: CommandContext = {
      // On behalf of the user who decided (the organisation holds both cases).
      actor: { userId: data.actorId, organisationId: data.organisationId, roles: ['caseworker'] },
      requestId: data.decisionId,
      route: MIRROR_ROUTE,
      idempotencyKey: data.decisionId,
      idempotencyKeyFirstUse: false,
    };
    let outcome: MirrorOutcome;
    try {
      const result = await deps.pipeline.execute(
        data.otherCaseId,
        ({ actor }) => ({
          type: 'MirrorDuplicateDecision',
          actor,
          decisionId: data.decisionId,
          otherCaseId: caseId,
          decision: data.decision,
          occurredAt: data.occurredAt,
        }),
        ctx,
      );
      outcome = result.appended ? 'appended' : 'already';
    } catch (error) {
      // Refused for good (the domain's rule, or the case is out of the organisation's reach):
      // nothing to retry. Anything else (a dependency down) fails the batch: retried.
      const refused =
        error instanceof DomainError || (error instanceof HttpException && error.getStatus() < 500);
      if (!refused) throw error;
      outcome =
        error instanceof DomainError && error.rule === 'DUPLICATE_ALREADY_DECIDED'
          ? 'already'
          : 'refused';
      if (outcome === 'refused')
        logger.warn({
          msg: 'duplicate decision not mirrored',
          decisionId: data.decisionId,
          caseId: data.otherCaseId,
          rule: error instanceof DomainError ? error.rule : (error as HttpException).getStatus(),
        });
    }
    deps.afterMirror?.(data.decisionId, outcome);
  };
  return defineProjection({
    name: DUPLICATE_DECISIONS_PROCESS,
    eventTypes: ['DuplicateDecisionRecorded'],
    entities: [],
    // Small batches: each event is an append to another stream.
    batchSize: 20,
    async apply(events) {
      for (const event of events) await mirror(event);
    },
    // Nothing of its own to clear: replaying is idempotent (see above).
    async clear() {},
  });
}
