import 'reflect-metadata';
import './openapi-env';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createApiDocument, fastifyOptions } from '@remedy/http';
import { ApiModule } from './api.module';

/**
 * The OpenAPI document the API serves at /docs-json, without a database or any other service:
 * the module graph in Nest's preview mode (no provider is instantiated, nothing connects).
 * `DATABASE_URL` only has to parse (openapi-env.ts sets a placeholder when none is set).
 */
export async function apiDocument(): Promise<object> {
  const app = await NestFactory.create(ApiModule, new FastifyAdapter(fastifyOptions()), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return createApiDocument(app);
  } finally {
    await app.close();
  }
}

/** `node -r ./test/support/swc-register.js apps/api/src/openapi-document.ts <file>` */
if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: openapi-document.ts <file.json>');
    process.exit(2);
  }
  apiDocument()
    .then((document) => writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
