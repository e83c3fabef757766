import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

type AnyDecorator = ClassDecorator | MethodDecorator | PropertyDecorator;

/**
 * Decorators composed as if they stood stacked in the order written. TypeScript applies stacked
 * decorators bottom-up, and class-validator lists the reasons of a field in the order its
 * validators were applied: a composition keeps the 400 answer of the decorators it replaces.
 */
export const stacked = (...decorators: AnyDecorator[]) =>
  applyDecorators(...[...decorators].reverse());

/**
 * The `limit` of a paged query: optional, a whole number from 1 to `maximum` (a query string
 * value, converted), `default` when absent (applied by the query, documented here).
 */
export const PageLimit = (options: { readonly maximum: number; readonly default: number }) =>
  stacked(
    ApiPropertyOptional({
      type: 'integer',
      minimum: 1,
      maximum: options.maximum,
      default: options.default,
    }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(options.maximum),
  );
