import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Expose, Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { stacked } from '@remedy/http';

/**
 * The fields of command DTOs (cases, claims, organisations), each one decorator: its OpenAPI
 * property, and its validators in the order they stood when they were written out one by one
 * (`stacked`), so that a 400 names the same reasons in the same order.
 */

export const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const MAX_TEXT = 20_000;
export const MAX_SHORT = 300;
/** At most this many codes in one list of codes. */
export const MAX_CODES = 50;
export const PERSONAL_TEXT = 'Free text (personal data: encrypted, erasable)';

/** How a field is documented; `optional`: it may be left out (`IsOptional`). */
export type FieldOptions = ApiPropertyOptions & { readonly optional?: boolean };

/** The OpenAPI property of a field, then `IsOptional` when it may be left out. */
export const field = ({ optional, ...doc }: FieldOptions) =>
  optional ? [ApiPropertyOptional(doc), IsOptional()] : [ApiProperty(doc)];

/** A calendar date `YYYY-MM-DD` that exists (2026-02-30 is refused). */
export const IsCalendarDate = (): PropertyDecorator => (target, key) => {
  Matches(CALENDAR_DATE, { message: `${String(key)} must be a calendar date YYYY-MM-DD` })(
    target,
    key,
  );
  IsISO8601({ strict: true }, { message: `${String(key)} must be an existing calendar date` })(
    target,
    key,
  );
};

/** Nested DTO (or array of DTOs): validated as `type`. */
export const Nested =
  (type: () => new () => object, options: { each?: boolean } = {}): PropertyDecorator =>
  (target, key) => {
    IsObject({ each: options.each })(target, key);
    ValidateNested({ each: options.each })(target, key);
    Type(type)(target, key);
  };

/** One code of a code list (the OpenAPI enum is the code list). */
export const Code = (codes: readonly string[], options: FieldOptions = {}) =>
  stacked(...field({ enum: codes, ...options }), IsIn(codes));

/** A list of codes of one code list: at most `maxSize` (MAX_CODES), at least `minSize` if given. */
export const CodeList = (
  codes: readonly string[],
  {
    minSize,
    maxSize = MAX_CODES,
    ...options
  }: FieldOptions & {
    readonly minSize?: number;
    readonly maxSize?: number;
  } = {},
) =>
  stacked(
    ...field({ enum: codes, isArray: true, ...options }),
    IsArray(),
    ...(minSize !== undefined ? [ArrayMinSize(minSize)] : []),
    ArrayMaxSize(maxSize),
    IsIn(codes, { each: true }),
  );

/** A calendar date field (`IsCalendarDate`). */
export const DateField = (options: FieldOptions = {}) =>
  stacked(...field(options), IsCalendarDate());

/** The id of something the API knows (an organisation, a user, a remedy). */
export const IdField = (options: FieldOptions = {}) =>
  stacked(...field({ format: 'uuid', ...options }), IsUUID());

/** A whole number from `minimum` to `maximum`. */
export const WholeNumber = ({
  minimum,
  maximum,
  ...options
}: FieldOptions & { readonly minimum: number; readonly maximum: number }) =>
  stacked(
    ...field({ type: 'integer', minimum, maximum, ...options }),
    IsInt(),
    Min(minimum),
    Max(maximum),
  );

/** An optional year of the exploitation (as the person remembers it). */
export const OptionalYear = () => WholeNumber({ optional: true, minimum: 1900, maximum: 9999 });

export const Flag = (options: FieldOptions = {}) => stacked(...field(options), IsBoolean());

/**
 * A text of at most `maxLength` characters; a required one may not be empty (`IsNotEmpty`, or
 * `MinLength(minLength)` where that is the reason the field has always given).
 */
export const Text = ({
  maxLength,
  minLength,
  ...options
}: FieldOptions & { readonly maxLength: number; readonly minLength?: number }) =>
  stacked(
    ...field({ maxLength, ...options }),
    IsString(),
    ...(minLength !== undefined ? [MinLength(minLength)] : options.optional ? [] : [IsNotEmpty()]),
    MaxLength(maxLength),
  );

/** Free text written by a person: personal data, encrypted before it is stored, erasable. */
export const PersonalText = (options: FieldOptions & { readonly maxLength?: number } = {}) =>
  Text({ description: PERSONAL_TEXT, maxLength: MAX_TEXT, ...options });

/** An optional list of texts (at most 20, each at most `maxLength` characters). */
export const Texts = ({ maxLength }: { readonly maxLength: number }) =>
  stacked(
    ApiPropertyOptional({ type: [String] }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(20),
    IsString({ each: true }),
    MaxLength(maxLength, { each: true }),
  );

/** A nested object of the body (`type`), validated as such. */
export const Part = (type: () => new () => object, options: FieldOptions = {}) =>
  // `type: () => type()`: @nestjs/swagger takes a function named `type` for a lazy type.
  stacked(...field({ type: () => type(), ...options }), Nested(type));

/**
 * The `personal` part of a command: optional in the body, an empty `type` when left out (or null),
 * as the domain's commands always carry their personal part.
 */
export const PersonalPart = (type: () => new () => object) =>
  stacked(
    Part(type, { optional: true }),
    Expose(),
    Transform(({ value }: { value: unknown }) => value ?? new (type())(), { toClassOnly: true }),
  );
