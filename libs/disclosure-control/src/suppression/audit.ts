import { solve, type Coefficients, type Constraint } from 'yalps';
import type { ReleaseGraph } from '../tables/graph';

/**
 * The LP audit: the smallest and largest value a suppressed quantity can take, given every
 * published quantity (as an equality), the equalities that tie tables of one population together,
 * and non-negativity: the LP relaxation of what an intruder can infer from the release. The
 * interval of integer solutions is contained in it (equal to it for 1-D and 2-D tables, whose
 * constraint matrices are totally unimodular).
 *
 * Solved with yalps (floating point simplex); widths are compared with a tolerance of 1e-6.
 */
export interface Interval {
  readonly min: number;
  /** `Infinity` when nothing published bounds the quantity from above. */
  readonly max: number;
}

export const WIDTH_TOLERANCE = 1e-6;

interface LinearConstraint {
  readonly coefficients: Map<number, number>;
  rhs: number;
}

/** The published equations with known variables substituted away, for one suppression pattern. */
export class AuditSystem {
  private readonly fixed = new Map<number, number>();
  private readonly constraints: LinearConstraint[] = [];
  private readonly constraintsOf = new Map<number, number[]>();

  constructor(
    private readonly graph: ReleaseGraph,
    isSuppressed: (key: string) => boolean,
  ) {
    const raw: LinearConstraint[] = [];
    for (const key of graph.order) {
      const reps = graph.representations.get(key)!;
      if (!isSuppressed(key)) {
        const count = graph.quantities.get(key)!.count;
        for (const rep of reps)
          raw.push({ coefficients: new Map(rep.map((v) => [v, 1])), rhs: count });
      } else {
        for (const rep of reps.slice(1)) {
          const coefficients = new Map<number, number>();
          for (const v of reps[0]!) coefficients.set(v, (coefficients.get(v) ?? 0) + 1);
          for (const v of rep) coefficients.set(v, (coefficients.get(v) ?? 0) - 1);
          for (const [v, c] of coefficients) if (c === 0) coefficients.delete(v);
          raw.push({ coefficients, rhs: 0 });
        }
      }
    }
    // Propagate: a constraint with one unknown left fixes it.
    let pending = raw;
    for (let changed = true; changed;) {
      changed = false;
      const next: LinearConstraint[] = [];
      for (const constraint of pending) {
        for (const [v, c] of [...constraint.coefficients]) {
          const value = this.fixed.get(v);
          if (value === undefined) continue;
          constraint.rhs -= c * value;
          constraint.coefficients.delete(v);
        }
        if (constraint.coefficients.size === 0) {
          if (Math.abs(constraint.rhs) > WIDTH_TOLERANCE)
            throw new Error('disclosure-control: published equations are inconsistent');
          continue;
        }
        if (constraint.coefficients.size === 1) {
          const [[v, c]] = [...constraint.coefficients];
          this.fixed.set(v!, constraint.rhs / c!);
          changed = true;
          continue;
        }
        next.push(constraint);
      }
      pending = next;
    }
    for (const constraint of pending) {
      const index = this.constraints.push(constraint) - 1;
      for (const v of constraint.coefficients.keys()) {
        const list = this.constraintsOf.get(v) ?? [];
        list.push(index);
        this.constraintsOf.set(v, list);
      }
    }
  }

  interval(key: string): Interval {
    const objective = new Map<number, number>();
    let constant = 0;
    for (const v of this.graph.representations.get(key)![0]!) {
      const value = this.fixed.get(v);
      if (value === undefined) objective.set(v, (objective.get(v) ?? 0) + 1);
      else constant += value;
    }
    if (objective.size === 0) return { min: constant, max: constant };

    // Only the constraints connected to the objective's unknowns matter.
    const variables = new Set<number>(objective.keys());
    const used = new Set<number>();
    const queue = [...variables];
    while (queue.length > 0) {
      const v = queue.pop()!;
      for (const index of this.constraintsOf.get(v) ?? []) {
        if (used.has(index)) continue;
        used.add(index);
        for (const w of this.constraints[index]!.coefficients.keys())
          if (!variables.has(w)) {
            variables.add(w);
            queue.push(w);
          }
      }
    }
    const constraints = new Map<string, Constraint>();
    const columns = new Map<string, Map<string, number>>();
    for (const v of variables) columns.set(`x${v}`, new Map());
    for (const index of used) {
      const constraint = this.constraints[index]!;
      constraints.set(`c${index}`, { equal: constraint.rhs });
      for (const [v, c] of constraint.coefficients) columns.get(`x${v}`)!.set(`c${index}`, c);
    }
    for (const [v, c] of objective) columns.get(`x${v}`)!.set('objective', c);
    const variablesOfModel = [...columns].map(
      ([name, coefficients]) => [name, coefficients] as [string, Coefficients],
    );
    const run = (direction: 'minimize' | 'maximize'): number => {
      const solution = solve(
        { direction, objective: 'objective', constraints, variables: variablesOfModel },
        { maxPivots: 1 << 20, checkCycles: true },
      );
      if (solution.status === 'unbounded') return direction === 'maximize' ? Infinity : -Infinity;
      if (solution.status !== 'optimal')
        throw new Error(`disclosure-control: LP audit ended with status ${solution.status}`);
      return solution.result;
    };
    return { min: Math.max(0, constant + run('minimize')), max: constant + run('maximize') };
  }
}

export const widthOf = (interval: Interval): number => interval.max - interval.min;
