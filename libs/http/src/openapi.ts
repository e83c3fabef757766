import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The API's description in its OpenAPI document. */
const API_DESCRIPTION =
  'Event-sourced case management for assisting victims of human trafficking. ' +
  'Every route but /health, /health/ready (their status only), /docs and /docs-json needs a bearer token. ' +
  'Metrics and detailed health are on the internal listener (METRICS_HOST, METRICS_PORT), not here.';

/**
 * The OpenAPI document of an app: what `configureHttpApp` serves at /docs-json, and what
 * `npm run openapi` writes to libs/api-client/openapi.json (from a preview of apps/api's
 * ApiModule), so the two cannot differ. Name-keyed maps (`paths`, each `components` section) are
 * sorted by name, so the document does not depend on the order modules and controllers are
 * registered in; everything else keeps the order the code declares (properties, enums, methods).
 */
export function createOpenApiDocument(
  app: INestApplication,
  options: { readonly title?: string } = {},
): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title ?? 'Remedy API')
      .setDescription(API_DESCRIPTION)
      .setVersion('0.1')
      .addBearerAuth()
      .build(),
  );
  return canonicalOpenApi(document);
}

/** The document with `paths` and every `components` section sorted by name. */
export function canonicalOpenApi(document: OpenAPIObject): OpenAPIObject {
  const components = document.components
    ? Object.fromEntries(
        Object.entries(document.components).map(([section, entries]) => [
          section,
          byName(entries as Record<string, unknown>),
        ]),
      )
    : undefined;
  return {
    ...document,
    paths: byName(document.paths),
    ...(components ? { components } : {}),
  };
}

function byName<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
