import { Body, Controller } from '@nestjs/common';
import type { CorrectionInput } from '@remedy/case-domain';
import { ErasePersonalDataCommand } from './case.commands';
import { CaseCommandEndpoints, CommandRoute, newIdFor } from './command-endpoint';
import { CASE_COMMANDS, CaseCommands, CaseId, Ctx } from './command-body';
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
  requestClosure(@CaseId() caseId: string, @Body() dto: RequestClosureDto, @Ctx() ctx: Ctx) {
    return this.run(caseId, { type: 'RequestClosure', ...dto }, ctx);
  }

  @CommandRoute(':caseId/closure/approve')
  approveClosure(@CaseId() caseId: string, @Body() dto: FreeTextCommandDto, @Ctx() ctx: Ctx) {
    return this.run(caseId, { type: 'ApproveClosure', ...dto }, ctx);
  }

  @CommandRoute(':caseId/reopen')
  reopen(@CaseId() caseId: string, @Body() dto: FreeTextCommandDto, @Ctx() ctx: Ctx) {
    return this.run(caseId, { type: 'ReopenCase', ...dto }, ctx);
  }

  @CommandRoute(':caseId/caseworker')
  assignCaseworker(@CaseId() caseId: string, @Body() dto: AssignCaseworkerDto, @Ctx() ctx: Ctx) {
    return this.run(caseId, { type: 'AssignCaseworker', ...dto }, ctx);
  }

  @CommandRoute(':caseId/notes', { creates: 'noteId' })
  addNote(@CaseId() caseId: string, @Body() dto: AddNoteDto, @Ctx() ctx: Ctx) {
    const noteId = newIdFor(ctx, 'noteId');
    return this.run(caseId, { type: 'AddNote', ...dto, noteId }, ctx, { noteId });
  }

  @CommandRoute(':caseId/corrections')
  correctFact(@CaseId() caseId: string, @Body() dto: CorrectFactDto, @Ctx() ctx: Ctx) {
    // The value was checked against its fact when the body was validated (CorrectionDto).
    const correction = dto.correction as CorrectionInput;
    return this.run(caseId, { type: 'CorrectFact', ...dto, correction }, ctx);
  }

  @CommandRoute(':caseId/erasure', {
    summary: "Erase the person's personal data (crypto-shredding; a supervisor of the holder)",
    creates: 'erasureRequestId',
  })
  erase(@CaseId() caseId: string, @Body() _dto: CommandDto, @Ctx() ctx: Ctx) {
    return this.bus.execute(new ErasePersonalDataCommand(caseId, ctx));
  }
}
