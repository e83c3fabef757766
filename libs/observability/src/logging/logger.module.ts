import {
  DynamicModule,
  Inject,
  Injectable,
  Module,
  OnModuleInit,
  type ModuleMetadata,
  type Provider,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { LoggerModule, PinoLogger, type Params } from 'nestjs-pino';
import {
  bufferedStdout,
  httpLoggerOptions,
  requestLineWriter,
  requestLogFields,
  type HttpLoggingConfig,
  type LoggedRequest,
} from './logger';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id';

export type ObservabilityLoggerOptions = HttpLoggingConfig;

/** The options given to {@link ObservabilityLoggerModule} (`forRoot` or `forRootAsync`). */
const LOGGING_OPTIONS = Symbol('ObservabilityLoggerOptions');

/**
 * The `nestjs-pino` LoggerModule parameters for {@link ObservabilityLoggerOptions}: the root
 * logger only. Its pino-http middleware is mounted on no route: requests are logged by the
 * Fastify hooks of {@link installRequestLogging}.
 */
export function loggerModuleParams(options: ObservabilityLoggerOptions = {}): Params {
  const http = httpLoggerOptions(options) as NonNullable<Params['pinoHttp']>;
  // stdout in chunks (see bufferedStdout), unless lines go elsewhere or through pino-pretty.
  const destination =
    options.destination ?? ('transport' in http && http.transport ? undefined : bufferedStdout());
  return {
    pinoHttp: destination ? ([http, destination] as Params['pinoHttp']) : http,
    forRoutes: [],
  };
}

const installed = new WeakSet<object>();

/**
 * Request logging from two Fastify hooks. `onRequest`: the request id from {@link requestIdFor}
 * (a safe incoming `x-request-id`, else a uuid), echoed in the `x-request-id` response header
 * (errors and 404s included); the rest of the request runs with {@link requestLogFields} holding
 * the request (its id, and its actor once the auth guard has set one), which the root logger's
 * mixin adds to every line logged meanwhile (`PinoLogger`, Nest's `Logger`). `onResponse`: the
 * one line per request of {@link requestLogLine}, written to the root logger's destination by
 * {@link requestLineWriter} (the line pino would write, without its per-line machinery).
 *
 * Cost (bench/api/request-cpu.ts, section "hooks"): one AsyncLocalStorage context and one line.
 * Replaces nestjs-pino's pino-http middleware, which ran through @fastify/middie (Express-style
 * middleware emulation) and added a response listener and a child logger of its own per request.
 */
export function installRequestLogging(
  fastify: FastifyInstance,
  options: Pick<ObservabilityLoggerOptions, 'ignorePaths'> = {},
): void {
  if (installed.has(fastify)) return;
  installed.add(fastify);
  const ignored = new Set(options.ignorePaths ?? ['/health', '/health/ready']);
  fastify.setGenReqId((req) => requestIdFor(req.headers));
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    requestLogFields.run({ requestId: request.id, request }, done);
  });
  let write: ReturnType<typeof requestLineWriter> | undefined;
  fastify.addHook('onResponse', (request, reply, done) => {
    write ??= requestLineWriter(PinoLogger.root, ignored);
    write(request as unknown as LoggedRequest, reply.statusCode, Math.round(reply.elapsedTime));
    done();
  });
}

@Injectable()
class RequestLoggingInstaller implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(LOGGING_OPTIONS) private readonly options: ObservabilityLoggerOptions,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() === 'fastify')
      installRequestLogging(adapter.getInstance<FastifyInstance>(), this.options);
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
    return ObservabilityLoggerModule.wrap(LoggerModule.forRoot(loggerModuleParams(options)), {
      provide: LOGGING_OPTIONS,
      useValue: options,
    });
  }

  static forRootAsync(options: ObservabilityLoggerAsyncOptions): DynamicModule {
    return ObservabilityLoggerModule.wrap(
      LoggerModule.forRootAsync({
        imports: options.imports,
        inject: options.inject as never,
        useFactory: async (...args: unknown[]) =>
          loggerModuleParams(await options.useFactory(...args)),
      }),
      // The factory runs a second time for the request hooks' options (ignored paths).
      {
        provide: LOGGING_OPTIONS,
        inject: options.inject as never,
        useFactory: options.useFactory,
      },
      options.imports,
    );
  }

  private static wrap(
    loggerModule: DynamicModule,
    optionsProvider: Provider,
    imports: ModuleMetadata['imports'] = [],
  ): DynamicModule {
    return {
      module: ObservabilityLoggerModule,
      global: true,
      imports: [...imports, loggerModule],
      providers: [optionsProvider, RequestLoggingInstaller],
      exports: [loggerModule],
    };
  }
}
