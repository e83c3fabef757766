import type { ColumnType, EntitySchemaColumnOptions } from 'typeorm';

/**
 * The column kinds the read-model tables use, named once for their `EntitySchema`s
 * (`case_id: COLUMN.textKey`), so a schema reads as its table's list of columns. The tables
 * themselves are made by the migrations; these options only tell TypeORM what each column holds.
 * `…Key` is a primary-key column, `…OrNull` a nullable one, `texts` a `text[]`.
 */
const plain = <T extends ColumnType>(type: T) => ({ type }) as const;
const nullable = <T extends ColumnType>(type: T) => ({ type, nullable: true }) as const;
const key = <T extends ColumnType>(type: T) => ({ type, primary: true }) as const;
const arrayOf = <T extends ColumnType>(type: T) => ({ type, array: true }) as const;

export const COLUMN = {
  text: plain('text'),
  textOrNull: nullable('text'),
  textKey: key('text'),
  texts: arrayOf('text'),
  uuidKey: key('uuid'),
  boolean: plain('boolean'),
  booleanOrNull: nullable('boolean'),
  int: plain('int'),
  smallintKey: key('smallint'),
  bigint: plain('bigint'),
  bigintOrNull: nullable('bigint'),
  bigintKey: key('bigint'),
  date: plain('date'),
  dateOrNull: nullable('date'),
  timestamptz: plain('timestamptz'),
  timestamptzOrNull: nullable('timestamptz'),
  jsonb: plain('jsonb'),
  jsonbOrNull: nullable('jsonb'),
} as const satisfies Record<string, EntitySchemaColumnOptions>;
