import {
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import type { Actor } from '../actor';

export const IS_PUBLIC_KEY = 'remedy:auth:public';

/** Marks a route (or a whole controller) as open: no bearer token needed. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/** The request property the guard sets. */
export interface RequestWithActor {
  actor?: Actor;
}

/** The authenticated actor of the request (set by AuthGuard). */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<RequestWithActor>();
  if (!request.actor) throw new UnauthorizedException('A bearer token is required');
  return request.actor;
});
