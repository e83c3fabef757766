import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * The `limit` of a paged query: optional, a whole number from 1 to `maximum` (a query string
 * value, converted), `default` when absent (applied by the query, documented here).
 */
export const PageLimit = (options: { readonly maximum: number; readonly default: number }) =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: options.maximum, default: options.default }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(options.maximum),
  );
