import { ok, refuse, type Result } from '../result';
import { buildReleaseGraph, isList, quantityKey, type ReleaseGraph } from '../tables/graph';
import {
  cubeCoordinates,
  type CellRef,
  type CountTable,
  type PublishedCell,
  type PublishedTable,
  type SuppressionReason,
} from '../tables/model';
import { AuditSystem, WIDTH_TOLERANCE, widthOf, type Interval } from './audit';
import { isValidBase, roundToBase } from './rounding';

export const MINIMUM_THRESHOLD = 10;

export interface ProtectOptions {
  /** Threshold: a count 0 < n < k is suppressed. Default and minimum 10. */
  readonly k?: number;
  /** `publish` (default): a count of 0 is published as 0. `suppress`: zeros are primary suppressions too. */
  readonly zeros?: 'publish' | 'suppress';
  /** Round every published count to this base (e.g. 5) after suppression; default: no rounding. */
  readonly roundingBase?: number;
  /** Cells suppressed in an earlier release of the same period; they stay suppressed. */
  readonly previouslySuppressed?: readonly CellRef[];
  /** Refuse catalogues whose audit needs more LP unknowns than this (default 5000). */
  readonly maxAuditVariables?: number;
  /**
   * Everything earlier releases of the same period published (any mode but differential privacy,
   * any k, any table selection): the multi-release audit (README "Several releases of one
   * period"). The attacker is assumed to know how the data changed between the releases, so a
   * figure published earlier is known now: it protects no suppressed quantity, and if it now
   * counts 1 to k-1 the release is refused (`REVISION_WOULD_DISCLOSE`).
   */
  readonly earlier?: EarlierReleases;
}

export interface EarlierReleases {
  /** Every cell an earlier release of the period published as a figure (rounded or exact). */
  readonly published: readonly CellRef[];
  /**
   * The current true counts of tables that earlier releases showed and this one does not, so
   * that the audit can use what was published of them; they are audited, never published.
   */
  readonly tables?: readonly CountTable[];
}

export interface AuditedCell {
  readonly cell: CellRef;
  readonly reason: SuppressionReason;
  /** LP interval when the cell was verified; the final interval contains it (suppressions only widen). */
  readonly interval: Interval;
}

export interface ProtectedRelease {
  readonly k: number;
  readonly roundingBase: number | null;
  readonly tables: readonly PublishedTable[];
  /** Every suppressed cell of every table: pass as `previouslySuppressed` to the next release of the period. */
  readonly suppressed: readonly CellRef[];
  readonly audit: readonly AuditedCell[];
}

/**
 * Primary suppression, secondary suppression by a group heuristic, then the LP audit of every
 * suppressed quantity, adding suppressions until each is at least k wide. See README.md.
 */
