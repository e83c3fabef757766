import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  ServiceUnavailableException,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { from, Observable, switchMap } from 'rxjs';
import { GlobalPosition, parsePosition } from '@remedy/event-store';

export const MIN_POSITION_HEADER = 'x-min-position';
export const POSITION_HEADER = 'x-position';

/** Answers whether every named projection has applied events up to `position` (bounded wait). */
export interface ProjectionWaiter {
  waitFor(projections: readonly string[], position: GlobalPosition, timeoutMs: number): Promise<boolean>;
}
export const PROJECTION_WAITER = Symbol('PROJECTION_WAITER');
export const READ_YOUR_WRITES_TIMEOUT_MS = Symbol('READ_YOUR_WRITES_TIMEOUT_MS');

const READS_PROJECTIONS = 'remedy:reads-projections';

/** Marks a read endpoint as served from these projections, so `X-Min-Position` can be honoured. */
export const ReadsProjections = (...projections: string[]) => SetMetadata(READS_PROJECTIONS, projections);

/**
 * Read your writes: a command answers with the global position it produced (`X-Position` and
 * `position` in the body); a read sent with `X-Min-Position: <that>` waits, bounded, until its
 * projections have reached it, then answers 503 rather than stale data.
 */
@Injectable()
export class ReadYourWritesInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(PROJECTION_WAITER) private readonly waiter: ProjectionWaiter,
    @Inject(READ_YOUR_WRITES_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const projections = this.reflector.getAllAndOverride<string[] | undefined>(READS_PROJECTIONS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!projections?.length) return next.handle();
    const raw = context.switchToHttp().getRequest<FastifyRequest>().headers[MIN_POSITION_HEADER];
    if (raw === undefined) return next.handle();
    const position = typeof raw === 'string' ? parsePosition(raw) : undefined;
    if (!position) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `Invalid input: ${MIN_POSITION_HEADER} (expected a position such as "812.4051" from a command response)`,
        fields: [{ field: MIN_POSITION_HEADER, reason: 'not a position' }],
      });
    }
    return from(this.waiter.waitFor(projections, position, this.timeoutMs)).pipe(
      switchMap((reached) => {
        if (!reached) {
          throw new ServiceUnavailableException({
            statusCode: 503,
            error: 'Service Unavailable',
            message: `The read model has not yet reached position ${raw}; retry shortly`,
          });
        }
        return next.handle();
      }),
    );
  }
}
