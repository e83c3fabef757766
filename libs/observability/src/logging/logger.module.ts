import {
  CallHandler,
  DynamicModule,
  ExecutionContext,
  Injectable,
  Module,
  NestInterceptor,
  RequestMethod,
  OnModuleInit,
  type ModuleMetadata,
} from '@nestjs/common';
import { APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { LoggerModule, PinoLogger, type Params } from 'nestjs-pino';
import type { Observable } from 'rxjs';
import { actorOf, FASTIFY_REQUEST, httpLoggerOptions, type HttpLoggingConfig } from './logger';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id';

export type ObservabilityLoggerOptions = HttpLoggingConfig;

/** The `nestjs-pino` LoggerModule parameters for {@link ObservabilityLoggerOptions}. */
export function loggerModuleParams(options: ObservabilityLoggerOptions = {}): Params {
  const http = httpLoggerOptions(options) as NonNullable<Params['pinoHttp']>;
  return {
    pinoHttp: options.destination ? ([http, options.destination] as Params['pinoHttp']) : http,
    // nestjs-pino's default route, `{/*splat}`, matches no request on NestJS 12.5 with Fastify
    // (the middleware never runs); `/{*splat}` matches every path, `/` included.
    forRoutes: [{ path: '/{*splat}', method: RequestMethod.ALL }],
  };
}

const installed = new WeakSet<object>();

/**
 * On Fastify: the request id comes from {@link requestIdFor} (a safe incoming `x-request-id`, else
 * a uuid) and is echoed in the `x-request-id` response header, errors and 404s included; the raw
 * request gets a reference to the Fastify request so the log line can read `request.actor`
 * (set by the auth guard) and the route template.
 */
export function installRequestContext(fastify: FastifyInstance): void {
  if (installed.has(fastify)) return;
  installed.add(fastify);
  fastify.setGenReqId((req) => requestIdFor(req.headers));
  fastify.addHook('onRequest', (request, reply, done) => {
    (request.raw as unknown as Record<symbol, unknown>)[FASTIFY_REQUEST] = request;
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
}

@Injectable()
class RequestContextInstaller implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() === 'fastify')
      installRequestContext(adapter.getInstance<FastifyInstance>());
  }
}

/**
 * Adds the actor's `userId` and `organisationId` to the logs made while handling a request, once
 * the auth guard (which runs before interceptors) has set `request.actor`.
 */
@Injectable()
export class ActorLogInterceptor implements NestInterceptor {
  constructor(private readonly logger: PinoLogger) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const actor = actorOf(context.switchToHttp().getRequest<{ actor?: unknown }>());
      if (actor) {
        try {
          this.logger.assign(actor);
        } catch {
          // outside a logging context (e.g. a route excluded from the logger middleware)
        }
      }
    }
    return next.handle();
  }
}

export interface ObservabilityLoggerAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly inject?: unknown[];
  readonly useFactory: (
    ...args: any[]
  ) => ObservabilityLoggerOptions | Promise<ObservabilityLoggerOptions>;
}

/**
 * Structured JSON logs for a Nest app (HTTP or not), on `nestjs-pino`.
 *
 *   imports: [ObservabilityLoggerModule.forRoot({ level: 'info', app: 'api' })]
 *   // then, after NestFactory.create: app.useLogger(app.get(Logger))   (Logger from 'nestjs-pino')
 *
 * Inject `PinoLogger` (or `@InjectPinoLogger(Context)`) or use Nest's `Logger`; both write through
 * the same redacting pino instance. See `logger.ts` for what a request line holds.
 */
@Module({})
export class ObservabilityLoggerModule {
  static forRoot(options: ObservabilityLoggerOptions = {}): DynamicModule {
    return ObservabilityLoggerModule.wrap(LoggerModule.forRoot(loggerModuleParams(options)));
  }

  static forRootAsync(options: ObservabilityLoggerAsyncOptions): DynamicModule {
    return ObservabilityLoggerModule.wrap(
      LoggerModule.forRootAsync({
        imports: options.imports,
        inject: options.inject as never,
        useFactory: async (...args: unknown[]) =>
          loggerModuleParams(await options.useFactory(...args)),
      }),
    );
  }

  private static wrap(loggerModule: DynamicModule): DynamicModule {
    return {
      module: ObservabilityLoggerModule,
      global: true,
      imports: [loggerModule],
      providers: [
        RequestContextInstaller,
        { provide: APP_INTERCEPTOR, useClass: ActorLogInterceptor },
      ],
      exports: [loggerModule],
    };
  }
}
