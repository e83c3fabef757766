import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  Optional,
  ServiceUnavailableException,
  SetMetadata,
  type Type,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, mergeMap, Observable, switchMap } from 'rxjs';
import { GlobalPosition, parsePosition } from '@remedy/event-store';
import { problem } from './problem';
import type { RouteHandler, RouteScopedInterceptor } from './route-interceptors';

export const MIN_POSITION_HEADER = 'x-min-position';
export const POSITION_HEADER = 'x-position';
/**
 * On the answer of a command that grants access (`@GrantsAccess()`), when the projections that
 * carry access had not applied it within the read-your-writes timeout: `true`. The grant is
 * recorded; the receiving organisation's reads show it once projected (send
 * `X-Min-Position: <X-Position>` to wait for it). Absent when the grant is already readable.
 */
export const ACCESS_PENDING_HEADER = 'x-access-pending';

/** Answers whether every named projection has applied events up to `position` (bounded wait). */
export interface ProjectionWaiter {
  waitFor(
    projections: readonly string[],
    position: GlobalPosition,
    timeoutMs: number,
  ): Promise<boolean>;
}
export const PROJECTION_WAITER = Symbol('PROJECTION_WAITER');
export const READ_YOUR_WRITES_TIMEOUT_MS = Symbol('READ_YOUR_WRITES_TIMEOUT_MS');
/**
 * The names of the projections whose rows decide who sees what (row-level security over
 * consent-based grants) among those this process serves; `@GrantsAccess()` commands wait for them.
 */
export const ACCESS_PROJECTIONS = Symbol('ACCESS_PROJECTIONS');

export const READS_PROJECTIONS = 'remedy:reads-projections';
export const GRANTS_ACCESS = 'remedy:grants-access';

/** A projection a read is served from only when its query carries `whenQuery` (a filter it serves). */
export interface ProjectionWhen {
  readonly projection: string;
  readonly whenQuery: string;
}

/** Marks a read endpoint as served from these projections, so `X-Min-Position` can be honoured. */
export const ReadsProjections = (...projections: (string | ProjectionWhen)[]) =>
  SetMetadata(READS_PROJECTIONS, projections);

/** The projections a request reads (those of `ProjectionWhen` only when its query names them). */
function projectionsRead(
  projections: readonly (string | ProjectionWhen)[],
  query: unknown,
): string[] {
  const given = (query ?? {}) as Record<string, unknown>;
  return projections.flatMap((p) =>
    typeof p === 'string' ? [p] : given[p.whenQuery] !== undefined ? [p.projection] : [],
  );
}

/**
 * Marks a command endpoint that can grant another organisation access (a referral with the
 * person's consent, consent given, legal-aid access, a transfer): it answers only once the
 * projections that carry access (`ACCESS_PROJECTIONS`) have applied the position it appended
 * (`position` of its answer), bounded by the read-your-writes timeout, so the receiving
 * organisation's next read sees the grant without `X-Min-Position` (issue 4: an access decision
 * never comes from a stale read). On timeout it answers as usual with `X-Access-Pending: true`.
 * Revocations need no wait: reads decide them on the stream.
 */
export const GrantsAccess = () => SetMetadata(GRANTS_ACCESS, true);

/**
 * Read your writes: a command answers with the global position it produced (`X-Position` and
 * `position` in the body); a read sent with `X-Min-Position: <that>` waits, bounded, until its
 * projections have reached it, then answers 503 rather than stale data. A command marked
 * `@GrantsAccess()` waits the same way, after it appended and before it answers, for the
 * projections that carry access (see `GrantsAccess`).
 */
@Injectable()
export class ReadYourWritesInterceptor implements RouteScopedInterceptor {
  private readonly accessProjections: readonly string[];

  constructor(
    private readonly reflector: Reflector,
    @Inject(PROJECTION_WAITER) private readonly waiter: ProjectionWaiter,
    @Inject(READ_YOUR_WRITES_TIMEOUT_MS) private readonly timeoutMs: number,
    @Optional() @Inject(ACCESS_PROJECTIONS) accessProjections?: readonly string[],
  ) {
    this.accessProjections = accessProjections ?? [];
  }

  /** Only on routes marked `@GrantsAccess()` or `@ReadsProjections(...)`. */
  appliesTo(handler: RouteHandler, controller: Type<unknown>): boolean {
    if (this.reflector.get<boolean | undefined>(GRANTS_ACCESS, handler)) return true;
    const declared = this.reflector.getAllAndOverride<(string | ProjectionWhen)[] | undefined>(
      READS_PROJECTIONS,
      [handler, controller],
    );
    return !!declared?.length;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.reflector.get<boolean | undefined>(GRANTS_ACCESS, context.getHandler()))
      return this.afterGrant(context, next);
    const declared = this.reflector.getAllAndOverride<(string | ProjectionWhen)[] | undefined>(
      READS_PROJECTIONS,
      [context.getHandler(), context.getClass()],
    );
    if (!declared?.length) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const projections = projectionsRead(declared, request.query);
    const raw = request.headers[MIN_POSITION_HEADER];
    if (raw === undefined) return next.handle();
    const position = typeof raw === 'string' ? parsePosition(raw) : undefined;
    if (!position) {
      throw new BadRequestException(
        problem(
          400,
          `Invalid input: ${MIN_POSITION_HEADER} (expected a position such as "812.4051" from a command response)`,
          { fields: [{ name: MIN_POSITION_HEADER, reason: 'not a position' }] },
        ),
      );
    }
    return from(this.waiter.waitFor(projections, position, this.timeoutMs)).pipe(
      switchMap((reached) => {
        if (!reached) {
          throw new ServiceUnavailableException(
            problem(503, `The read model has not yet reached position ${raw}; retry shortly`, {
              retryAfter: 1,
            }),
          );
        }
        return next.handle();
      }),
    );
  }

  /**
   * Waits until the access projections have applied the command's position. The events are
   * appended by now: whatever happens here (timeout, database trouble), the command's own answer
   * stands, with `X-Access-Pending: true` when the grant may not be readable yet.
   */
  private afterGrant(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        const raw = (body as { position?: unknown } | null)?.position;
        const position = typeof raw === 'string' ? parsePosition(raw) : undefined;
        if (!position || this.accessProjections.length === 0) return body;
        const reached = await this.waiter
          .waitFor(this.accessProjections, position, this.timeoutMs)
          .catch(() => false);
        if (!reached) void reply.header(ACCESS_PENDING_HEADER, 'true');
        return body;
      }),
    );
  }
}
