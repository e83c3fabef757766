import { refuse, ok, type Result } from '../result';
import {
  coordinatesKey,
  cubeCoordinates,
  type CellRef,
  type Coordinates,
  type CountTable,
  type Dimension,
  type TableSpec,
} from './model';

/**
 * A release seen as quantities and equations. A *quantity* is one number of the release identified
 * by its meaning (population + dimension values), not by the table that shows it, so that a margin
 * shown in two tables is one quantity, suppressed in both or in neither. A *group* is one published
 * equation: parts that add up to a total (one line of a table's cube).
 *
 * For the LP audit, the unknowns are interior cells of *components*: when the tables of a
 * population form an acyclic (decomposable) hypergraph of dimension sets, each table is its own
 * component and tables are linked by equalities on the quantities they share (for such catalogues
 * local agreement of non-negative tables is exactly global consistency); otherwise the population
 * has one joint component over the union of its dimensions.
 */
export interface Quantity {
  readonly key: string;
  readonly population: string;
  /** Number of dimensions fixed to a value (0 for a grand total). */
  readonly fixed: number;
  readonly count: number;
  /** Every published cell that shows this quantity. */
  readonly refs: readonly CellRef[];
}

export interface Group {
  readonly total: string;
  readonly parts: readonly string[];
}

export interface ReleaseGraph {
  readonly tables: readonly { readonly spec: TableSpec; readonly keys: readonly string[] }[];
  readonly quantities: ReadonlyMap<string, Quantity>;
  /** Quantity keys in a stable order (tables in release order, cubes in publication order). */
  readonly order: readonly string[];
  readonly groups: readonly Group[];
  readonly groupsOf: ReadonlyMap<string, readonly number[]>;
  readonly variableCount: number;
  /** Each quantity as sums of LP variables, one per component that can express it (≥ 1). */
  readonly representations: ReadonlyMap<string, readonly (readonly number[])[]>;
}

export const DEFAULT_MAX_AUDIT_VARIABLES = 5000;

/** `Array.isArray` without its narrowing (which turns readonly arrays into `any[]`). */
export const isList = (value: unknown): boolean => Array.isArray(value);

export function quantityKey(population: string, spec: TableSpec, at: Coordinates): string {
  const pairs: [string, string][] = [];
  spec.dimensions.forEach((dimension, i) => {
    const value = at[i];
    if (value !== null && value !== undefined) pairs.push([dimension.name, value]);
  });
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([population, pairs]);
}

export function validateSpec(spec: TableSpec): string | undefined {
  if (typeof spec.id !== 'string' || spec.id === '') return 'a table needs a non-empty id';
  if (typeof spec.population !== 'string' || spec.population === '')
    return `table ${spec.id}: population must be a non-empty string`;
  if (!isList(spec.dimensions) || spec.dimensions.length === 0)
    return `table ${spec.id}: at least one dimension is needed`;
  const names = new Set<string>();
  for (const dimension of spec.dimensions) {
    if (typeof dimension.name !== 'string' || dimension.name === '')
      return `table ${spec.id}: a dimension needs a non-empty name`;
    if (names.has(dimension.name))
      return `table ${spec.id}: dimension ${dimension.name} appears twice`;
    names.add(dimension.name);
    if (!isList(dimension.values) || dimension.values.length === 0)
      return `table ${spec.id}: dimension ${dimension.name} needs at least one value`;
    if (dimension.values.some((value) => typeof value !== 'string'))
      return `table ${spec.id}: dimension ${dimension.name} has a value that is not a string`;
    if (new Set(dimension.values).size !== dimension.values.length)
      return `table ${spec.id}: dimension ${dimension.name} lists a value twice`;
  }
  return undefined;
}

/** The true value of every cube cell of a table, by `coordinatesKey`. */
export function cubeCounts(table: CountTable): Result<Map<string, number>> {
  const { spec } = table;
  const interior = new Map<string, number>();
  for (const cell of table.cells) {
    if (!isList(cell.at) || cell.at.length !== spec.dimensions.length)
      return refuse('INVALID_INPUT', `table ${spec.id}: a cell needs one value per dimension`);
    for (let i = 0; i < cell.at.length; i++) {
      if (!spec.dimensions[i]!.values.includes(cell.at[i]!))
        return refuse(
          'INVALID_INPUT',
          `table ${spec.id}: unknown value for dimension ${spec.dimensions[i]!.name}`,
        );
    }
    if (!Number.isSafeInteger(cell.count) || cell.count < 0)
      return refuse('INVALID_INPUT', `table ${spec.id}: a count must be a non-negative integer`);
    const key = coordinatesKey(cell.at);
    if (interior.has(key))
      return refuse('INVALID_INPUT', `table ${spec.id}: a cell is listed twice`);
    interior.set(key, cell.count);
  }
  const cube = new Map<string, number>(cubeCoordinates(spec).map((at) => [coordinatesKey(at), 0]));
  const n = spec.dimensions.length;
  for (const cell of table.cells) {
    for (let mask = 0; mask < 1 << n; mask++) {
      const at = cell.at.map((value, i) => (mask & (1 << i) ? null : value));
      const key = coordinatesKey(at);
      cube.set(key, cube.get(key)! + cell.count);
    }
  }
  return ok(cube);
}

interface Component {
  readonly population: string;
  readonly dimensions: readonly Dimension[];
  readonly offset: number;
  readonly size: number;
}

