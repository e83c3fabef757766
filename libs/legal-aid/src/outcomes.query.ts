import type { DataSource, EntityManager } from 'typeorm';
import {
  outcomeFigures,
  type ClaimOutcomeFacts,
  type OutcomeFigures,
  type ReferenceRates,
} from './outcomes';

/**
 * The claim facts of the outcome figures, from the legal-aid read model: every claim of every
 * organisation (coarse facts only: avenue, currency, dates, amounts), leaving out the cases whose
 * person objects to statistical use (their objection applies to figures made from now on).
 * Disclosure control (thresholds, suppression, rounding) belongs to the release that publishes
 * them, not here.
 */
export async function claimOutcomeFacts(
  db: DataSource | EntityManager,
): Promise<ClaimOutcomeFacts[]> {
  return outcomeFactsOf(
    await db.query(
      `SELECT ${OUTCOME_FACT_COLUMNS}
         FROM legal_aid_claims cl JOIN legal_aid_cases c ON c.case_id = cl.case_id
        WHERE NOT c.objects_to_statistics`,
    ),
  );
}

/** The columns of a claim's outcome facts (`cl`: legal_aid_claims), read by {@link outcomeFactsOf}. */
export const OUTCOME_FACT_COLUMNS =
  'cl.avenue, cl.currency, cl.filed_on::text AS filed_on, cl.decisions, cl.paid_total::text AS paid_total';

/** The outcome facts of rows selected with {@link OUTCOME_FACT_COLUMNS}. */
export function outcomeFactsOf(rows: unknown[]): ClaimOutcomeFacts[] {
  return (
    rows as {
      avenue: string;
      currency: string;
      filed_on: string;
      decisions: { awardedTotal: number; decidedOn: string }[];
      paid_total: string;
    }[]
  ).map((r) => ({
    avenue: r.avenue,
    currency: r.currency,
    filedOn: r.filed_on,
    decisions: r.decisions.map((d) => ({ awardedTotal: d.awardedTotal, decidedOn: d.decidedOn })),
    paidTotal: Number(r.paid_total),
  }));
}

/** `outcomeFigures` over the read model. */
export async function outcomeFiguresFromReadModel(
  db: DataSource | EntityManager,
  rates?: ReferenceRates,
): Promise<OutcomeFigures> {
  return outcomeFigures(await claimOutcomeFacts(db), rates);
}
