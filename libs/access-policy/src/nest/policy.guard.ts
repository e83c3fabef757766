import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, type Actor } from '@remedy/auth';
import { RouteMetadata } from '@remedy/http';
import {
  decideAccess,
  decideAccount,
  decideCase,
  decideOrganisation,
  mayEver,
  reachesOnlyStatistics,
} from '../policy';
import { enforce, forbidden, notFound } from './enforce';
import { ADMITTED_REPLAY, IDEMPOTENT_REPLAY, type IdempotentReplay } from './idempotent-replay';
import {
  ACCOUNT_LOOKUP,
  ORGANISATION_LOOKUP,
  POLICY_KEY,
  type AccountLookup,
  type CaseReachResolver,
  type OrganisationLookup,
  type RoutePolicy,
} from './policy.decorator';

/**
 * Records a refusal the guard answers (guards run before interceptors, so the audit trail's
 * interceptor never sees it): provided by the audit trail (@remedy/audit), found in the app.
 * Must commit before the answer leaves; throws (e.g. 503) when it cannot.
 */
export interface PolicyRefusalRecorder {
  recordRefusal(context: ExecutionContext, error: unknown): Promise<void>;
}
export const POLICY_REFUSAL_RECORDER = Symbol('remedy:access-policy:RefusalRecorder');

interface RequestLike {
  actor?: Actor;
  method?: string;
  params?: Record<string, unknown>;
  [ADMITTED_REPLAY]?: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const NO_POLICY =
  'This route declares no access policy: refused (every route of the API must carry one)';

/**
 * The one place the API enforces the access policy, before any pipe validates the input (guards
 * run before pipes), so the answers come in the project's order: 401 (AuthGuard, before this)
 * → 404 a case the caller's organisation does not reach → 403 a role not allowed → 400 invalid
 * input → 409/412/422 (the handlers).
 *
 * - `@Public()` routes: not decided here.
 * - A route without `@Policy…` metadata: refused (403, fail closed).
 * - Organisation-wide rules: by role (403).
 * - Case rules: the reach of the caller's organisation, read from the case's stream by the
 *   subject's CaseReachResolver (the same function the handlers use), then 404 / 403.
 * - Own-organisation rules (a retention schedule): 404 for an organisation the directory does not
 *   hold (ORGANISATION_LOOKUP), else by role and whether it is the caller's own (403).
 * - Account rules (a user of the embedded provider, ACCOUNT_LOOKUP): 404 for an unknown user and
 *   for another organisation's user the caller may not reach; 403 in its own organisation.
 * - Then every path parameter named `…Id` (but the route's `opaqueIds`) must be a UUID: 404
 *   otherwise, so a malformed id answers as an unknown one would, before any validation (400).
 *
 * A refused POST that retries a command already answered (same caller, path, Idempotency-Key and
 * body) is let through to be answered as the first time (IDEMPOTENT_REPLAY, ADMITTED_REPLAY).
 *
 * Handlers keep their checks where they decide on fresh state (a command re-checks on the
 * stream it appends to). A refusal is written to the audit trail (POLICY_REFUSAL_RECORDER) before
 * it is answered. Register it after AuthGuard (it reads the actor AuthGuard sets).
 */
@Injectable()
export class PolicyGuard implements CanActivate {
  private readonly logger = new Logger(PolicyGuard.name);
  private readonly isPublic: RouteMetadata<boolean>;
  private readonly policyOf: RouteMetadata<RoutePolicy>;

  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {
    this.isPublic = new RouteMetadata(reflector, IS_PUBLIC_KEY);
    this.policyOf = new RouteMetadata(reflector, POLICY_KEY);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return false; // no other transport is served: deny
    if (this.isPublic.of(context)) return true;
    const request = context.switchToHttp().getRequest<RequestLike>();
    const actor = request.actor;
    // AuthGuard runs first and answers 401; without an actor nothing can be allowed.
    if (!actor) return false;
    const policy = this.policyOf.of(context);
    const params = request.params ?? {};
    // A rule decided from the actor alone (organisation-wide) admits without a promise (Nest
    // awaits a guard's promise, not a boolean; issue 18's per-request CPU); a refusal, and a
    // rule that reads something, go through the promise.
    let decided: void | Promise<void>;
    try {
      decided = this.decide(actor, policy, params, request);
      if (decided === undefined) {
        if (policy) checkIds(policy, params);
        return true;
      }
    } catch (error) {
      return this.refused(context, request, actor, error);
    }
    return decided
      .then(() => {
        if (policy) checkIds(policy, params);
        return true;
      })
      .catch((error: unknown) => this.refused(context, request, actor, error));
  }

  /** Admits a replayed command, else records the refusal and answers it. */
  private async refused(
    context: ExecutionContext,
    request: RequestLike,
    actor: Actor,
    error: unknown,
  ): Promise<boolean> {
    if (await this.admitsReplay(context, request, actor, error)) return true;
    await this.recorder()?.recordRefusal(context, error);
    throw error;
  }

