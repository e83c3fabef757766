import {
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { assertCan, Policy } from '@remedy/access-policy';
import { CurrentActor, type Actor } from '@remedy/auth';
import { DueReminder, DueReminderList, listDueReminders, markReminderDone } from './due-reminders';

import { problem } from '@remedy/http';

export class DueRemindersQuery {
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeDone?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

const REMINDER_ID = /^[A-Za-z0-9_-]{1,400}$/;

const REMINDERS_FOR_CASE_ROLES = "Reminders are for the organisation's case roles";

/** Reminders that have fallen due, for the caller's organisation only. */
@ApiTags('reminders')
@ApiBearerAuth()
@Controller('reminders')
export class RemindersController {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  @Get('due')
  @Policy('list', 'Reminder', { refusal: REMINDERS_FOR_CASE_ROLES })
  @ApiOperation({
    summary: "Due reminders of the caller's organisation (open ones unless includeDone)",
  })
  @ApiOkResponse({ type: DueReminderList })
  async due(
    @CurrentActor() actor: Actor,
    @Query() query: DueRemindersQuery,
  ): Promise<DueReminderList> {
    assertCan(actor, 'list', 'Reminder', REMINDERS_FOR_CASE_ROLES);
    return { items: await listDueReminders(this.dataSource, actor.organisationId, query) };
  }

  @Post('due/:reminderId/done')
  // A due reminder's id is not a UUID (REMINDER_ID).
  @Policy('update', 'Reminder', { refusal: REMINDERS_FOR_CASE_ROLES, opaqueIds: ['reminderId'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Marks a due reminder done (idempotent)' })
  @ApiOkResponse({ type: DueReminder, description: 'The reminder, done' })
  async done(
    @CurrentActor() actor: Actor,
    @Param('reminderId') reminderId: string,
  ): Promise<DueReminder> {
    assertCan(actor, 'update', 'Reminder', REMINDERS_FOR_CASE_ROLES);
    const done = REMINDER_ID.test(reminderId)
      ? await markReminderDone(this.dataSource, actor.organisationId, reminderId, actor.userId)
      : undefined;
    if (!done) throw new NotFoundException(problem(404, 'No such due reminder'));
    return done;
  }
}
