import {
  applyDecorators,
  HttpCode,
  Injectable,
  ParseUUIDPipe,
  Post,
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Policy } from '@remedy/access-policy';
import { GrantsAccess } from '@remedy/http';
import { CommandInterceptor } from '../idempotency/command.interceptor';
import type { CaseCommandResult, CommandContext } from '../pipeline/context';
import { scopedId } from '../pipeline/ids';
import { ExecuteCaseCommand, type GenericCaseCommandInput } from './case.commands';
import {
  CaseCommandResponseDto,
  createdResponse,
  type CreatedId,
} from './dto/case-command-response.dto';

/** What the controllers of case commands share: path pipes, DTO helpers, the OpenAPI contract. */
export const Uuid = new ParseUUIDPipe({ version: undefined });

/** The id of what a command creates: the same for a retry under the same Idempotency-Key. */
export const newIdFor = (ctx: CommandContext, purpose: string): string =>
  scopedId(
    { userId: ctx.actor.userId, route: ctx.route, idempotencyKey: ctx.idempotencyKey },
    purpose,
  );

/**
 * A command to an existing case: `POST <path>` answering 200; `grantsAccess` when the command
 * can grant another organisation access (answered once the grant is readable: `@GrantsAccess`),
 * `summary` for the OpenAPI operation, `creates` the id the command creates (its answer is then
 * `<Id>CreatedResponseDto`; without it, `CaseCommandResponseDto`). The path parameters (`caseId`,
 * of the controller's path or this one, and every `:name` of `path`) are uuids.
 */
export const CommandRoute = (
  path: string,
  options: {
    readonly grantsAccess?: boolean;
    readonly summary?: string;
    readonly creates?: CreatedId;
  } = {},
) =>
  applyDecorators(
    Post(path),
    HttpCode(200),
    ...(options.grantsAccess ? [GrantsAccess()] : []),
    ...(options.summary !== undefined ? [ApiOperation({ summary: options.summary })] : []),
    ...uuidParams(path).map((name) => ApiParam({ name, type: String, format: 'uuid' })),
    ApiOkResponse({
      type: options.creates ? createdResponse(options.creates) : CaseCommandResponseDto,
      description: 'Recorded; headers ETag and X-Position',
    }),
  );

/** `caseId` and the `:name` parameters of a command route's own path. */
const uuidParams = (path: string): string[] => [
  ...new Set(['caseId', ...[...path.matchAll(/:(\w+)/g)].map((m) => m[1]!)]),
];

/** A controller of case commands: runs a command on an existing case through the pipeline. */
@Injectable()
export abstract class CaseCommandController {
  constructor(protected readonly bus: CommandBus) {}

  /** `created`: the ids the application generated for the command (answered to the client). */
  protected run(
    caseId: string,
    input: GenericCaseCommandInput,
    ctx: CommandContext,
    created: Record<string, string> = {},
  ): Promise<CaseCommandResult> {
    return this.bus.execute(new ExecuteCaseCommand(caseId, input, ctx, created));
  }
}

/**
 * The class decorators of a case-command controller: its OpenAPI tag, bearer auth (each route's
 * answer is declared by `CommandRoute`), the command interceptor (Idempotency-Key, ETag and
 * X-Position), and the access policy of a command to one case (decided by PolicyGuard before
 * validation: 404 / 403; a route that is not a case command overrides it with its own `@Policy`).
 * The refusals (400, 401, 403, 404, 409, 412, 422, 429, 503) and the headers are declared by
 * @remedy/http's document from the route's metadata (the policy, `@CommandCtx()`).
 */
export const CaseCommandEndpoints = (tag: string) =>
  applyDecorators(
    Policy.case('command', 'Case', { refusal: 'This role may not act on cases' }),
    ApiTags(tag),
    ApiBearerAuth(),
    UseInterceptors(CommandInterceptor),
  );
