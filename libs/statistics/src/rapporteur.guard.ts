import {
  BadRequestException,
  ForbiddenException,
  Inject,
  Injectable,
  Optional,
  SetMetadata,
  type ArgumentMetadata,
  type CanActivate,
  type ExecutionContext,
  type PipeTransform,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { reachesOnlyStatistics } from '@remedy/access-policy';
import { createValidationPipe, problem, RouteMetadata } from '@remedy/http';
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

/**
 * Does this actor act only as a national rapporteur? The access policy says: it reaches nothing
 * but the statistics (@remedy/access-policy `reachesOnlyStatistics`).
 */
export const isRapporteurOnly = (actor: Pick<Actor, 'roles'>): boolean =>
  reachesOnlyStatistics(actor);

export const RAPPORTEUR_ALSO_MAY = Symbol('RAPPORTEUR_ALSO_MAY');

interface RequestLike {
  actor?: Actor;
  method?: string;
  headers: Record<string, string | string[] | undefined>;
  routeOptions?: { url?: string };
  body?: unknown;
  query?: Record<string, unknown>;
  params?: Record<string, unknown>;
}

/** Nest's metadata keys and parameter kinds (@nestjs/common constants and RouteParamtypes). */
const ROUTE_ARGS_METADATA = '__routeArguments__';
const PARAMTYPES_METADATA = 'design:paramtypes';
const SOURCES: Record<number, 'body' | 'query' | 'param'> = { 3: 'body', 4: 'query', 5: 'param' };

interface RouteArg {
  readonly index: number;
  readonly data?: string;
  readonly pipes?: readonly (PipeTransform | (new () => PipeTransform))[];
}

/**
 * Global guard (APP_GUARD of StatisticsModule.forApi): an actor who is only a national
 * rapporteur reads only the routes marked @RapporteurRoute() (the statistics), @Public() routes
 * and the `alsoAllowed` routes (default `GET /session`, which returns the caller's own ids): every
 * other GET is refused (403) before its handler runs, whatever that handler checks, so no read
 * returns case-level data to a rapporteur. Invalid input is still 400 first (the API's contract
 * for every token): the route's query and path parameters go through the validation pipe and
 * their own pipes, the handler never runs. Commands are refused by their own handlers (see
 * below). It reads the actor set by AuthGuard, or verifies the token itself when it runs first
 * (an invalid token is left to AuthGuard's 401).
 */
@Injectable()
export class RapporteurScopeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Optional() @Inject(TOKEN_VERIFIER) private readonly verifier?: TokenVerifier,
    @Optional()
    @Inject(RAPPORTEUR_ALSO_MAY)
    private readonly alsoAllowed: readonly string[] = ['GET /session'],
  ) {
    this.isPublic = new RouteMetadata(reflector, IS_PUBLIC_KEY);
    this.isRapporteurRoute = new RouteMetadata(reflector, RAPPORTEUR_ROUTE);
  }

  private readonly isPublic: RouteMetadata<boolean>;
  private readonly isRapporteurRoute: RouteMetadata<boolean>;

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.isPublic.of(context) || this.isRapporteurRoute.of(context)) return true;
    const request = context.switchToHttp().getRequest<RequestLike>();
    // With the actor AuthGuard set, decided without a promise unless a read is refused (Nest
    // awaits a guard's promise, not a boolean; issue 18's per-request CPU).
    if (request.actor) return this.scope(context, request, request.actor);
    return this.verifyThenScope(context, request);
  }

  private async verifyThenScope(context: ExecutionContext, request: RequestLike): Promise<boolean> {
    if (!this.verifier) return true;
    let actor: Actor;
    try {
      actor = await this.verifier.verify(bearerToken(request.headers.authorization));
    } catch {
      return true; // AuthGuard answers (401 / 503)
    }
    return this.scope(context, request, actor);
  }

  private scope(
    context: ExecutionContext,
    request: RequestLike,
    actor: Actor,
  ): boolean | Promise<boolean> {
    if (!isRapporteurOnly(actor)) return true;
    // Reads are refused here. Commands (POST/PUT/PATCH/DELETE) are left to their handlers, which
    // validate first (400 naming the field, headers included) and then refuse every role that may
    // not act (the case-commands pipeline, organisations, legal aid: 403/404 to a rapporteur);
    // test/statistics/rapporteur-routes.spec.ts checks every route of the API either way.
    if (request.method !== 'GET' && request.method !== 'HEAD') return true;
    const route = `${request.method ?? ''} ${request.routeOptions?.url ?? ''}`;
    if (this.alsoAllowed.includes(route)) return true;
    return this.refuseRead(context, request);
  }

  private async refuseRead(context: ExecutionContext, request: RequestLike): Promise<never> {
    // Invalid input is still answered 400 naming the field, as the route would (the fault test's
    // contract for every token): the route's body, query and path parameters go through the
    // app's validation pipe and their own pipes first; the handler itself never runs.
    await this.validateAsTheRoute(context, request);
    throw new ForbiddenException(
      problem(403, 'National rapporteurs receive aggregate statistics only (see /statistics)'),
    );
  }

  private readonly validation = createValidationPipe();

  private async validateAsTheRoute(context: ExecutionContext, request: RequestLike): Promise<void> {
    const controller = context.getClass();
    const method = context.getHandler().name;
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
      string,
      RouteArg
    >;
    const types = (Reflect.getMetadata(
      PARAMTYPES_METADATA,
      controller.prototype as object,
      method,
    ) ?? []) as unknown[];
    for (const [key, arg] of Object.entries(args)) {
      const type = SOURCES[Number(key.split(':')[0])];
      if (!type) continue;
      const source =
        type === 'body' ? request.body : type === 'query' ? request.query : request.params;
      let value: unknown = arg.data
        ? (source as Record<string, unknown> | undefined)?.[arg.data]
        : source;
      const metadata: ArgumentMetadata = {
        type,
        metatype: types[arg.index] as ArgumentMetadata['metatype'],
        data: arg.data,
      };
      try {
        value = await this.validation.transform(value, metadata);
        for (const pipe of arg.pipes ?? []) {
          const instance = typeof pipe === 'function' ? new pipe() : pipe;
          value = await instance.transform(value, metadata);
        }
      } catch (err) {
        if (err instanceof BadRequestException) throw err;
        return; // anything else: the refusal below
      }
    }
  }
}
