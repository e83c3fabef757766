import type { Type } from '@nestjs/common';

/**
 * OpenAPI shapes of the property values the API's views share, stated once for their
 * `@ApiProperty` decorators (`@ApiProperty(UUID)`, `@ApiProperty(listOf(CaseListItem))`). A view
 * adds a description or an example by spreading one (`{ ...DATE, description: '…' }`).
 */
export const UUID = { format: 'uuid' } as const;
export const NULLABLE_UUID = { type: String, format: 'uuid', nullable: true } as const;
export const DATE = { type: String, format: 'date' } as const;
export const NULLABLE_DATE = { ...DATE, nullable: true } as const;
export const DATE_TIME = { format: 'date-time' } as const;
export const NULLABLE_DATE_TIME = { type: String, format: 'date-time', nullable: true } as const;
/** A case's reference within its holding organisation (ORG-YYYY-NNNNN), as every view shows it. */
export const CASE_REFERENCE = { example: 'ORG-2026-00042' } as const;
/** A JSON object whose keys the document does not list (facts, sums by key). */
export const OPEN_OBJECT = { type: 'object', additionalProperties: true } as const;

/** An array of `type` (a view class, or `String`…). */
export const listOf = (type: Type<unknown> | StringConstructor) => ({
  type: [type] as [typeof type],
});
