import {
  type CallHandler,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  Module,
  type NestInterceptor,
  SetMetadata,
  type Type,
} from '@nestjs/common';
import { APP_INTERCEPTOR, NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Observable } from 'rxjs';
import { ReadsProjections, GrantsAccess, ReadYourWritesInterceptor } from './read-your-writes';
import {
  type RouteHandler,
  type RouteScopedInterceptor,
  scopeGlobalInterceptorsToRoutes,
} from './route-interceptors';

const MARKED = 'test:marked';
const seen: string[] = [];

/** Does something only on routes marked MARKED. */
@Injectable()
class MarkedOnly implements RouteScopedInterceptor {
  constructor(private readonly reflector: Reflector) {}
  appliesTo(handler: RouteHandler, controller: Type<unknown>): boolean {
    return !!this.reflector.getAllAndOverride(MARKED, [handler, controller]);
  }
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    seen.push('marked-only');
    return next.handle();
  }
}

/** Says it never applies, but throws: kept. */
@Injectable()
class Throws implements RouteScopedInterceptor {
  appliesTo(): boolean {
    throw new Error('cannot tell');
  }
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    seen.push('throws');
    return next.handle();
  }
}

/** An ordinary global interceptor (no `appliesTo`): on every route. */
@Injectable()
class Everywhere implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    seen.push('everywhere');
    return next.handle();
  }
}

@Controller()
class Routes {
  @Get('marked')
  @SetMetadata(MARKED, true)
  marked() {
    return { ok: true };
  }

  @Get('plain')
  plain() {
    return { ok: true };
  }
}

@Controller('class-marked')
@SetMetadata(MARKED, true)
class ClassMarked {
  @Get()
  get() {
    return { ok: true };
  }
}

@Module({
  controllers: [Routes, ClassMarked],
  providers: [
    { provide: APP_INTERCEPTOR, useClass: MarkedOnly },
    { provide: APP_INTERCEPTOR, useClass: Throws },
    { provide: APP_INTERCEPTOR, useClass: Everywhere },
  ],
})
class TestModule {}

describe('global interceptors scoped to the routes where they act (scopeGlobalInterceptorsToRoutes)', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    scopeGlobalInterceptorsToRoutes();
    app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const interceptorsOn = async (url: string) => {
    seen.length = 0;
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    return [...seen];
  };

  it('leaves an interceptor out of a route only when it says it does nothing there', async () => {
    expect(await interceptorsOn('/marked')).toEqual(['marked-only', 'throws', 'everywhere']);
    expect(await interceptorsOn('/class-marked')).toEqual(['marked-only', 'throws', 'everywhere']);
    expect(await interceptorsOn('/plain')).toEqual(['throws', 'everywhere']);
  });

  it('read-your-writes applies only to routes that read projections or grant access', () => {
    class Reads {
      @ReadsProjections('case-list')
      list(): void {}
      @GrantsAccess()
      grant(): void {}
      other(): void {}
    }
    @ReadsProjections('case-list')
    class ReadsAll {
      any(): void {}
    }
    const rw = new ReadYourWritesInterceptor(new Reflector(), { waitFor: async () => true }, 1);
    expect(rw.appliesTo(Reads.prototype.list, Reads)).toBe(true);
    expect(rw.appliesTo(Reads.prototype.grant, Reads)).toBe(true);
    expect(rw.appliesTo(Reads.prototype.other, Reads)).toBe(false);
    expect(rw.appliesTo(ReadsAll.prototype.any, ReadsAll)).toBe(true);
  });
});
