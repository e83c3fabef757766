/**
 * Writes a request commits together with its command's append (issue 18 item 3): the audit row
 * (AuditInterceptor) and the Idempotency-Key record (CommandInterceptor) of a successful command
 * go into the append's one statement instead of their own transactions after it. An interceptor
 * registers its write on the request before the handler runs; a command whose answer is complete
 * once its events are appended (the case command pipeline, asked to by its handler) hands the
 * writes to the event store; the store says whether it committed them (`committed`), and an
 * interceptor writes its row itself, as before, when not (EventStoreDB, a command that did not
 * append, a route that is not such a command).
 */
export interface CommandAnswer {
  /** The case the command was on. */
  readonly caseId: string;
  /**
   * The answer's body without `revision` and `position`, which only the append knows: a write
   * reads them from `appended` (see @remedy/event-store `AlongsideWrite`).
   */
  readonly body: Readonly<Record<string, unknown>>;
}

export interface WriteWithCommand {
  /** The statement for this answer (@remedy/event-store `AlongsideWrite`). */
  statement(answer: CommandAnswer): { readonly text: string; readonly values: readonly unknown[] };
  /** Set to true once the append committed the statement. */
  committed: boolean;
}

const WRITES = Symbol('remedy.writesWithCommand');

type Carrier = { [WRITES]?: WriteWithCommand[] };

/** The request's writes to commit with its command's append (created empty on first use). */
export function writesWithCommand(req: object): WriteWithCommand[] {
  const carrier = req as Carrier;
  return (carrier[WRITES] ??= []);
}

/** Registers a write on the request; returns it (its `committed` tells whether the append took it). */
export function writeWithCommand(
  req: object,
  statement: WriteWithCommand['statement'],
): WriteWithCommand {
  const write: WriteWithCommand = { statement, committed: false };
  writesWithCommand(req).push(write);
  return write;
}

/**
 * The SQL of an answer's `revision` (the last appended revision, as a number) and `position`
 * ("commit.prepare" of the last appended event), for a statement run with the append.
 */
export const APPENDED_REVISION_SQL = '(SELECT max(stream_revision)::int FROM appended)';
export const APPENDED_POSITION_SQL = `(SELECT transaction_id::text || '.' || global_position::text
   FROM appended ORDER BY stream_revision DESC LIMIT 1)`;
