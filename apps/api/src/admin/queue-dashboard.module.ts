import { type DynamicModule, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { decideAccess } from '@remedy/access-policy';
import { AuditTrail, outcomeOf, ruleOf } from '@remedy/audit';
import {
  type Actor,
  AuthError,
  bearerToken,
  TOKEN_VERIFIER,
  type TokenVerifier,
} from '@remedy/auth';
import { problem, problemPayload, sendProblem } from '@remedy/http';
import { QUEUE_KIT } from '@remedy/platform';
import type { QueueKit } from '@remedy/queue';

/** Where the dashboard is mounted. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';
/** `POST` sets, `DELETE` clears the dashboard's session cookie. */
export const ADMIN_SESSION_PATH = '/admin/session';
/** The cookie carrying an administrator's bearer token to the dashboard's pages (HttpOnly, SameSite=Strict). */
export const ADMIN_SESSION_COOKIE = 'remedy_admin_session';

const QUEUE_DASHBOARD_OPTIONS = Symbol('QUEUE_DASHBOARD_OPTIONS');

export interface QueueDashboardOptions {
  /** The queues listed, by name (e.g. `case-reminders`). */
  readonly queues: readonly string[];
  /**
   * Record every authenticated dashboard request (static assets aside) in the audit trail before
   * answering, as the API's audit interceptor does for Nest routes (default true; needs the
   * `audit_trail` table of the migrations).
   */
  readonly audit?: boolean;
}

const AUDIT_UNAVAILABLE = problem(
  503,
  'The audit trail cannot be written; nothing was returned. Try again shortly',
);

/**
 * Fastify `onSend` hook of the dashboard's scope: one audit row per request of an authenticated
 * actor (admins, and the refusals of other roles), committed before the answer leaves; when it
 * cannot be written the answer is a 503 without the data. Static assets hold no data: not audited.
 */
export function auditDashboard(trail: AuditTrail) {
  return async (request: DashboardRequest, reply: FastifyReply, payload: unknown) => {
    const actor = request.actor;
    const route = request.routeOptions?.url ?? QUEUE_DASHBOARD_PATH;
    if (!actor || route.startsWith(`${QUEUE_DASHBOARD_PATH}/static/`)) return payload;
    const status = reply.statusCode;
    try {
      await trail.record({
        requestId: String(request.id),
        userId: actor.userId,
        organisationId: actor.organisationId,
        roles: actor.roles,
        method: request.method,
        route,
        caseId: null,
        caseIds: [],
        status,
        outcome: outcomeOf(status),
        rule: ruleOf(status, undefined),
      });
      return payload;
    } catch {
      (payload as { destroy?: () => void } | null)?.destroy?.();
      reply.removeHeader('content-length');
      return problemPayload(reply, AUDIT_UNAVAILABLE);
    }
  };
}

type DashboardRequest = FastifyRequest & { actor?: Actor };

/** The token of the request: `Authorization: Bearer …`, else the dashboard's session cookie. */
function tokenOf(request: FastifyRequest): string {
  if (request.headers.authorization !== undefined)
    return bearerToken(request.headers.authorization);
  const cookie = readCookie(request.headers.cookie, ADMIN_SESSION_COOKIE);
  if (cookie === undefined) throw new AuthError('missing');
  return cookie;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * Fastify `onRequest` hook of the dashboard's scope: 401 without a valid token (header or
 * session cookie), 403 for a valid token without the admin role. The Nest AuthGuard does not see
 * these routes (they are Fastify routes, not controllers), so this hook is their guard.
 */
export function adminOnly(verifier: TokenVerifier) {
  return async (request: DashboardRequest, reply: FastifyReply): Promise<void> => {
    let actor: Actor;
    try {
      actor = await verifier.verify(tokenOf(request));
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      reply.header(
        'WWW-Authenticate',
        error.kind === 'missing'
          ? 'Bearer realm="remedy-api"'
          : 'Bearer realm="remedy-api", error="invalid_token"',
      );
      await sendProblem(reply, problem(401, error.message, { reason: error.kind }));
      return reply;
    }
    request.actor = actor; // also for the audit row of a refusal
    if (decideAccess(actor, 'use', 'QueueDashboard') !== 'allowed') {
      await sendProblem(reply, problem(403, 'Only an administrator may use the queue dashboard'));
      return reply;
    }
  };
}

/** `Set-Cookie` for the session: the token itself, until it expires (at most its own lifetime). */
export function sessionCookie(token: string, secure: boolean, nowSeconds: number): string {
  const exp = Number(
    (
      JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString() || '{}') as {
        exp?: unknown;
      }
    ).exp,
  );
  const maxAge = Number.isFinite(exp) ? Math.max(0, Math.floor(exp - nowSeconds)) : 0;
  return [
    `${ADMIN_SESSION_COOKIE}=${token}`,
    'Path=/admin',
    `Max-Age=${maxAge}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

@Injectable()
class QueueDashboardMount implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(QUEUE_KIT) private readonly kit: QueueKit,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(QUEUE_DASHBOARD_OPTIONS) private readonly options: QueueDashboardOptions,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || typeof fastify.register !== 'function') return; // not on Fastify (e.g. a CLI context)
    const board = new BullBoardFastifyAdapter();
    board.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({
      // Job payloads hold opaque ids only (case, organisation, kind, due date).
      queues: this.options.queues.map((name) => new BullMQAdapter(this.kit.queue(name))),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'Remedy queues' } },
    });
    const guard = adminOnly(this.verifier);
    // One encapsulated scope: its onRequest hook guards every route registered inside it.
    void fastify.register(async (scope) => {
      scope.addHook('onRequest', guard);
      if (this.options.audit !== false) {
        scope.addHook('onSend', auditDashboard(new AuditTrail(this.dataSource)));
      }
      scope.post(ADMIN_SESSION_PATH, async (request, reply) => {
        const token = tokenOf(request);
        reply.header(
          'Set-Cookie',
          sessionCookie(token, request.protocol === 'https', Math.floor(Date.now() / 1000)),
        );
        return reply.code(204).send();
      });
      scope.delete(ADMIN_SESSION_PATH, async (_request, reply) => {
        reply.header(
          'Set-Cookie',
          `${ADMIN_SESSION_COOKIE}=; Path=/admin; Max-Age=0; HttpOnly; SameSite=Strict`,
        );
        return reply.code(204).send();
      });
      await scope.register(board.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    });
  }
}

/**
 * The BullMQ dashboard (bull-board) at `/admin/queues`, for administrators only. Needs
 * PlatformModule (QUEUE_KIT) and AuthModule (TOKEN_VERIFIER) in the root module, on Fastify.
 */
@Module({})
export class QueueDashboardModule {
  static forRoot(options: QueueDashboardOptions): DynamicModule {
    return {
      module: QueueDashboardModule,
      providers: [{ provide: QUEUE_DASHBOARD_OPTIONS, useValue: options }, QueueDashboardMount],
    };
  }
}
