import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  ServiceUnavailableException,
  type Type,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, mergeMap, type Observable } from 'rxjs';
import type { PolicyRefusalRecorder } from '@remedy/access-policy';
import type { Actor } from '@remedy/auth';
import {
  toProblem,
  problem,
  writeWithCommand,
  type RouteHandler,
  type RouteScopedInterceptor,
  type WriteWithCommand,
} from '@remedy/http';
import { caseIdsIn, isUuid, outcomeOf, ruleOf, type AuditEntry } from './audit-entry';
import { AuditTrail, auditRowWithAppend } from './audit-trail';
import { NOT_AUDITED_KEY } from './decorators';

type AuditedRequest = FastifyRequest & { actor?: Actor };

/** Where @HttpCode() keeps the route's status (Nest's HTTP_CODE_METADATA). */
const HTTP_CODE_METADATA = '__httpCode__';

/** Thrown instead of the answer when the audit row cannot be committed. */
export class AuditUnavailableException extends ServiceUnavailableException {
  constructor() {
    super(
      problem(503, 'The audit trail cannot be written; nothing was returned. Try again shortly'),
    );
  }
}

/**
 * The audit trail's one hook (a global interceptor, registered by AuditModule): every
 * authenticated request to a Nest route, unless the route is @NotAudited, appends one row
 * (who, which organisation, which case, when, the route template, the status, the outcome and the
 * rule id of a refusal) and that INSERT must commit BEFORE the answer leaves:
 * - success: the row is written, then the body is sent; if the write fails, the client gets 503
 *   and no body (a read returns no data);
 * - refusal or error (404 for another organisation's case, 403, 400, 422, ...): the row is written,
 *   then the error is answered; if the write fails, 503.
 * - a refusal of the access policy's guard (404 / 403 before validation, before any interceptor):
 *   the guard hands it to `recordRefusal` (POLICY_REFUSAL_RECORDER), same row, same rule.
 * Requests without a valid token (401, answered by the guard before any interceptor) carry no
 * user and are not audited; neither are routes outside Nest (the queue dashboard).
 */
@Injectable()
export class AuditInterceptor implements RouteScopedInterceptor, PolicyRefusalRecorder {
  constructor(
    private readonly reflector: Reflector,
    private readonly trail: AuditTrail,
  ) {}

  /** Every route but the `@NotAudited` ones (the handler's mark or its controller's). */
  appliesTo(handler: RouteHandler, controller: Type<unknown>): boolean {
    return (
      this.reflector.getAllAndOverride<string | undefined>(NOT_AUDITED_KEY, [
        handler,
        controller,
      ]) === undefined
    );
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const base = this.baseOf(context);
    if (base === undefined) return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const withCommand = this.rowWithCommand(context, base);
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        const status = reply.statusCode;
        // Committed with the command's append (same status): nothing more to write.
        if (withCommand?.write.committed && withCommand.status === status) return body;
        await this.write({
          ...base,
          caseIds: caseIdsIn(body, base.caseId),
          status,
          outcome: outcomeOf(status),
          rule: ruleOf(status, undefined),
        });
        return body;
      }),
      catchError(async (error: unknown) => {
        if (error instanceof AuditUnavailableException) throw error;
        await this.recordRefusal(context, error);
        throw error;
      }),
    );
  }

  /**
   * The row of a refusal or error (also of a refusal the access policy's guard answers before
   * any interceptor runs: @remedy/access-policy POLICY_REFUSAL_RECORDER). Committed before the
   * answer leaves; AuditUnavailableException (503) when it cannot be.
   */
  async recordRefusal(context: ExecutionContext, error: unknown): Promise<void> {
    const base = this.baseOf(context);
    if (base === undefined) return;
    const refusal = toProblem(error);
    await this.write({
      ...base,
      caseIds: [],
      status: refusal.status,
      outcome: outcomeOf(refusal.status),
      rule: ruleOf(refusal.status, refusal.rule),
    });
  }

  /**
   * A POST may be a command whose append commits its success row (issue 18 item 3): the row is
   * offered to it (@remedy/http `writeWithCommand`) with the route's status; the command's answer
   * names the case ids. Used only when the answer leaves with that status.
   */
  private rowWithCommand(
    context: ExecutionContext,
    base: Omit<AuditEntry, 'caseIds' | 'status' | 'outcome' | 'rule'>,
  ): { readonly write: WriteWithCommand; readonly status: number } | undefined {
    if (base.method !== 'POST') return undefined;
    const status =
      (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? 201;
    const write = writeWithCommand(context.switchToHttp().getRequest<object>(), (answer) =>
      auditRowWithAppend({
        ...base,
        caseIds: caseIdsIn(answer.body, base.caseId),
        status,
        outcome: outcomeOf(status),
        rule: ruleOf(status, undefined),
      }),
    );
    return { write, status };
  }

  /** Who, where and which case; undefined when the request is not audited. */
  private baseOf(
    context: ExecutionContext,
  ): Omit<AuditEntry, 'caseIds' | 'status' | 'outcome' | 'rule'> | undefined {
    if (context.getType() !== 'http') return undefined;
    const skip = this.reflector.getAllAndOverride<string | undefined>(NOT_AUDITED_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const http = context.switchToHttp();
    const req = http.getRequest<AuditedRequest>();
    const actor = req.actor;
    if (skip !== undefined || actor === undefined) return undefined;
    const params = (req.params ?? {}) as Record<string, unknown>;
    const caseId = isUuid(params.caseId) ? params.caseId.toLowerCase() : null;
    return {
      requestId: String(req.id),
      userId: actor.userId,
      organisationId: actor.organisationId,
      roles: actor.roles,
      method: req.method,
      route: routeTemplateOf(req),
      caseId,
    };
  }

  private async write(entry: AuditEntry): Promise<void> {
    try {
      await this.trail.record(entry);
    } catch {
      throw new AuditUnavailableException();
    }
  }
}

/** `/cases/:caseId/timeline`: the route as registered, never the URL with its values. */
export function routeTemplateOf(req: FastifyRequest): string {
  const template = req.routeOptions?.url;
  return typeof template === 'string' && template.length > 0 ? template : '/*';
}
