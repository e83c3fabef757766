import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EventStoreUnavailableError, WrongExpectedVersionError } from '@remedy/event-store';
import { isProblem, problem, sendProblem, type Problem, type RuleTitles } from './problem';

/** Errors whose name/shape mean "the database or another dependency is unreachable". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300', // too_many_connections
]);

export function isUnavailable(error: unknown): boolean {
  if (error instanceof EventStoreUnavailableError) return true;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (
    typeof e.message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Connection refused/i.test(
      e.message,
    )
  )
    return true;
  return e.cause !== undefined && e.cause !== error && isUnavailable(e.cause);
}

/** A domain refusal: an error carrying the rule it enforces. */
export function domainRule(error: unknown): string | undefined {
  const e = error as { rule?: unknown; name?: unknown } | null;
  if (e && typeof e === 'object' && typeof e.rule === 'string' && e.name === 'DomainError')
    return e.rule;
  return undefined;
}

export function toProblem(error: unknown): Problem {
  if (error instanceof HttpException) {
    // Nest wraps Fastify's own client errors (bad JSON, body too large, bad content type).
    const client = fastifyClientError(error.cause);
    if (client) return client;
    const status = error.getStatus();
    const body = error.getResponse();
    if (isProblem(body)) return body.status === status ? body : { ...body, status };
    // The router's 404 (`Cannot GET /the/url`) quotes the URL.
    if (
      status === 404 &&
      typeof body === 'object' &&
      body !== null &&
      ROUTER_404.test(String((body as { message?: unknown }).message))
    )
      return problem(404, 'No such route');
    // Nest's own exceptions (a pipe's, the throttler's, `new NotFoundException('text')`).
    if (typeof body === 'object' && body !== null && 'message' in body) {
      const b = body as { message?: unknown };
      return problem(status, Array.isArray(b.message) ? b.message.join('; ') : String(b.message));
    }
    return problem(status, String(body));
  }
  if (error instanceof WrongExpectedVersionError) {
    return problem(409, 'The resource was changed by someone else; reload it and try again');
  }
  const rule = domainRule(error);
  if (rule) return problem(422, (error as Error).message, { rule });
  if (isUnavailable(error)) {
    return problem(503, 'A dependency is unavailable; try again shortly');
  }
  // Fastify's own client errors (bad JSON, body too large, bad content type) carry a 4xx statusCode.
  const client = fastifyClientError(error);
  if (client) return client;
  return problem(500, 'Unexpected error');
}

/** Nest's answer for a URL no route matches: `Cannot <METHOD> <url>`. */
const ROUTER_404 = /^Cannot [A-Z]+ /;

/**
 * The problem for an error Fastify's router raises before any route or hook runs (its
 * `frameworkErrors`): a malformed URL (FST_ERR_BAD_URL, 400) or a path parameter longer than the
 * router matches (FST_ERR_MAX_PARAM_LENGTH, 414). Fastify's own text quotes the URL.
 */
export function frameworkErrorProblem(error: unknown): Problem {
  return fastifyClientError(error) ?? toProblem(error);
}

/** A 4xx error of Fastify itself, as a problem naming the defect (its own text may quote input). */
function fastifyClientError(error: unknown): Problem | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  return problem(status, clientErrorMessage(error as { code?: string }, status));
}

function clientErrorMessage(error: { code?: string }, status: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Invalid input: body (malformed JSON)';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'Invalid input: body (too large)';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Invalid input: content-type (unsupported media type)';
    case 'FST_ERR_BAD_URL':
      return 'Invalid input: path (malformed URL)';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'Invalid input: path (a parameter is too long)';
    default:
      return status === 413 ? 'Invalid input: body (too large)' : 'Invalid request';
  }
}

/**
 * Answers every error the app raises as a problem document (see `problem.ts`); a refusal by a
 * rule (422) is titled in the caller's language when the app provides {@link RuleTitles}.
 */
@Catch()
export class ProblemExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly ruleTitles?: RuleTitles) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    let body = toProblem(exception);
    if (body.status >= 500) {
      // Log the error class and code only: messages of driver errors may quote submitted values.
      const e = exception as { name?: string; code?: string };
      this.logger.error(`${body.status} ${e?.name ?? 'Error'}${e?.code ? ` (${e.code})` : ''}`);
    }
    let language: string | undefined;
    if (body.rule !== undefined && this.ruleTitles) {
      const request = http.getRequest<FastifyRequest>();
      const lang = (request.query as { lang?: unknown } | undefined)?.lang;
      const named = this.ruleTitles.titleOf(
        body.rule,
        typeof lang === 'string' ? lang : undefined,
        request.headers['accept-language'],
      );
      if (named) {
        body = { ...body, title: named.title };
        language = named.language;
      }
    }
    sendProblem(reply, body, language === undefined ? {} : { language });
  }
}
