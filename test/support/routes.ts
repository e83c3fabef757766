import type { FastifyAdapter } from '@nestjs/platform-fastify';

export interface RouteInfo {
  readonly method: string;
  readonly url: string;
}

/**
 * Records every route the app registers, read from the running Fastify instance (its onRoute
 * hook), so tests can check each one: a new route without a rule fails them. Call before init().
 */
export function collectRoutes(adapter: FastifyAdapter): RouteInfo[] {
  const routes: RouteInfo[] = [];
  adapter.getInstance().addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  return routes;
}

/** A concrete URL for a route template (`:id` parameters become the given id). */
export function concreteUrl(template: string, id: string): string {
  return template.replace(/:[A-Za-z0-9_]+/g, id);
}
