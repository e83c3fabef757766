import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { assertCan, Policy } from '@remedy/access-policy';
import { CurrentActor, type Actor } from '@remedy/auth';
import { ReadsProjections } from '@remedy/http';
import { CommandInterceptor } from '../idempotency/command.interceptor';
import { CommandCtx } from '../pipeline/command-context.decorator';
import type { CommandContext } from '../pipeline/context';
import { ORGANISATION_DIRECTORY_PROJECTION } from './organisation-directory.projection';
import { OrganisationDirectory, type DirectoryEntry } from './organisation-directory.service';
import { RegisterOrganisationCommand, UpdateOrganisationCommand } from './organisation.commands';
import {
  ListOrganisationsQuery,
  OrganisationCommandResponseDto,
  OrganisationEntryDto,
  OrganisationListDto,
  OrganisationProfileDto,
  profileOf,
  RegisterOrganisationDto,
  registrationOf,
} from './organisation.dto';

const Uuid = new ParseUUIDPipe();
const OrganisationIdParam = () =>
  ApiParam({ name: 'organisationId', type: String, format: 'uuid' });
const DIRECTORY_MANAGERS = 'Only an administrator manages the organisation directory';

const requireAdmin = (ctx: CommandContext, action: 'create' | 'update'): void =>
  assertCan(ctx.actor, action, 'Organisation', DIRECTORY_MANAGERS);
const DIRECTORY_READERS = "The directory is for the organisations' users and administrators";

/** The organisation directory: administrators register and update; every user reads. */
@ApiTags('organisations')
@ApiBearerAuth()
@Controller('organisations')
@UseInterceptors(CommandInterceptor)
export class OrganisationsController {
  constructor(
    private readonly bus: CommandBus,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Post()
  @Policy('create', 'Organisation', { refusal: DIRECTORY_MANAGERS })
  @HttpCode(201)
  @ApiOperation({ summary: 'Register an organisation (administrators)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: OrganisationCommandResponseDto, description: 'Registered' })
  register(
    @Body() dto: RegisterOrganisationDto,
    @CommandCtx() ctx: CommandContext,
  ): Promise<OrganisationCommandResponseDto> {
    requireAdmin(ctx, 'create');
    return this.bus.execute(new RegisterOrganisationCommand(registrationOf(dto), ctx));
  }

  @Put(':organisationId')
  @Policy('update', 'Organisation', { refusal: DIRECTORY_MANAGERS })
  @HttpCode(200)
  @ApiOperation({ summary: "Update an organisation's profile (administrators; the code stays)" })
  @ApiHeader({ name: 'If-Match', required: false })
  @OrganisationIdParam()
  @ApiOkResponse({ type: OrganisationCommandResponseDto, description: 'Updated' })
  update(
    @Param('organisationId', Uuid) organisationId: string,
    @Body() dto: OrganisationProfileDto,
    @CommandCtx() ctx: CommandContext,
  ): Promise<OrganisationCommandResponseDto> {
    requireAdmin(ctx, 'update');
    return this.bus.execute(new UpdateOrganisationCommand(organisationId, profileOf(dto), ctx));
  }

  @Get()
  @Policy('list', 'Organisation', { refusal: DIRECTORY_READERS })
  @ReadsProjections(ORGANISATION_DIRECTORY_PROJECTION)
  @ApiOperation({ summary: 'List the directory, optionally by service offered and country' })
  @ApiOkResponse({ type: OrganisationListDto })
  async list(
    @Query() query: ListOrganisationsQuery,
    @CurrentActor() actor: Actor,
  ): Promise<{ organisations: DirectoryEntry[] }> {
    assertCan(actor, 'list', 'Organisation', DIRECTORY_READERS);
    return { organisations: await this.directory.list(query) };
  }

  @Get(':organisationId')
  @Policy('read', 'Organisation', { refusal: DIRECTORY_READERS })
  @ReadsProjections(ORGANISATION_DIRECTORY_PROJECTION)
  @OrganisationIdParam()
  @ApiOkResponse({ type: OrganisationEntryDto })
  async get(
    @Param('organisationId', Uuid) organisationId: string,
    @CurrentActor() actor: Actor,
  ): Promise<DirectoryEntry> {
    assertCan(actor, 'read', 'Organisation', DIRECTORY_READERS);
    const entry = await this.directory.get(organisationId);
    if (!entry) throw new NotFoundException('No such organisation');
    return entry;
  }
}
