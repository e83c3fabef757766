import { Body, Controller, Param } from '@nestjs/common';
import type { CorrectionInput } from '@remedy/case-domain';
import { CommandCtx } from '../pipeline/command-context.decorator';
import type { CommandContext } from '../pipeline/context';
import { ErasePersonalDataCommand } from './case.commands';
import { CaseCommandEndpoints, CommandRoute, newIdFor, Uuid } from './command-endpoint';
import { CASE_COMMANDS, CaseCommands } from './command-body';
import { CommandDto, FreeTextCommandDto } from './dto/common.dto';
import {
  AddNoteDto,
  AssignCaseworkerDto,
  CorrectFactDto,
  RequestClosureDto,
} from './dto/lifecycle.dto';

/** The case's life: closure, reopening, the caseworker, notes, corrections, erasure. */
@CaseCommandEndpoints(CASE_COMMANDS)
@Controller('cases')
export class LifecycleController extends CaseCommands {
  @CommandRoute(':caseId/closure/request')
  requestClosure(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: RequestClosureDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'RequestClosure', ...dto }, ctx);
  }

  @CommandRoute(':caseId/closure/approve')
  approveClosure(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: FreeTextCommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'ApproveClosure', ...dto }, ctx);
  }

  @CommandRoute(':caseId/reopen')
  reopen(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: FreeTextCommandDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'ReopenCase', ...dto }, ctx);
  }

  @CommandRoute(':caseId/caseworker')
  assignCaseworker(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: AssignCaseworkerDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(caseId, { type: 'AssignCaseworker', ...dto }, ctx);
  }

  @CommandRoute(':caseId/notes')
  addNote(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: AddNoteDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const noteId = newIdFor(ctx, 'noteId');
    return this.run(caseId, { type: 'AddNote', ...dto, noteId }, ctx, { noteId });
  }

  @CommandRoute(':caseId/corrections')
  correctFact(
    @Param('caseId', Uuid) caseId: string,
    @Body() dto: CorrectFactDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    // The value was checked against its fact when the body was validated (CorrectionDto).
    const correction = dto.correction as CorrectionInput;
    return this.run(caseId, { type: 'CorrectFact', ...dto, correction }, ctx);
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
