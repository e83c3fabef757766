import {
  BadRequestException,
  Body,
  ConflictException,
  createParamDecorator,
  type ExecutionContext,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  PreconditionFailedException,
  Put,
  Query,
  Req,
  Res,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Policy } from '@remedy/access-policy';
import { CurrentActor, type Actor, type Role } from '@remedy/auth';
import {
  ApiController,
  Contract,
  invalidInput,
  parseIfMatch,
  problem,
  UuidParam,
} from '@remedy/http';
import { AccountError, AccountStore, type AccountView } from './account-store';
import {
  CaseworkerList,
  CreatedUserView,
  CreateUserDto,
  ListUsersQuery,
  LoginPolicyDto,
  LoginPolicyView,
  OneTimeLinkView,
  SetRolesDto,
  UserPage,
  UserView,
} from './views';

const Uuid = new ParseUUIDPipe();
const USER_ADMINS =
  "An organisation's users are managed by its organisation administrators and by platform administrators";
const ADMIN_ONLY = 'Only a platform administrator grants the admin role or changes its holders';

/** Rules a change of one's own account breaks (422 naming the rule). */
export const SELF_DEACTIVATION = 'ACCOUNT_SELF_DEACTIVATION';
export const SELF_ROLES = 'ACCOUNT_SELF_ROLE_CHANGE';

const isPlatformAdmin = (actor: Actor) => actor.roles.includes('admin');

/** An organisation administrator may neither grant `admin` nor touch a platform administrator. */
function assertMayHandle(actor: Actor, roles: readonly Role[]): void {
  if (!isPlatformAdmin(actor) && roles.includes('admin'))
    throw new ForbiddenException(problem(403, ADMIN_ONLY));
}

function answer(error: unknown): never {
  if (error instanceof AccountError) {
    switch (error.kind) {
      case 'not_found':
        throw new NotFoundException(problem(404, 'No such user'));
      case 'login_name_taken':
        throw new ConflictException(problem(409, 'This login name is taken'));
      case 'version_mismatch':
        throw new PreconditionFailedException(
          problem(412, 'The resource changed since it was read (If-Match)'),
        );
      case 'already_deactivated':
        throw new ConflictException(problem(409, 'The user is already deactivated'));
      case 'not_deactivated':
        throw new ConflictException(problem(409, 'The user is active'));
      case 'deactivated':
        throw new ConflictException(problem(409, 'The user is deactivated'));
    }
  }
  throw error;
}

/**
 * An action that reads no input (deactivation, reactivation, a reset): a body, if any, must be an
 * empty JSON object and the query string empty; anything else is refused (400), never ignored.
 */
const NoInput = createParamDecorator((_data: unknown, context: ExecutionContext): undefined => {
  const req = context.switchToHttp().getRequest<FastifyRequest>();
  const body = req.body as unknown;
  const emptyBody =
    body === undefined ||
    // JSON `null` is a body, and not an empty object: refused like any other.
    (typeof body === 'object' &&
      body !== null &&
      !Array.isArray(body) &&
      Object.keys(body).length === 0);
  if (!emptyBody)
    throw new BadRequestException(invalidInput([{ name: 'body', reason: 'must be empty' }]));
  if (Object.keys((req.query as object | undefined) ?? {}).length > 0)
    throw new BadRequestException(invalidInput([{ name: 'query', reason: 'must be empty' }]));
  return undefined;
});

const ifMatchOf = (req: FastifyRequest): number | undefined => {
  const revision = parseIfMatch(req.headers['if-match']);
  return revision === undefined ? undefined : Number(revision);
};

/**
 * The users and the login policy of one organisation (the embedded provider's accounts). Its
 * organisation administrators and platform administrators; another organisation's
 * administrator 403 (the directory is public), an organisation no directory holds 404.
 */
@ApiController('users', 'organisations')
export class OrganisationUsersController {
  constructor(@Inject(AccountStore) private readonly accounts: AccountStore) {}

  @Post(':organisationId/users')
  @HttpCode(201)
  @Contract({ answers: [409] })
  @Policy.ownOrganisation('create', 'OrganisationUsers', { refusal: USER_ADMINS })
  @ApiOperation({
    summary:
      'Create a user of the organisation: its id and a one-time link (24 h) for the person to set a password',
  })
  @UuidParam('organisationId')
  @ApiCreatedResponse({ type: CreatedUserView })
  async create(
    @CurrentActor() actor: Actor,
    @Param('organisationId', Uuid) organisationId: string,
    @Body() dto: CreateUserDto,
    @Req() req: FastifyRequest,
  ): Promise<CreatedUserView> {
    assertMayHandle(actor, dto.roles);
    try {
      const { userId, link } = await this.accounts.create(
        { organisationId, ...dto },
        { requestId: String(req.id), actorUserId: actor.userId },
      );
      return { userId, setupLink: link };
    } catch (error) {
      return answer(error);
    }
  }

