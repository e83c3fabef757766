import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createOpenApiDocument, fastifyOptions } from '@remedy/http';
import type { ApiModule as ApiModuleClass } from '../api.module';

/**
 * The API's OpenAPI document without a database: apps/api's ApiModule in Nest's preview mode
 * (modules and controllers scanned, no provider instantiated, nothing connected), through the
 * same `createOpenApiDocument` that the running API serves at /docs-json.
 *
 * ApiModule validates the settings when it is declared, so it is loaded here, after a
 * placeholder DATABASE_URL (never connected to) is set when none is; the environment is put back.
 */
export async function apiOpenApiDocument(): Promise<OpenAPIObject> {
  const databaseUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL ??= 'postgres://openapi-preview.invalid/remedy';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ApiModule } = require('../api.module') as { ApiModule: typeof ApiModuleClass };
    const app = await NestFactory.create(ApiModule, new FastifyAdapter(fastifyOptions()), {
      preview: true,
      logger: false,
    });
    try {
      return createOpenApiDocument(app);
    } finally {
      await app.close();
    }
  } finally {
    if (databaseUrl === undefined) delete process.env.DATABASE_URL;
  }
}
