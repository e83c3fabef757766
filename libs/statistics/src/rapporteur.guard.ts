import {
  ForbiddenException,
  Inject,
  Injectable,
  Optional,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  IS_PUBLIC_KEY,
  TOKEN_VERIFIER,
  bearerToken,
  type Actor,
  type TokenVerifier,
} from '@remedy/auth';

export const RAPPORTEUR_ROUTE = 'remedy:statistics:rapporteur-route';

/** Marks a route (or controller) a national rapporteur may call: aggregate statistics only. */
export const RapporteurRoute = (): MethodDecorator & ClassDecorator =>
  SetMetadata(RAPPORTEUR_ROUTE, true);

/** Roles that work on cases: an actor holding one of them is not confined by this guard. */
const CASE_ROLES = new Set(['caseworker', 'supervisor', 'legal_aid', 'admin']);

/** Does this actor act only as a national rapporteur? */
export const isRapporteurOnly = (actor: Pick<Actor, 'roles'>): boolean =>
  actor.roles.includes('rapporteur') && !actor.roles.some((r) => CASE_ROLES.has(r));

export const RAPPORTEUR_ALSO_MAY = Symbol('RAPPORTEUR_ALSO_MAY');

interface RequestLike {
  actor?: Actor;
  method?: string;
  headers: Record<string, string | string[] | undefined>;
  routeOptions?: { url?: string };
}

/**
 * Global guard (APP_GUARD of StatisticsModule.forApi): an actor who is only a national
 * rapporteur reaches the routes marked @RapporteurRoute() (the statistics), @Public() routes
 * and the `alsoAllowed` routes (default `GET /session`, which returns the caller's own ids), and
 * is refused (403) everywhere else, whatever other modules check: no route that returns case-level
 * data answers a rapporteur. It reads the actor set by AuthGuard, or verifies the token itself
 * when it runs first (an invalid token is left to AuthGuard's 401).
 */
@Injectable()
export class RapporteurScopeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Optional() @Inject(TOKEN_VERIFIER) private readonly verifier?: TokenVerifier,
    @Optional()
    @Inject(RAPPORTEUR_ALSO_MAY)
    private readonly alsoAllowed: readonly string[] = ['GET /session'],
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets)) return true;
    if (this.reflector.getAllAndOverride<boolean | undefined>(RAPPORTEUR_ROUTE, targets))
      return true;
    const request = context.switchToHttp().getRequest<RequestLike>();
    let actor = request.actor;
    if (!actor && this.verifier) {
      try {
        actor = await this.verifier.verify(bearerToken(request.headers.authorization));
      } catch {
        return true; // AuthGuard answers (401 / 503)
      }
    }
    if (!actor || !isRapporteurOnly(actor)) return true;
    const route = `${request.method ?? ''} ${request.routeOptions?.url ?? ''}`;
    if (this.alsoAllowed.includes(route)) return true;
    throw new ForbiddenException({
      statusCode: 403,
      error: 'Forbidden',
      message: 'National rapporteurs receive aggregate statistics only (see /statistics)',
    });
  }
}
