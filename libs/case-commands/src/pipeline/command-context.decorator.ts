import { createParamDecorator, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { Actor } from '@remedy/auth';
import type { FastifyRequest } from 'fastify';
import {
  idempotencyKeyFirstUse,
  idempotencyKeyOf,
  routeOf,
} from '../idempotency/command.interceptor';
import type { CommandContext } from './context';
import { declareContract, parseIfMatch, writesWithCommand } from '@remedy/http';

/** The command's context from the request: actor, request id, route, Idempotency-Key, If-Match. */
const commandContext = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): CommandContext => {
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
    if (!req.actor) throw new UnauthorizedException('A bearer token is required');
    const idempotencyKey = idempotencyKeyOf(req);
    const ifMatch = parseIfMatch(req.headers['if-match']);
    return {
      actor: req.actor,
      requestId: String(req.id),
      route: routeOf(req),
      scope: req,
      ...(idempotencyKey !== undefined
        ? { idempotencyKey, idempotencyKeyFirstUse: idempotencyKeyFirstUse(req) }
        : {}),
      ...(ifMatch !== undefined ? { ifMatch } : {}),
      withCommand: writesWithCommand(req),
    };
  },
);

/**
 * The command's context (see `commandContext`). A route that takes one is a command: the OpenAPI
 * document says so from this declaration (@remedy/http `Contract`): it reads If-Match and
 * Idempotency-Key, sets ETag and X-Position (CommandInterceptor), and can answer 409 (changed
 * concurrently, key in flight), 412 (If-Match) and 422 (a rule refused it).
 */
export const CommandCtx =
  (): ParameterDecorator =>
  (target, key, index): void => {
    commandContext()(target, key, index);
    if (key !== undefined)
      declareContract((target as Record<string | symbol, object>)[key]!, COMMAND_CONTRACT);
  };

const COMMAND_CONTRACT = {
  answers: [409, 412, 422],
  reads: ['If-Match', 'Idempotency-Key'],
  sets: ['ETag', 'X-Position'],
} as const;
