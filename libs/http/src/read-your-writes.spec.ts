import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { firstValueFrom, of } from 'rxjs';
import type { GlobalPosition } from '@remedy/event-store';
import {
  ACCESS_PENDING_HEADER,
  GrantsAccess,
  type ProjectionWaiter,
  ReadYourWritesInterceptor,
} from './read-your-writes';

/** A command handler marked as granting access, and one that is not. */
class Commands {
  @GrantsAccess()
  grant(): void {}
  note(): void {}
}

function contextOf(handler: keyof Commands) {
  const headers: Record<string, string> = {};
  const reply = {
    header(name: string, value: string) {
      headers[name] = value;
      return reply;
    },
  };
  const context = {
    getHandler: () => Commands.prototype[handler],
    getClass: () => Commands,
    switchToHttp: () => ({ getRequest: () => ({ headers: {} }), getResponse: () => reply }),
  } as unknown as ExecutionContext;
  return { context, headers };
}

describe('ReadYourWritesInterceptor on commands that grant access (@GrantsAccess)', () => {
  const body = { caseId: 'c', revision: 3, position: '812.4051' };
  const handler: CallHandler = { handle: () => of(body) };
  let calls: { projections: readonly string[]; position: GlobalPosition; timeoutMs: number }[];
  const waiter = (answer: () => Promise<boolean>): ProjectionWaiter => ({
    waitFor(projections, position, timeoutMs) {
      calls.push({ projections, position, timeoutMs });
      return answer();
    },
  });
  const run = async (
    w: ProjectionWaiter,
    handlerName: keyof Commands,
    access: readonly string[] | 'not provided' = ['case-read.cases', 'legal-aid.cases'],
  ) => {
    const { context, headers } = contextOf(handlerName);
    const interceptor =
      access === 'not provided'
        ? new ReadYourWritesInterceptor(new Reflector(), w, 1500)
        : new ReadYourWritesInterceptor(new Reflector(), w, 1500, access);
    const answer = await firstValueFrom(interceptor.intercept(context, handler));
    return { answer, headers };
  };
  beforeEach(() => (calls = []));

  it('given the access projections reach the position, then it answers the command as is, after waiting for them', async () => {
    const { answer, headers } = await run(
      waiter(async () => true),
      'grant',
    );
    expect(answer).toBe(body);
    expect(headers[ACCESS_PENDING_HEADER]).toBeUndefined();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.projections).toEqual(['case-read.cases', 'legal-aid.cases']);
    expect(calls[0]!.timeoutMs).toBe(1500);
    expect(String(calls[0]!.position.commit)).toBe('812');
  });

  it('given the wait times out, then the command still answers, with X-Access-Pending: true', async () => {
    const { answer, headers } = await run(
      waiter(async () => false),
      'grant',
    );
    expect(answer).toBe(body);
    expect(headers[ACCESS_PENDING_HEADER]).toBe('true');
  });

  it('given the database fails during the wait, then the appended command still answers, with X-Access-Pending: true', async () => {
    const { answer, headers } = await run(
      waiter(() => Promise.reject(Object.assign(new Error('down'), { code: 'ECONNREFUSED' }))),
      'grant',
    );
    expect(answer).toBe(body);
    expect(headers[ACCESS_PENDING_HEADER]).toBe('true');
  });

  it('given a command not marked, or an app serving no access projection, then it does not wait', async () => {
    const w = waiter(async () => true);
    expect((await run(w, 'note')).answer).toBe(body);
    expect((await run(w, 'grant', [])).answer).toBe(body);
    expect((await run(w, 'grant', 'not provided')).headers[ACCESS_PENDING_HEADER]).toBeUndefined();
    expect(calls).toHaveLength(0);
  });
});
