import {
  BadRequestException,
  CallHandler,
  ConflictException,
  ExecutionContext,
  HttpStatus,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, Observable, of, switchMap, tap } from 'rxjs';
import {
  admittedReplayOf,
  type AdmittedReplay,
  type IdempotentReplay,
} from '@remedy/access-policy';
import type { Actor } from '@remedy/auth';
import { POSITION_HEADER, problem, writeWithCommand } from '@remedy/http';
import { DomainError } from '../pipeline/errors';
import { IdempotencyStore } from './idempotency.store';

/** Where @HttpCode() keeps the route's status (Nest's HTTP_CODE_METADATA). */
const HTTP_CODE_METADATA = '__httpCode__';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Printable ASCII, 1-255 characters (as the IETF draft and common APIs accept). */
const KEY = /^[\x21-\x7e]{1,255}$/;

export interface CommandRequest extends FastifyRequest {
  actor?: Actor;
}

const FIRST_USE = Symbol('remedy.idempotencyKeyFirstUse');

/**
 * Whether the request's Idempotency-Key is used for the first time (its reservation inserted the
 * key's record): then no earlier append of the command can exist and the pipeline does not look
 * one up (issue 18 item 3).
 */
export const idempotencyKeyFirstUse = (req: FastifyRequest): boolean =>
  (req as { [FIRST_USE]?: boolean })[FIRST_USE] === true;

/** `POST /cases/<uuid>/notes`: method and path, no query string. */
export const routeOf = (req: FastifyRequest): string => `${req.method} ${req.url.split('?')[0]}`;

export function idempotencyKeyOf(req: FastifyRequest): string | undefined {
  const raw = req.headers[IDEMPOTENCY_KEY_HEADER];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !KEY.test(raw)) {
    throw new BadRequestException(
      problem(400, 'Invalid input: Idempotency-Key (1-255 printable ASCII characters)', {
        fields: [{ name: IDEMPOTENCY_KEY_HEADER, reason: 'not a valid key' }],
      }),
    );
  }
  return raw;
}

const setCommandHeaders = (reply: FastifyReply, body: unknown): void => {
  const b = body as { revision?: unknown; position?: unknown } | null;
  if (b && typeof b === 'object' && typeof b.revision === 'number')
    void reply.header('etag', `"${b.revision}"`);
  if (b && typeof b === 'object' && typeof b.position === 'string')
    void reply.header(POSITION_HEADER, b.position);
};

/**
 * For command routes: a POST body must be a JSON object (400 otherwise, before validation turns
 * `null` into an empty command); Idempotency-Key (reserve → run → store the answer; a retry with the same key
 * and body gets the first answer and runs nothing; another body → 422 IDEMPOTENCY_KEY_REUSED; a
 * concurrent retry waits for the first, then 409), and the ETag / X-Position headers of the answer.
 */
@Injectable()
export class CommandInterceptor implements NestInterceptor {
  constructor(private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<CommandRequest>();
    const reply = http.getResponse<FastifyReply>();
    const withHeaders = (source: Observable<unknown>) =>
      source.pipe(tap((body) => setCommandHeaders(reply, body)));
    if (
      req.method === 'POST' &&
      req.body !== undefined &&
      (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body))
    ) {
      throw new BadRequestException(
        problem(400, 'Invalid input: body (a JSON object is expected)', {
          fields: [{ name: 'body', reason: 'not a JSON object' }],
        }),
      );
    }
    // A retry of a command already answered, which the policy now refuses: PolicyGuard found its
    // stored answer (CommandReplay); answer it, run nothing.
    const admitted = admittedReplayOf(req);
    if (admitted !== undefined) {
      void reply.header('idempotent-replayed', 'true');
      return withHeaders(of(admitted.body));
    }
    const key = idempotencyKeyOf(req);
    if (req.method !== 'POST' || key === undefined || req.actor === undefined)
      return withHeaders(next.handle());

    const status =
      (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ??
      HttpStatus.CREATED;
    const scope = { userId: req.actor.userId, route: routeOf(req), key };
    return withHeaders(
      from(this.store.reserve(scope, req.body)).pipe(
        switchMap((reservation) => {
          switch (reservation.kind) {
            case 'replay':
              void reply.header('idempotent-replayed', 'true');
              return of(reservation.body);
            case 'mismatch':
              throw new DomainError(
                'IDEMPOTENCY_KEY_REUSED',
                'This Idempotency-Key was already used with a different request body',
              );
            case 'in_flight':
              throw new ConflictException(
                'A request with this Idempotency-Key is still being processed; retry later',
              );
            case 'reserved': {
              (req as { [FIRST_USE]?: boolean })[FIRST_USE] = reservation.firstUse;
              // A case command commits the answer with its append (issue 18 item 3); others, or
              // when the store could not, store it here once the handler answered.
              const withCommand = writeWithCommand(req, (answer) =>
                this.store.completionWithAppend(reservation.keyHash, status, answer.body),
              );
              return next.handle().pipe(
                mergeMap(async (body) => {
                  if (!withCommand.committed)
                    await this.store.complete(reservation.keyHash, status, body);
                  return body;
                }),
                catchError(async (error: unknown) => {
                  await this.store.release(reservation.keyHash).catch(() => undefined);
                  throw error;
                }),
              );
            }
          }
        }),
      ),
    );
  }
}

/** Where Nest keeps `@UseInterceptors(...)` (its INTERCEPTORS_METADATA). */
const INTERCEPTORS_METADATA = '__interceptors__';

/**
 * PolicyGuard's IDEMPOTENT_REPLAY for the command routes: a refused POST whose caller, path,
 * Idempotency-Key and body are those of a command already answered gets that answer. Only on a
 * route that CommandInterceptor serves (it answers the admitted replay; nothing else would).
 */
@Injectable()
export class CommandReplay implements IdempotentReplay {
  constructor(private readonly store: IdempotencyStore) {}

  async answeredBefore(
    context: ExecutionContext,
    actor: Actor,
  ): Promise<AdmittedReplay | undefined> {
    const served = [context.getHandler(), context.getClass()].some((target) =>
      ((Reflect.getMetadata(INTERCEPTORS_METADATA, target) ?? []) as unknown[]).includes(
        CommandInterceptor,
      ),
    );
    if (!served) return undefined;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    let key: string | undefined;
    try {
      key = idempotencyKeyOf(req);
    } catch {
      return undefined; // not a valid key: no replay, the refusal stands
    }
    if (key === undefined) return undefined;
    const answer = await this.store.answered(
      { userId: actor.userId, route: routeOf(req), key },
      req.body,
    );
    return answer === undefined ? undefined : { body: answer.body };
  }
}
