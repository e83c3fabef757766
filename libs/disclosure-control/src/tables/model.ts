/**
 * The table model. A table counts one population (e.g. `identified-victims`) cross-classified by
 * one or more dimensions; it is published as a full cube: every interior cell and every margin
 * (the totals over each dimension and over every combination of dimensions, down to the grand
 * total). For a 2-D table that is the cells, the row totals, the column totals and the grand total.
 *
 * Tables of the same population in one release share their margins: "victims by year × sex" and
 * "victims by year × form of exploitation" publish the same year totals. A dimension of the same
 * name in two tables of the same population is the same classification (same values).
 */
export interface Dimension {
  readonly name: string;
  readonly values: readonly string[];
}

export interface TableSpec {
  readonly id: string;
  /** What is counted; tables of the same population share margins over common dimensions. */
  readonly population: string;
  readonly dimensions: readonly Dimension[];
}

/** One interior cell: `at` lists one value per dimension, in the spec's dimension order. */
export interface CountCell {
  readonly at: readonly string[];
  readonly count: number;
}

/** The true counts of a table; interior cells not listed count 0. */
export interface CountTable {
  readonly spec: TableSpec;
  readonly cells: readonly CountCell[];
}

/** Coordinates of a published cell: one value per dimension, `null` for the total over it. */
export type Coordinates = readonly (string | null)[];

/** A published cell of a release: interior cell or margin. */
export interface CellRef {
  readonly table: string;
  readonly at: Coordinates;
}

export type SuppressionReason = 'primary' | 'secondary';

export type PublishedCell =
  | { readonly at: Coordinates; readonly value: number; readonly suppressed?: undefined }
  | { readonly at: Coordinates; readonly value: null; readonly suppressed: SuppressionReason };

export interface PublishedTable {
  readonly spec: TableSpec;
  /** Every cell of the cube in `cubeCoordinates` order. */
  readonly cells: readonly PublishedCell[];
}

/**
 * Every cell of a table's cube, interior cells and margins, in a fixed order: the first dimension
 * varies slowest, and within each dimension the values come in spec order followed by the total.
 */
export function cubeCoordinates(spec: TableSpec): Coordinates[] {
  let rows: (string | null)[][] = [[]];
  for (const dimension of spec.dimensions) {
    const next: (string | null)[][] = [];
    for (const row of rows) {
      for (const value of [...dimension.values, null]) next.push([...row, value]);
    }
    rows = next;
  }
  return rows;
}

export const isInterior = (at: Coordinates): boolean => at.every((value) => value !== null);

/** A stable string for coordinates (JSON, so that no value can collide with a separator). */
export const coordinatesKey = (at: Coordinates): string => JSON.stringify(at);

/** Find a published cell of a protected table. */
export function cellAt(table: PublishedTable, at: Coordinates): PublishedCell | undefined {
  const key = coordinatesKey(at);
  return table.cells.find((cell) => coordinatesKey(cell.at) === key);
}
