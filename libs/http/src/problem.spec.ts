import type { ArgumentsHost } from '@nestjs/common';
import { NotFoundException } from '@nestjs/common';
import { ProblemExceptionFilter, toProblem } from './exception-filter';
import { invalidInput, problem, PROBLEM_TYPE_BASE, type RuleTitles } from './problem';

class Refusal extends Error {
  override readonly name = 'DomainError';
  constructor(readonly rule: string) {
    super('the case is closed');
  }
}

/** The reply and request of a fake HTTP context, recording what the filter writes. */
function httpContext(query: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = {
    headers: {},
  };
  const reply = {
    code(status: number) {
      sent.status = status;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    send(body: unknown) {
      sent.body = JSON.parse(body as string);
      return reply;
    },
  };
  const host = {
    switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({ query, headers }) }),
  } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('problem documents (RFC 9457)', () => {
  it('types each kind with a stable URI, about:blank with the status phrase otherwise', () => {
    expect(problem(404, 'No such case')).toEqual({
      type: `${PROBLEM_TYPE_BASE}not-found`,
      title: 'Not found',
      status: 404,
      detail: 'No such case',
    });
    expect(problem(418, 'x')).toMatchObject({ type: 'about:blank', title: "I'm a Teapot" });
    expect(problem(503, 'down')).toMatchObject({ retryAfter: 5 });
    expect(invalidInput([{ name: 'limit', reason: 'must be an integer' }])).toMatchObject({
      status: 400,
      detail: 'Invalid input: limit (must be an integer)',
      fields: [{ name: 'limit', reason: 'must be an integer' }],
    });
  });

  it('answers a refusal by a rule with the rule as type and member', () => {
    expect(toProblem(new Refusal('CASE_CLOSED'))).toMatchObject({
      type: `${PROBLEM_TYPE_BASE}rules/CASE_CLOSED`,
      status: 422,
      rule: 'CASE_CLOSED',
      detail: 'the case is closed',
    });
    expect(toProblem(new NotFoundException('No such organisation'))).toMatchObject({
      status: 404,
      detail: 'No such organisation',
    });
  });

  it("titles a refusal in the caller's language (?lang= before Accept-Language), as problem+json", () => {
    const titles: RuleTitles = {
      titleOf: (rule, lang, accept) => ({
        title: `${rule} in ${lang ?? accept ?? 'en'}`,
        language: lang ?? accept ?? 'en',
      }),
    };
    const { host, sent } = httpContext({ lang: 'fr' }, { 'accept-language': 'ar' });
    new ProblemExceptionFilter(titles).catch(new Refusal('CASE_CLOSED'), host);
    expect(sent).toEqual({
      status: 422,
      headers: {
        'content-type': 'application/problem+json; charset=utf-8',
        'content-language': 'fr',
      },
      body: expect.objectContaining({ title: 'CASE_CLOSED in fr', rule: 'CASE_CLOSED' }),
    });
  });

  it('sends Retry-After with a 503', () => {
    const { host, sent } = httpContext();
    new ProblemExceptionFilter().catch(
      Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
      host,
    );
    expect([sent.status, sent.headers['retry-after'], sent.body]).toEqual([
      503,
      '5',
      expect.objectContaining({ retryAfter: 5, type: `${PROBLEM_TYPE_BASE}unavailable` }),
    ]);
  });
});