/** GYO reduction: true when the hypergraph of dimension sets is acyclic. */
export function isDecomposable(edges: readonly (readonly string[])[]): boolean {
  let sets = edges.map((edge) => new Set(edge));
  for (let changed = true; changed;) {
    changed = false;
    const occurrences = new Map<string, number>();
    for (const set of sets) for (const v of set) occurrences.set(v, (occurrences.get(v) ?? 0) + 1);
    for (const set of sets)
      for (const v of [...set])
        if (occurrences.get(v) === 1) {
          set.delete(v);
          changed = true;
        }
    const kept: Set<string>[] = [];
    sets.forEach((set, i) => {
      const contained = sets.some(
        (other, j) =>
          j !== i && [...set].every((v) => other.has(v)) && (other.size > set.size || j < i),
      );
      if (set.size === 0 || contained) changed = true;
      else kept.push(set);
    });
    sets = kept;
  }
  return sets.length === 0;
}

export function buildReleaseGraph(
  tables: readonly CountTable[],
  maxAuditVariables = DEFAULT_MAX_AUDIT_VARIABLES,
): Result<ReleaseGraph> {
  if (!isList(tables) || tables.length === 0)
    return refuse('INVALID_INPUT', 'a release needs at least one table');
  const ids = new Set<string>();
  const dimensionsOf = new Map<string, Map<string, Dimension>>(); // population → name → dimension
  for (const table of tables) {
    const problem = validateSpec(table.spec);
    if (problem) return refuse('INVALID_INPUT', problem);
    if (ids.has(table.spec.id))
      return refuse('INVALID_INPUT', `table id ${table.spec.id} is used twice`);
    ids.add(table.spec.id);
    const known = dimensionsOf.get(table.spec.population) ?? new Map<string, Dimension>();
    dimensionsOf.set(table.spec.population, known);
    for (const dimension of table.spec.dimensions) {
      const seen = known.get(dimension.name);
      if (!seen) known.set(dimension.name, dimension);
      else if (
        seen.values.length !== dimension.values.length ||
        !dimension.values.every((value) => seen.values.includes(value))
      )
        return refuse(
          'INVALID_INPUT',
          `dimension ${dimension.name} of population ${table.spec.population} has different values in two tables`,
        );
    }
  }

  const quantities = new Map<string, Quantity & { refs: CellRef[] }>();
  const order: string[] = [];
  const graphTables: { spec: TableSpec; keys: string[] }[] = [];
  const groups: Group[] = [];
  const groupSignatures = new Set<string>();
  for (const table of tables) {
    const counts = cubeCounts(table);
    if (!counts.ok) return counts;
    const { spec } = table;
    const keys: string[] = [];
    for (const at of cubeCoordinates(spec)) {
      const key = quantityKey(spec.population, spec, at);
      const count = counts.value.get(coordinatesKey(at))!;
      const existing = quantities.get(key);
      if (existing && existing.count !== count)
        return refuse(
          'INCONSISTENT_MARGINS',
          `table ${spec.id} disagrees with table ${existing.refs[0]!.table} on a shared margin`,
        );
      if (existing) existing.refs.push({ table: spec.id, at });
      else {
        quantities.set(key, {
          key,
          population: spec.population,
          fixed: at.filter((value) => value !== null).length,
          count,
          refs: [{ table: spec.id, at }],
        });
        order.push(key);
      }
      keys.push(key);
      at.forEach((value, d) => {
        if (value !== null) return;
        const parts = spec.dimensions[d]!.values.map((v) =>
          quantityKey(
            spec.population,
            spec,
            at.map((x, i) => (i === d ? v : x)),
          ),
        );
        const signature = JSON.stringify([key, [...parts].sort()]);
        if (groupSignatures.has(signature)) return;
        groupSignatures.add(signature);
        groups.push({ total: key, parts });
      });
    }
    graphTables.push({ spec, keys });
  }
  const groupsOf = new Map<string, number[]>();
  groups.forEach((group, index) => {
    for (const key of [group.total, ...group.parts]) {
      const list = groupsOf.get(key) ?? [];
      if (list.at(-1) !== index) list.push(index);
      groupsOf.set(key, list);
    }
  });

  // LP components.
  const components: Component[] = [];
  let offset = 0;
  for (const [population, known] of dimensionsOf) {
    const specs = tables.map((t) => t.spec).filter((spec) => spec.population === population);
    const perTable = isDecomposable(specs.map((spec) => spec.dimensions.map((d) => d.name)));
    const dimensionSets = perTable ? specs.map((spec) => spec.dimensions) : [[...known.values()]];
    for (const dimensions of dimensionSets) {
      const size = dimensions.reduce((product, d) => product * d.values.length, 1);
      components.push({ population, dimensions, offset, size });
      offset += size;
      if (offset > maxAuditVariables)
        return refuse(
          'AUDIT_TOO_LARGE',
          `the audit of population ${population} needs more than ${maxAuditVariables} LP variables`,
        );
    }
  }
  const representations = new Map<string, number[][]>();
  for (const quantity of quantities.values()) {
    const [, pairs] = JSON.parse(quantity.key) as [string, [string, string][]];
    const fixed = new Map(pairs);
    const reps: number[][] = [];
    for (const component of components) {
      if (component.population !== quantity.population) continue;
      const names = component.dimensions.map((d) => d.name);
      if (![...fixed.keys()].every((name) => names.includes(name))) continue;
      let indexes = [0];
      for (const dimension of component.dimensions) {
        const value = fixed.get(dimension.name);
        const choices =
          value === undefined
            ? dimension.values.map((_, i) => i)
            : [dimension.values.indexOf(value)];
        indexes = indexes.flatMap((base) =>
          choices.map((choice) => base * dimension.values.length + choice),
        );
      }
      reps.push(indexes.map((index) => component.offset + index));
    }
    representations.set(quantity.key, reps);
  }

  return ok({
    tables: graphTables,
    quantities,
    order,
    groups,
    groupsOf,
    variableCount: offset,
    representations,
  });
}