export function protectRelease(
  tables: readonly CountTable[],
  options: ProtectOptions = {},
): Result<ProtectedRelease> {
  const k = options.k ?? MINIMUM_THRESHOLD;
  if (typeof k !== 'number' || !Number.isSafeInteger(k))
    return refuse('INVALID_INPUT', 'k must be an integer');
  if (k < MINIMUM_THRESHOLD)
    return refuse(
      'THRESHOLD_BELOW_MINIMUM',
      `k may be raised, never set below ${MINIMUM_THRESHOLD}`,
    );
  const zeros = options.zeros ?? 'publish';
  if (zeros !== 'publish' && zeros !== 'suppress')
    return refuse('INVALID_INPUT', 'zeros must be publish or suppress');
  const roundingBase = options.roundingBase ?? null;
  if (roundingBase !== null && !isValidBase(roundingBase))
    return refuse('INVALID_INPUT', 'roundingBase must be an integer of at least 2');

  const ownIds = new Set(isList(tables) ? tables.map((t) => t.spec?.id) : []);
  const context = (options.earlier?.tables ?? []).filter((t) => !ownIds.has(t.spec?.id));
  const built = buildReleaseGraph(
    isList(tables) ? [...tables, ...context] : tables,
    options.maxAuditVariables,
  );
  if (!built.ok) return built;
  const graph = built.value;
  const own = graph.tables.slice(0, tables.length);
  /** Quantities this release shows: the only ones it can suppress. */
  const ownKeys = new Set(own.flatMap((t) => t.keys));
  /** Quantities an earlier release of the period published: known to the attacker. */
  const known = new Set<string>();
  for (const ref of options.earlier?.published ?? []) {
    const key = keyOfRef(graph, ref);
    if (key === null) continue;
    if (key instanceof Error) return refuse('INVALID_INPUT', key.message);
    known.add(key);
  }
  const status = new Map<string, SuppressionReason>();

  for (const key of graph.order) {
    const count = graph.quantities.get(key)!.count;
    if ((count > 0 && count < k) || (count === 0 && zeros === 'suppress')) {
      if (known.has(key))
        return refuse(
          'REVISION_WOULD_DISCLOSE',
          'a figure published by an earlier release of this period now counts fewer than k: a revision would show how it changed',
        );
      status.set(key, 'primary');
    } else if (!ownKeys.has(key) && !known.has(key)) status.set(key, 'secondary'); // never published
  }
  for (const ref of options.previouslySuppressed ?? []) {
    const key = keyOfRef(graph, ref);
    if (key === null) continue; // a table no longer in the catalogue
    if (key instanceof Error) return refuse('INVALID_INPUT', key.message);
    if (!status.has(key)) status.set(key, 'secondary');
  }
  /** Unknown to the attacker: suppressed now and never published before. */
  const hidden = (key: string): boolean => status.has(key) && !known.has(key);

  const rank = rankOf(graph);
  const pick = (candidates: Iterable<string>): string | undefined => {
    let best: string | undefined;
    for (const key of candidates)
      if (
        !status.has(key) &&
        !known.has(key) &&
        ownKeys.has(key) &&
        (best === undefined || compareRanks(rank(key), rank(best)) < 0)
      )
        best = key;
    return best;
  };

  const heuristic = (): void => {
    for (let changed = true; changed;) {
      changed = false;
      for (const group of graph.groups) {
        const members = [group.total, ...group.parts];
        for (;;) {
          const suppressed = members.filter(hidden);
          if (suppressed.length === 0) break;
          const partsSum = group.parts
            .filter(hidden)
            .reduce((sum, key) => sum + graph.quantities.get(key)!.count, 0);
          const exposed = suppressed.length === 1 || (!hidden(group.total) && partsSum < k);
          if (!exposed) break;
          const candidate = pick(group.parts) ?? pick([group.total]);
          if (candidate === undefined) break;
          status.set(candidate, 'secondary');
          changed = true;
        }
      }
    }
  };

  heuristic();
  const audit = new Map<string, Interval>();
  let system: AuditSystem | null = null;
  for (;;) {
    const next = graph.order.find((key) => hidden(key) && !audit.has(key));
    if (next === undefined) break;
    system ??= new AuditSystem(graph, hidden);
    const interval = system.interval(next);
    if (widthOf(interval) >= k - WIDTH_TOLERANCE) {
      audit.set(next, interval);
      continue;
    }
    const partners = (graph.groupsOf.get(next) ?? []).flatMap((g) => [
      graph.groups[g]!.total,
      ...graph.groups[g]!.parts,
    ]);
    const candidate = pick(partners) ?? pick(fallbackCandidates(graph, next, status));
    if (candidate === undefined) {
      if (options.earlier)
        return refuse(
          'REVISION_WOULD_DISCLOSE',
          'with what earlier releases of this period published, no further suppression keeps every suppressed figure at least k wide',
        );
      throw new Error('disclosure-control: no cell left to suppress, yet the audit fails');
    }
    status.set(candidate, 'secondary');
    heuristic();
    system = null;
  }

  const publishedTables: PublishedTable[] = own.map(({ spec, keys }) => {
    const coordinates = cubeCoordinates(spec);
    const cells = coordinates.map((at, i): PublishedCell => {
      const key = keys[i]!;
      const reason = status.get(key);
      if (reason) return { at, value: null, suppressed: reason };
      const count = graph.quantities.get(key)!.count;
      return { at, value: roundingBase === null ? count : roundToBase(count, roundingBase) };
    });
    return { spec, cells };
  });
  const isOwn = (ref: CellRef) => ownIds.has(ref.table);
  const suppressed = graph.order
    .filter((key) => status.has(key) && ownKeys.has(key))
    .flatMap((key) => graph.quantities.get(key)!.refs.filter(isOwn));
  const auditedCells = graph.order
    .filter((key) => hidden(key) && ownKeys.has(key))
    .map((key) => ({
      cell: graph.quantities.get(key)!.refs.find(isOwn)!,
      reason: status.get(key)!,
      interval: audit.get(key)!,
    }));
  return ok({ k, roundingBase, tables: publishedTables, suppressed, audit: auditedCells });
}

function keyOfRef(graph: ReleaseGraph, ref: CellRef): string | null | Error {
  const table = graph.tables.find((t) => t.spec.id === ref.table);
  if (!table) return null;
  const { spec } = table;
  if (!isList(ref.at) || ref.at.length !== spec.dimensions.length)
    return new Error(`previously suppressed cell of table ${spec.id}: one value per dimension`);
  const valid = ref.at.every(
    (value, i) => value === null || spec.dimensions[i]!.values.includes(value),
  );
  if (!valid) return new Error(`previously suppressed cell of table ${spec.id}: unknown value`);
  return quantityKey(spec.population, spec, ref.at);
}

type Rank = readonly [number, number, number, number];

/** Cheapest secondary suppression first: non-zero before zero, small before large, inner before margin. */
function rankOf(graph: ReleaseGraph): (key: string) => Rank {
  const position = new Map(graph.order.map((key, i) => [key, i]));
  return (key) => {
    const q = graph.quantities.get(key)!;
    return [q.count === 0 ? 1 : 0, q.count, -q.fixed, position.get(key)!];
  };
}

function compareRanks(a: Rank, b: Rank): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** When every group of a failing quantity is fully suppressed: any group of its population that touches a suppression. */
function fallbackCandidates(
  graph: ReleaseGraph,
  failing: string,
  status: ReadonlyMap<string, SuppressionReason>,
): string[] {
  const population = graph.quantities.get(failing)!.population;
  const candidates: string[] = [];
  for (const group of graph.groups) {
    if (graph.quantities.get(group.total)!.population !== population) continue;
    const members = [group.total, ...group.parts];
    if (members.some((key) => status.has(key))) candidates.push(...members);
  }
  return candidates;
}
