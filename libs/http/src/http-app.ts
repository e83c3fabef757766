import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ProblemExceptionFilter } from './exception-filter';
import { createValidationPipe } from './validation';

export interface HttpAppOptions {
  /** Largest accepted request body, bytes. */
  readonly bodyLimit?: number;
  readonly title?: string;
  readonly logger?: false | undefined;
}

/**
 * The HTTP application on Fastify with the project's conventions: validation (400 naming
 * fields), one error shape, OpenAPI at /docs and /docs-json, shutdown hooks.
 */
export async function createHttpApp(
  rootModule: Type<unknown>,
  options: HttpAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimit ?? 256 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bufferLogs: true,
    ...(options.logger === false ? { logger: false } : {}),
  });
  configureHttpApp(app, options);
  return app;
}

export function configureHttpApp(app: INestApplication, options: HttpAppOptions = {}): void {
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemExceptionFilter());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title ?? 'Remedy API')
      .setDescription(
        'Event-sourced case management for assisting victims of human trafficking. ' +
          'Every route but /health, /health/ready, /docs, /docs-json and /metrics needs a bearer token.',
      )
      .setVersion('0.1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