  @Get(':organisationId/users')
  @Policy.ownOrganisation('list', 'OrganisationUsers', { refusal: USER_ADMINS })
  @ApiOperation({ summary: "The organisation's users, by user id (keyset: `after`)" })
  @UuidParam('organisationId')
  @ApiOkResponse({ type: UserPage })
  list(
    @Param('organisationId', Uuid) organisationId: string,
    @Query() query: ListUsersQuery,
  ): Promise<UserPage> {
    return this.accounts.list(organisationId, {
      ...(query.after ? { after: query.after } : {}),
      ...(query.limit ? { limit: query.limit } : {}),
    });
  }

  @Get(':organisationId/caseworkers')
  @Policy.ownOrganisation('list', 'OrganisationCaseworkers', {
    refusal: "An organisation's caseworkers and supervisors see whom its cases can be assigned to",
  })
  @ApiOperation({
    summary:
      "The organisation's active caseworkers and supervisors, by display name: whom a case can be assigned to",
  })
  @UuidParam('organisationId')
  @ApiOkResponse({ type: CaseworkerList })
  async caseworkers(
    @Param('organisationId', Uuid) organisationId: string,
  ): Promise<CaseworkerList> {
    return { items: await this.accounts.caseworkers(organisationId) };
  }

  @Get(':organisationId/login-policy')
  @Contract({ sets: ['ETag'] })
  @Policy.ownOrganisation('read', 'LoginPolicy', { refusal: USER_ADMINS })
  @ApiOperation({ summary: "The organisation's login policy (a second factor required?)" })
  @UuidParam('organisationId')
  @ApiOkResponse({ type: LoginPolicyView, description: 'Header ETag: the version' })
  async loginPolicy(
    @Param('organisationId', Uuid) organisationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginPolicyView> {
    const policy = await this.accounts.loginPolicy(organisationId);
    void reply.header('etag', `"${policy.version}"`);
    return policy;
  }

  @Put(':organisationId/login-policy')
  @HttpCode(200)
  @Contract({ reads: ['If-Match'], sets: ['ETag'] })
  @Policy.ownOrganisation('update', 'LoginPolicy', { refusal: USER_ADMINS })
  @ApiOperation({ summary: "Set the organisation's login policy" })
  @UuidParam('organisationId')
  @ApiOkResponse({ type: LoginPolicyView, description: 'Header ETag: the version' })
  async setLoginPolicy(
    @CurrentActor() actor: Actor,
    @Param('organisationId', Uuid) organisationId: string,
    @Body() dto: LoginPolicyDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginPolicyView> {
    const ifMatch = ifMatchOf(req);
    try {
      const policy = await this.accounts.setLoginPolicy(
        organisationId,
        dto.requireSecondFactor,
        ifMatch,
        { requestId: String(req.id), actorUserId: actor.userId, actorRoles: actor.roles },
      );
      void reply.header('etag', `"${policy.version}"`);
      return policy;
    } catch (error) {
      return answer(error);
    }
  }
}

/**
 * One user of the embedded provider: its organisation's administrators and platform
 * administrators. Another organisation's user is 404 (users are not public), an unknown one too.
 */
@ApiController('users', 'users')
export class UsersController {
  constructor(@Inject(AccountStore) private readonly accounts: AccountStore) {}

  private async target(actor: Actor, userId: string): Promise<AccountView> {
    const view = await this.accounts.get(userId);
    if (!view) throw new NotFoundException(problem(404, 'No such user'));
    assertMayHandle(actor, view.roles);
    return view;
  }

  @Get(':userId')
  @Contract({ sets: ['ETag'] })
  @Policy.account('read', { refusal: USER_ADMINS })
  @ApiOperation({ summary: 'A user: roles, language, state, second factors (never a secret)' })
  @UuidParam('userId')
  @ApiOkResponse({ type: UserView, description: 'Header ETag: the version' })
  async get(
    @Param('userId', Uuid) userId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserView> {
    const view = await this.accounts.get(userId);
    if (!view) throw new NotFoundException(problem(404, 'No such user'));
    void reply.header('etag', `"${view.version}"`);
    return view;
  }

  @Put(':userId/roles')
  @HttpCode(200)
  @Contract({ answers: [422], reads: ['If-Match'], sets: ['ETag'] })
  @Policy.account('update', { refusal: USER_ADMINS })
  @ApiOperation({
    summary: "Set a user's roles (an organisation administrator never grants admin)",
  })
  @UuidParam('userId')
  @ApiOkResponse({ type: UserView, description: 'Header ETag: the version' })
  async setRoles(
    @CurrentActor() actor: Actor,
    @Param('userId', Uuid) userId: string,
    @Body() dto: SetRolesDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserView> {
    const ifMatch = ifMatchOf(req);
    await this.target(actor, userId);
    assertMayHandle(actor, dto.roles);
    if (userId.toLowerCase() === actor.userId)
      throw new UnprocessableEntityException(
        problem(422, 'An administrator cannot change their own roles', { rule: SELF_ROLES }),
      );
    return this.withEtag(reply, () =>
      this.accounts.setRoles(userId, dto.roles, ifMatch, { requestId: String(req.id) }),
    );
  }

  @Post(':userId/deactivation')
  @HttpCode(200)
  @Contract({ answers: [409, 422], reads: ['If-Match'], sets: ['ETag'] })
  @Policy.account('update', { refusal: USER_ADMINS })
  @ApiOperation({
    summary:
      'Deactivate a user: every token of theirs is refused at once, their sessions and refresh tokens end',
  })
  @UuidParam('userId')
  @ApiOkResponse({ type: UserView, description: 'Header ETag: the version' })
  async deactivate(
    @CurrentActor() actor: Actor,
    @Param('userId', Uuid) userId: string,
    @NoInput() _none: undefined,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserView> {
    const ifMatch = ifMatchOf(req);
    await this.target(actor, userId);
    if (userId.toLowerCase() === actor.userId)
      throw new UnprocessableEntityException(
        problem(422, 'An administrator cannot deactivate their own account', {
          rule: SELF_DEACTIVATION,
        }),
      );
    return this.withEtag(reply, () =>
      this.accounts.deactivate(userId, ifMatch, { requestId: String(req.id) }),
    );
  }

  @Post(':userId/reactivation')
  @HttpCode(200)
  @Contract({ answers: [409], reads: ['If-Match'], sets: ['ETag'] })
  @Policy.account('update', { refusal: USER_ADMINS })
  @ApiOperation({ summary: 'Reactivate a deactivated user' })
  @UuidParam('userId')
  @ApiOkResponse({ type: UserView, description: 'Header ETag: the version' })
  async reactivate(
    @CurrentActor() actor: Actor,
    @Param('userId', Uuid) userId: string,
    @NoInput() _none: undefined,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserView> {
    const ifMatch = ifMatchOf(req);
    await this.target(actor, userId);
    return this.withEtag(reply, () =>
      this.accounts.reactivate(userId, ifMatch, { requestId: String(req.id) }),
    );
  }

  @Post(':userId/password-reset-link')
  @HttpCode(201)
  @Contract({ answers: [409] })
  @Policy.account('update', { refusal: USER_ADMINS })
  @ApiOperation({
    summary: 'A one-time link (1 h) for the user to set a new password; earlier links stop working',
  })
  @UuidParam('userId')
  @ApiCreatedResponse({ type: OneTimeLinkView })
  async passwordResetLink(
    @CurrentActor() actor: Actor,
    @Param('userId', Uuid) userId: string,
    @NoInput() _none: undefined,
    @Req() req: FastifyRequest,
  ): Promise<OneTimeLinkView> {
    await this.target(actor, userId);
    try {
      return await this.accounts.passwordResetLink(userId, { requestId: String(req.id) });
    } catch (error) {
      return answer(error);
    }
  }

  @Post(':userId/second-factor-reset')
  @HttpCode(200)
  @Contract({ sets: ['ETag'] })
  @Policy.account('update', { refusal: USER_ADMINS })
  @ApiOperation({
    summary:
      "Remove a user's second factors (a lost phone or key): they enrol again at the next login; their sessions end",
  })
  @UuidParam('userId')
  @ApiOkResponse({ type: UserView, description: 'Header ETag: the version' })
  async resetSecondFactor(
    @CurrentActor() actor: Actor,
    @Param('userId', Uuid) userId: string,
    @NoInput() _none: undefined,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserView> {
    await this.target(actor, userId);
    return this.withEtag(reply, () =>
      this.accounts.resetSecondFactor(userId, { requestId: String(req.id) }),
    );
  }

  private async withEtag(reply: FastifyReply, work: () => Promise<AccountView>): Promise<UserView> {
    try {
      const view = await work();
      void reply.header('etag', `"${view.version}"`);
      return view;
    } catch (error) {
      return answer(error);
    }
  }
}
