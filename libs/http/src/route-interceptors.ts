import type { ExecutionContext, NestInterceptor, Type } from '@nestjs/common';
import { InterceptorsContextCreator } from '@nestjs/core/interceptors/interceptors-context-creator.js';

/** A route's handler, as Nest hands it to enhancers. */
export type RouteHandler = ReturnType<ExecutionContext['getHandler']>;

/**
 * A global interceptor (APP_INTERCEPTOR) that does something only on some routes, known from the
 * route's metadata alone: `appliesTo(handler, controller)` false means that on this route its
 * `intercept` returns `next.handle()` untouched on every request, whoever sends it. Such a route
 * runs without it (see {@link scopeGlobalInterceptorsToRoutes}).
 */
export interface RouteScopedInterceptor extends NestInterceptor {
  appliesTo(handler: RouteHandler, controller: Type<unknown>): boolean;
}

function isRouteScoped(interceptor: unknown): interceptor is RouteScopedInterceptor {
  return (
    typeof interceptor === 'object' &&
    interceptor !== null &&
    typeof (interceptor as Partial<RouteScopedInterceptor>).appliesTo === 'function'
  );
}

let scoped = false;

/**
 * Each route's interceptors without the {@link RouteScopedInterceptor}s that say they do nothing on
 * it, decided once per route when Nest registers it. A route left with no interceptor at all
 * runs its handler without rxjs (Nest's `InterceptorsConsumer` builds a `defer`/`mergeAll` chain,
 * an async scope per interceptor and a `lastValueFrom` per request as soon as there is one): on
 * the trivial `GET /session` the global read-your-writes and audit interceptors cost ~10 % of
 * the request's CPU for nothing (bench/README.md, hook table).
 *
 * Nest has no public way to leave a global interceptor out of a route: this wraps
 * `InterceptorsContextCreator.create` (what the router calls once per route). Only interceptors
 * that implement `appliesTo` are ever left out, and only when it answers false; if it throws,
 * the interceptor stays. Idempotent; process-wide (every app of the process, test apps too).
 */
export function scopeGlobalInterceptorsToRoutes(): void {
  if (scoped) return;
  scoped = true;
  const prototype = InterceptorsContextCreator.prototype as unknown as {
    create(instance: object, callback: RouteHandler, ...rest: unknown[]): NestInterceptor[];
  };
  const create = prototype.create;
  prototype.create = function (this: unknown, instance, callback, ...rest) {
    const interceptors = create.call(this, instance, callback, ...rest);
    const controller = (instance as { constructor: Type<unknown> }).constructor;
    return interceptors.filter((interceptor) => {
      if (!isRouteScoped(interceptor)) return true;
      try {
        return interceptor.appliesTo(callback, controller);
      } catch {
        return true;
      }
    });
  };
}
