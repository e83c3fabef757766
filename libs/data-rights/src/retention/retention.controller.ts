import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  PreconditionFailedException,
  Put,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsInt, Max, Min, ValidateIf } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decideOrganisation, Policy } from '@remedy/access-policy';
import { CurrentActor, type Actor } from '@remedy/auth';
import { OrganisationDirectory } from '@remedy/case-commands';
import { RETENTION_SCHEDULES } from '../tokens';
import { RetentionScheduleSet, RetentionScheduleView } from '../views';
import {
  MAX_RETENTION_YEARS,
  MIN_RETENTION_YEARS,
  RetentionConflictError,
  RetentionPreconditionError,
  type RetentionSchedules,
} from './schedule';
import { Contract, problem } from '@remedy/http';

export class RetentionScheduleDto {
  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: MIN_RETENTION_YEARS,
    maximum: MAX_RETENTION_YEARS,
    description:
      "Erase a case's personal data this many whole years after its closure; null: no automatic erasure",
  })
  @ValidateIf((_o, v) => v !== null)
  @IsInt()
  @Min(MIN_RETENTION_YEARS)
  @Max(MAX_RETENTION_YEARS)
  erasePersonalDataYearsAfterClosure!: number | null;
}

const Uuid = new ParseUUIDPipe();
const RETENTION_SETTERS =
  "An organisation's retention schedule is set by its supervisors or an administrator";

function parseIfMatch(raw: string | string[] | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = typeof raw === 'string' ? /^\s*(?:W\/)?"?(-1|\d{1,9})"?\s*$/.exec(raw) : null;
  if (!m) {
    throw new BadRequestException(
      problem(
        400,
        'Invalid input: If-Match (expected an ETag such as "3" from an earlier response)',
        { fields: [{ name: 'if-match', reason: 'not an ETag of this API' }] },
      ),
    );
  }
  return Number(m[1]);
}

/**
 * An organisation's retention schedule: read and set by a supervisor of that organisation (the
 * organisation answers for its data) or by an administrator. The directory is public, so another
 * organisation's supervisor gets 403, an unknown organisation 404. Every call is audited by the
 * audit trail's interceptor, and each change is an event naming who made it.
 */
@ApiTags('organisations')
@ApiBearerAuth()
@Controller('organisations')
export class RetentionController {
  constructor(
    @Inject(RETENTION_SCHEDULES) private readonly schedules: RetentionSchedules,
    private readonly directory: OrganisationDirectory,
  ) {}

  private async authorise(
    actor: Actor,
    organisationId: string,
    action: 'read' | 'update',
  ): Promise<string> {
    const id = organisationId.toLowerCase();
    if (!(await this.directory.find(id)))
      throw new NotFoundException(problem(404, 'No such organisation'));
    // The access policy (@remedy/access-policy): its own supervisors, or an administrator.
    const own = actor.organisationId.toLowerCase() === id;
    if (decideOrganisation(actor, action, 'RetentionSchedule', own) !== 'allowed') {
      throw new ForbiddenException(problem(403, RETENTION_SETTERS));
    }
    return id;
  }

  @Get(':organisationId/retention')
  @Contract({ sets: ['ETag'] })
  @Policy.ownOrganisation('read', 'RetentionSchedule', { refusal: RETENTION_SETTERS })
  @ApiOperation({
    summary:
      "The organisation's retention schedule (its supervisors, administrators); ETag = revision",
  })
  @ApiParam({ name: 'organisationId', type: String, format: 'uuid' })
  @ApiOkResponse({ type: RetentionScheduleView, description: 'Header ETag: the revision, quoted' })
  async get(
    @CurrentActor() actor: Actor,
    @Param('organisationId', Uuid) organisationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RetentionScheduleView> {
    const id = await this.authorise(actor, organisationId, 'read');
    const schedule = await this.schedules.get(id);
    void reply.header('etag', `"${schedule.revision}"`);
    return schedule;
  }

  @Put(':organisationId/retention')
  @Contract({ answers: [409, 412], reads: ['If-Match'], sets: ['ETag'] })
  @Policy.ownOrganisation('update', 'RetentionSchedule', { refusal: RETENTION_SETTERS })
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Set the organisation's retention schedule: erase personal data N years after closure " +
      `(${MIN_RETENTION_YEARS}-${MAX_RETENTION_YEARS}), or null for none (its supervisors, administrators)`,
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'ETag of the schedule read' })
  @ApiParam({ name: 'organisationId', type: String, format: 'uuid' })
  @ApiOkResponse({ type: RetentionScheduleSet, description: 'Headers ETag and X-Position' })
  async set(
    @CurrentActor() actor: Actor,
    @Param('organisationId', Uuid) organisationId: string,
    @Body() dto: RetentionScheduleDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RetentionScheduleSet> {
    const ifMatch = parseIfMatch(req.headers['if-match']);
    const id = await this.authorise(actor, organisationId, 'update');
    try {
      const result = await this.schedules.set(
        id,
        dto.erasePersonalDataYearsAfterClosure,
        { userId: actor.userId, organisationId: actor.organisationId, requestId: String(req.id) },
        ifMatch,
      );
      void reply.header('etag', `"${result.revision}"`);
      void reply.header('x-position', result.position);
      return result;
    } catch (error) {
      if (error instanceof RetentionPreconditionError)
        throw new PreconditionFailedException(error.message);
      if (error instanceof RetentionConflictError) throw new ConflictException(error.message);
      throw error;
    }
  }
}
