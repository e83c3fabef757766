import { IS_PUBLIC_KEY, ROLES } from '@remedy/auth';
import type { DescribedRoute, RouteDescriber } from '@remedy/http';
import { mayEver } from '../policy';
import { POLICY_KEY, type RoutePolicy } from './policy.decorator';

const metadata = <T>(route: DescribedRoute, key: string): T | undefined =>
  (Reflect.getMetadata(key, route.handler) as T | undefined) ??
  (Reflect.getMetadata(key, route.controller) as T | undefined);

/**
 * What a route's `@Policy…` and `@Public()` say, for the OpenAPI document (@remedy/http
 * `createApiDocument`): a token needed (401), 403 when some role may not, 404 for a case or an
 * organisation reached by id, and who may call it, in words, from the same policy PolicyGuard
 * enforces (so the document cannot drift from it).
 */
export const ROUTE_DESCRIBER_FROM_POLICY: RouteDescriber = {
  describe(route) {
    if (metadata<boolean>(route, IS_PUBLIC_KEY))
      return { authenticated: false, answers: [], whoMay: 'Public: no token needed.' };
    const policy = metadata<RoutePolicy>(route, POLICY_KEY);
    if (!policy) return { authenticated: true, answers: [] };
    const roles = ROLES.filter((role) => mayEver({ roles: [role] }, policy.action, policy.subject));
    const answers = roles.length < ROLES.length ? [403] : [];
    const who = `Who may call it: ${roles.length === ROLES.length ? 'every role' : roles.join(', ')}`;
    switch (policy.kind) {
      case 'case':
        return {
          authenticated: true,
          answers: [...answers, 404],
          whoMay: `${who}, on a case the caller's organisation reaches through this route (404 otherwise).`,
        };
      case 'own-organisation':
        return {
          authenticated: true,
          answers: [...answers, 404],
          whoMay: `${who}, for their own organisation (an administrator: any).`,
        };
      case 'account':
        return {
          authenticated: true,
          answers: [...answers, 404],
          whoMay: `${who}, for a user of their own organisation (a platform administrator: any; another organisation's user is 404).`,
        };
      default:
        return { authenticated: true, answers, whoMay: `${who}.` };
    }
  },
};
