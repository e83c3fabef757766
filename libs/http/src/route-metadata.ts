import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { RouteHandler } from './route-interceptors';

/**
 * One metadata key of the route handling a request, as `reflector.getAllAndOverride(key,
 * [handler, controller])` answers it, looked up once per route: a route's decorators do not
 * change once its class is defined, and reflect-metadata's lookups (prototype chain walks, Map
 * reads) cost a global guard ~1-2 % of the trivial route's CPU per key on every request. Keyed by
 * the handler and its controller (a handler inherited by two controllers is looked up for each).
 */
export class RouteMetadata<T> {
  private readonly byHandler = new WeakMap<RouteHandler, Map<RouteHandler, T | undefined>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly key: string | symbol,
  ) {}

  of(context: ExecutionContext): T | undefined {
    const handler = context.getHandler();
    const controller = context.getClass();
    if (typeof handler !== 'function')
      return this.reflector.getAllAndOverride<T | undefined>(this.key, [handler, controller]);
    let byController = this.byHandler.get(handler);
    if (byController?.has(controller)) return byController.get(controller);
    const value = this.reflector.getAllAndOverride<T | undefined>(this.key, [handler, controller]);
    if (!byController) this.byHandler.set(handler, (byController = new Map()));
    byController.set(controller, value);
    return value;
  }
}
