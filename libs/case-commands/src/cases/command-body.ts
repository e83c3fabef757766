import { applyDecorators, Controller, Param } from '@nestjs/common';
import type { CaseCommand } from '@remedy/case-domain';
import { instanceToPlain } from 'class-transformer';
import { CommandCtx } from '../pipeline/command-context.decorator';
import type { CaseCommandResult, CommandContext } from '../pipeline/context';
import type { GenericCaseCommandInput } from './case.commands';
import { CaseCommandController, CaseCommandEndpoints, newIdFor, Uuid } from './command-endpoint';
import type { CreatedId } from './dto/case-command-response.dto';

/**
 * The body of a case command as the client states it: the domain's command without its type, the
 * actor and the ids the path or the application supply (`Supplied`). A command's DTO `implements`
 * it, so the compiler checks that the HTTP shape and the domain agree.
 */
export type CommandBody<C extends CaseCommand, Supplied extends keyof C = never> = Omit<
  C,
  'type' | 'actor' | Supplied
>;

/**
 * The facts of a command as its validated DTO states them, as plain data: nested DTOs become plain
 * objects and a field the client left out is absent (a DTO instance carries every declared field,
 * those not given as undefined). class-transformer, which made the instance, makes it plain again.
 */
export const factsOf = <T extends object>(dto: T): T =>
  instanceToPlain(dto, { exposeUnsetFields: false }) as T;

/** A controller of commands under `/cases` (OpenAPI tag `cases`; the claims have their own). */
export const CaseCommandsController = () =>
  applyDecorators(CaseCommandEndpoints('cases'), Controller('cases'));

/** A command that carries the id `K` it creates, stated without it (the application makes it). */
type WithoutCreated<C, K extends PropertyKey> = C extends unknown
  ? K extends keyof C
    ? Omit<C, K>
    : never
  : never;

/**
 * A controller of commands to an existing case whose methods state the command as
 * `{ type, ...dto, ...ids }`: run as the plain facts the client gave (`factsOf`); a command that
 * creates something (`creates` of its route) runs with `runCreating`.
 */
export abstract class CaseCommands extends CaseCommandController {
  protected override run(
    caseId: string,
    input: GenericCaseCommandInput,
    ctx: CommandContext,
    created: Record<string, string> = {},
  ): Promise<CaseCommandResult> {
    return super.run(caseId, factsOf(input), ctx, created);
  }

  /**
   * Runs a command that creates `id`: a new id (`newIdFor`, the same for a retry under the same
   * Idempotency-Key) goes into the command, as its last field, and into the answer.
   */
  protected runCreating<K extends CreatedId>(
    caseId: string,
    id: K,
    input: WithoutCreated<GenericCaseCommandInput, K>,
    ctx: CommandContext,
  ): Promise<CaseCommandResult> {
    const created = { [id]: newIdFor(ctx, id) };
    return this.run(caseId, { ...input, ...created } as GenericCaseCommandInput, ctx, created);
  }
}

/** An id of the path (`:caseId`, `:referralId`, ...): a UUID, else 400. */
export const PathId = (name: string) => Param(name, Uuid);
/** The case a command goes to (`:caseId`). */
export const CaseId = () => PathId('caseId');
/** The command's context (`CommandCtx`): actor, request id, route, Idempotency-Key, If-Match. */
export const Ctx = CommandCtx;
export type Ctx = CommandContext;
