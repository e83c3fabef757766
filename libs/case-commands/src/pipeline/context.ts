import type { Actor } from '@remedy/auth';
import type { WriteWithCommand } from '@remedy/http';

/** What a command carries from its HTTP request: opaque ids and headers, never personal data. */
export interface CommandContext {
  readonly actor: Actor;
  /** The request id (event metadata correlationId). */
  readonly requestId: string;
  /** `POST /cases/<uuid>/notes`: method and path (opaque ids only, no query string). */
  readonly route: string;
  readonly idempotencyKey?: string;
  /**
   * The Idempotency-Key's first use (its reservation inserted the record): no earlier append of
   * this command can exist, so none is looked up on the stream. False or absent: looked up.
   */
  readonly idempotencyKeyFirstUse?: boolean;
  /** The stream revision the client expects (`If-Match: "<revision>"`). */
  readonly ifMatch?: bigint;
  /**
   * What the request's interceptors offer to commit with the append (the audit row, the
   * Idempotency-Key record): @remedy/http `writesWithCommand`. Used when the handler gives the
   * pipeline its whole answer (`PipelineOptions.answer`).
   */
  readonly withCommand?: readonly WriteWithCommand[];
  /**
   * The request (an opaque key): the case stream the access policy's guard read for it is reused
   * by the pipeline's first attempt rather than read again (issue 18 item 1).
   */
  readonly scope?: object;
}

/** The answer to every case command: ETag = revision, X-Position = position. */
export interface CaseCommandResult {
  readonly caseId: string;
  readonly revision: number;
  readonly position: string;
  /** Ids the command created (referralId, noteId, ...), when it created one. */
  readonly [created: string]: string | number;
}