  /**
   * A refused command that retries one already answered (same caller, path, Idempotency-Key and
   * body) gets its stored answer (IDEMPOTENT_REPLAY): the guard leaves it on the request and the
   * route's interceptor answers it, running nothing. Anything else, or a lookup that fails, keeps
   * the refusal.
   */
  private async admitsReplay(
    context: ExecutionContext,
    request: RequestLike,
    actor: Actor,
    refusal: unknown,
  ): Promise<boolean> {
    if (request.method !== 'POST') return false;
    if (!(refusal instanceof NotFoundException || refusal instanceof ForbiddenException))
      return false;
    const replay = this.replay();
    if (!replay) return false;
    try {
      const answer = await replay.answeredBefore(context, actor);
      if (answer === undefined) return false;
      request[ADMITTED_REPLAY] = answer;
      return true;
    } catch (error) {
      this.logger.warn(`Idempotent replay lookup failed, the refusal stands: ${String(error)}`);
      return false;
    }
  }

  /** Throws the refusal; an organisation-wide rule is decided at once, the others in a promise. */
  private decide(
    actor: Actor,
    policy: RoutePolicy | undefined,
    params: Record<string, unknown>,
    request: object,
  ): void | Promise<void> {
    if (!policy) {
      this.logger.error(NO_POLICY);
      forbidden(NO_POLICY);
    }
    const refusal = policy.refusal ?? `This role may not ${policy.action} ${policy.subject}`;
    switch (policy.kind) {
      case 'organisation-wide':
        return enforce(decideAccess(actor, policy.action, policy.subject), refusal);
      default:
        return this.decideByLookup(actor, policy, params, request, refusal);
    }
  }

  private async decideByLookup(
    actor: Actor,
    policy: Exclude<RoutePolicy, { kind: 'organisation-wide' }>,
    params: Record<string, unknown>,
    request: object,
    refusal: string,
  ): Promise<void> {
    switch (policy.kind) {
      case 'own-organisation': {
        const id = params[policy.param];
        // An organisation no directory holds is unknown to everyone (404 before 403).
        if (typeof id !== 'string' || !UUID.test(id)) notFound('organisation');
        if (!(await this.organisations().exists(id.toLowerCase()))) notFound('organisation');
        const own = id.toLowerCase() === actor.organisationId.toLowerCase();
        return enforce(decideOrganisation(actor, policy.action, policy.subject, own), refusal);
      }
      case 'account': {
        const id = params[policy.param];
        if (typeof id !== 'string' || !UUID.test(id)) notFound('user');
        const organisationId = await this.accounts().organisationOf(id.toLowerCase());
        if (organisationId === undefined) notFound('user');
        const own = organisationId.toLowerCase() === actor.organisationId.toLowerCase();
        return enforce(decideAccount(actor, policy.action, own), refusal, 'user');
      }
      case 'case': {
        const { action, subject } = policy;
        // Reads are confined for an actor who reaches only the statistics (a national
        // rapporteur), and some routes refuse the roles that never may: 403 for any case id.
        if (action !== 'command' && reachesOnlyStatistics(actor))
          forbidden('National rapporteurs receive aggregate statistics only (see /statistics)');
        if (policy.refuseRolesNeverAllowed && !mayEver(actor, action, subject)) forbidden(refusal);
        const caseId = params[policy.param];
        // No case has this id: 404 for everyone, as for an unknown case.
        if (typeof caseId !== 'string' || !UUID.test(caseId)) notFound();
        const resolver = this.resolver(policy.reach);
        // The request is the resolver's scope: the stream read here serves the whole request.
        const reach = await resolver.reachOf(actor.organisationId, caseId.toLowerCase(), request);
        return enforce(decideCase(actor, action, subject, reach), refusal);
      }
    }
  }

  private resolver(token: string | symbol): CaseReachResolver {
    try {
      return this.moduleRef.get<CaseReachResolver>(token, { strict: false });
    } catch {
      // Fail closed: a case route whose reach cannot be read is refused, never let through.
      this.logger.error(`No case reach resolver registered for ${String(token)}`);
      return forbidden('The access to this case cannot be decided: refused');
    }
  }

  private organisations(): OrganisationLookup {
    try {
      return this.moduleRef.get<OrganisationLookup>(ORGANISATION_LOOKUP, { strict: false });
    } catch {
      this.logger.error('No organisation lookup registered');
      return forbidden('The access to this organisation cannot be decided: refused');
    }
  }

  private accounts(): AccountLookup {
    try {
      return this.moduleRef.get<AccountLookup>(ACCOUNT_LOOKUP, { strict: false });
    } catch {
      this.logger.error('No account lookup registered');
      return forbidden('The access to this user cannot be decided: refused');
    }
  }

  private replay(): IdempotentReplay | undefined {
    try {
      return this.moduleRef.get<IdempotentReplay>(IDEMPOTENT_REPLAY, { strict: false });
    } catch {
      return undefined;
    }
  }

  private recorder(): PolicyRefusalRecorder | undefined {
    try {
      return this.moduleRef.get<PolicyRefusalRecorder>(POLICY_REFUSAL_RECORDER, { strict: false });
    } catch {
      return undefined;
    }
  }
}

/** 404 for a path parameter named `…Id` (not declared opaque) that is not a UUID. */
function checkIds(policy: RoutePolicy, params: Record<string, unknown>): void {
  const opaque = policy.kind === 'organisation-wide' ? (policy.opaqueIds ?? []) : [];
  for (const [name, value] of Object.entries(params)) {
    if (!/Id$/.test(name) || opaque.includes(name)) continue;
    if (typeof value !== 'string' || !UUID.test(value)) notFound(name.slice(0, -2));
  }
}
