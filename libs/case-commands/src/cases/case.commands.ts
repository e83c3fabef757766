import { Command } from '@nestjs/cqrs';
import type { CaseCommand, OpenCase, TransferCase } from '@remedy/case-domain';
import type { CaseCommandResult, CommandContext } from '../pipeline/context';

type WithoutActor<C> = C extends CaseCommand ? Omit<C, 'actor'> : never;

/** Every case command as the client states it (the actor comes from the token). */
export type CaseCommandInput = WithoutActor<CaseCommand>;

/** Commands with a use case of their own (reference allocation, blind index, key shredding). */
type OwnUseCase = 'OpenCase' | 'TransferCase' | 'ErasePersonalData';
export type GenericCaseCommandInput = Exclude<CaseCommandInput, { type: OwnUseCase }>;

/** A command on an existing case, decided by the pure decider through the pipeline. */
export class ExecuteCaseCommand extends Command<CaseCommandResult> {
  constructor(
    readonly caseId: string,
    readonly input: GenericCaseCommandInput,
    readonly ctx: CommandContext,
    /** Ids the application generated for the command (returned to the client). */
    readonly created: Readonly<Record<string, string>> = {},
  ) {
    super();
  }
}

export type OpenCaseInput = Omit<OpenCase, 'type' | 'actor' | 'caseId' | 'caseReference'>;

/** Opens a case: a new stream, a case reference, the person's blind index. */
export class OpenCaseCommand extends Command<CaseCommandResult> {
  constructor(
    readonly input: OpenCaseInput,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

export type TransferCaseInput = Omit<TransferCase, 'type' | 'actor' | 'caseReference'>;

/** Transfers a case to a directory organisation, which gets its own reference for it. */
export class TransferCaseCommand extends Command<CaseCommandResult> {
  constructor(
    readonly caseId: string,
    readonly input: TransferCaseInput,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/** Erases the person's personal data: the erasure event, then the case's data key is destroyed. */
export class ErasePersonalDataCommand extends Command<CaseCommandResult> {
  constructor(
    readonly caseId: string,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
