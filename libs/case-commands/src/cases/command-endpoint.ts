import {
  applyDecorators,
  HttpCode,
  Injectable,
  ParseUUIDPipe,
  Post,
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
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
import type { CommandDto, FreeTextCommandDto } from './dto/common.dto';

/** What the controllers of case commands share: path pipes, DTO helpers, the OpenAPI contract. */
export const Uuid = new ParseUUIDPipe({ version: undefined });

/** The free text of a command, for its `personal` part. */
export const text = (dto: FreeTextCommandDto) => ({ ...(dto.personal ?? {}) });

/** The id of what a command creates: the same for a retry under the same Idempotency-Key. */
export const newIdFor = (ctx: CommandContext, purpose: string): string =>
  scopedId(
    { userId: ctx.actor.userId, route: ctx.route, idempotencyKey: ctx.idempotencyKey },
    purpose,
  );

/** When it happened in the world, when the caller says so. */
export const when = (dto: CommandDto) =>
  dto.occurredAt !== undefined ? { occurredAt: dto.occurredAt } : {};

/** Optional fields, present only when given. */
export const given = <T extends object>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;

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
 * The class decorators of a case-command controller: its OpenAPI tag, bearer auth, the
 * Idempotency-Key and If-Match headers, every refusal (the answer: `CommandRoute`), and the command interceptor
 * (Idempotency-Key, ETag and X-Position), and the access policy of a command to one case (decided
 * by PolicyGuard before validation: 404 / 403; a route that is not a case command overrides it
 * with its own `@Policy`). The headers are listed in the order the document had
 * when these stood as stacked class decorators.
 */
export const CaseCommandEndpoints = (options: {
  readonly tag: string;
  readonly idempotencyKey: string;
  readonly refusedByRule: string;
}) =>
  applyDecorators(
    Policy.case('command', 'Case', { refusal: 'This role may not act on cases' }),
    ApiTags(options.tag),
    ApiBearerAuth(),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'The ETag ("<revision>") the change is based on',
    }),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: options.idempotencyKey }),
    ApiBadRequestResponse({
      description: 'Invalid input: the fields and reasons (never the values)',
    }),
    ApiForbiddenResponse({ description: 'The role acts on no case content' }),
    ApiNotFoundResponse({ description: "No such case for the caller's organisation" }),
    ApiConflictResponse({
      description:
        'Changed concurrently (after one retry), or the same Idempotency-Key is in flight',
    }),
    ApiPreconditionFailedResponse({
      description: 'If-Match does not match the current revision',
    }),
    ApiUnprocessableEntityResponse({ description: options.refusedByRule }),
    UseInterceptors(CommandInterceptor),
  );
