import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Optional,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { AuthError, IdentityProviderUnavailableError } from '../errors';
import type { Actor } from '../actor';
import type { TokenVerifier } from '../verifier';
import { DEACTIVATED_ACCOUNTS, type DeactivatedAccounts } from './deactivated';
import { IS_PUBLIC_KEY, type RequestWithActor } from './decorators';
import { STAFF_NAMES, type StaffNameRecorder } from './staff-names';
import { problem, RouteMetadata } from '@remedy/http';

type HttpArgumentsHost = ReturnType<ExecutionContext['switchToHttp']>;

export const TOKEN_VERIFIER = Symbol('remedy:TokenVerifier');

interface HttpRequestLike extends RequestWithActor {
  headers: Record<string, string | string[] | undefined>;
}

interface ReplyLike {
  header?: (name: string, value: string) => unknown; // Fastify
  setHeader?: (name: string, value: string) => unknown; // Express / node
}

/**
 * Global guard (registered as APP_GUARD by AuthModule): every route needs a valid bearer
 * token unless marked @Public(). Sets `request.actor`. Refusals are 401 with
 * `WWW-Authenticate: Bearer error="invalid_token"` and a reason that carries no token content;
 * a token that cannot be checked because the identity provider's keys are unreachable is 503.
 * A verified token whose user is a deactivated account (DEACTIVATED_ACCOUNTS, when the app has
 * one) is refused (401, reason `deactivated`), whoever issued it, on every request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Optional() private readonly moduleRef?: ModuleRef,
  ) {
    this.isPublic = new RouteMetadata(reflector, IS_PUBLIC_KEY);
  }

  private readonly isPublic: RouteMetadata<boolean>;

  private readonly optional = new Map<symbol, unknown>();

  /** A provider the app may have, looked up once (null: the app has none). */
  private lookUp<T>(token: symbol): T | null {
    if (!this.optional.has(token)) {
      let found: T | null;
      try {
        found = this.moduleRef?.get<T>(token, { strict: false }) ?? null;
      } catch {
        found = null;
      }
      this.optional.set(token, found);
    }
    return this.optional.get(token) as T | null;
  }

  /** The app's deactivated accounts (null: the app has none). */
  private deactivated(): DeactivatedAccounts | null {
    return this.lookUp<DeactivatedAccounts>(DEACTIVATED_ACCOUNTS);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.isPublic.of(context)) return true;
    if (context.getType() !== 'http') return false; // no other transport is authenticated yet: deny

    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    // A token the verifier has verified before (its cache): admitted without a promise (Nest
    // awaits a guard's promise, not a boolean; issue 18's per-request CPU). Anything else, a
    // refusal included, goes the whole way below.
    const token = knownBearerToken(request.headers.authorization);
    const known = token === undefined ? undefined : this.verifier.verified?.(token);
    if (known && !this.deactivated()?.isDeactivated(known.userId)) {
      this.admit(request, known, token!);
      return true;
    }
    return this.verifyAndAdmit(http, request);
  }

  private async verifyAndAdmit(http: HttpArgumentsHost, request: HttpRequestLike): Promise<true> {
    try {
      const token = bearerToken(request.headers.authorization);
      const actor = await this.verifier.verify(token);
      // Outside the verification cache: a deactivation counts from the next request on.
      if (this.deactivated()?.isDeactivated(actor.userId)) throw new AuthError('deactivated');
      this.admit(request, actor, token);
      return true;
    } catch (error) {
      const reply = http.getResponse<ReplyLike>();
      if (error instanceof IdentityProviderUnavailableError) {
        // The token could not be checked at all: 503 (with Retry-After), so clients retry rather
        // than log out.
        throw new ServiceUnavailableException(
          problem(503, "The identity provider's signing keys cannot be fetched; try again shortly"),
        );
      }
      if (!(error instanceof AuthError)) throw error;
      const challenge =
        error.kind === 'missing'
          ? 'Bearer realm="remedy-api"'
          : 'Bearer realm="remedy-api", error="invalid_token"';
      setHeader(reply, 'WWW-Authenticate', challenge);
      throw new UnauthorizedException(problem(401, error.message, { reason: error.kind }));
    }
  }

  private admit(request: HttpRequestLike, actor: Actor, token: string): void {
    request.actor = actor;
    // An external provider's `name` claim (returns at once; see StaffNameRecorder).
    this.lookUp<StaffNameRecorder>(STAFF_NAMES)?.seen(actor, token);
  }
}

/** The bearer token of a well-formed `Authorization` header, else undefined. */
function knownBearerToken(header: string | string[] | undefined): string | undefined {
  try {
    return bearerToken(header);
  } catch {
    return undefined;
  }
}

function setHeader(reply: ReplyLike, name: string, value: string): void {
  if (typeof reply.header === 'function') reply.header(name, value);
  else if (typeof reply.setHeader === 'function') reply.setHeader(name, value);
}

/** `Authorization: Bearer <token>` (scheme case-insensitive, one header only). */
export function bearerToken(header: string | string[] | undefined): string {
  if (typeof header !== 'string') throw new AuthError('missing');
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  if (!m) throw new AuthError(header.trim() === '' ? 'missing' : 'malformed');
  return m[1]!;
}
