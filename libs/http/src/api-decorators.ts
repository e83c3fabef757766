import { applyDecorators, Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiTags } from '@nestjs/swagger';

/**
 * A controller of the API's bearer-token routes at `path`, listed under `tag` in the OpenAPI
 * document: `@ApiTags(tag) @ApiBearerAuth() @Controller(path)` stated once.
 */
export const ApiController = (tag: string, path?: string) =>
  applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    path === undefined ? Controller() : Controller(path),
  );

/** A path parameter holding a UUID (`:caseId`, `:organisationId`), as the document shows it. */
export const UuidParam = (name: string) => ApiParam({ name, type: String, format: 'uuid' });
