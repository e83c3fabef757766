/**
 * Figures of the legal-aid read side on PostgreSQL:
 *  - rebuild throughput of the `legal-aid.cases` projection (cases and claims, events/s);
 *  - service-level latency (p50/p99) of the lawyer's lists, which verify legal-aid access on the
 *    case stream of every case the organisation reaches through legal aid (the cost of never
 *    deciding access from a stale read), and of the single-case access decision (one stream);
 *  - a full reminder reconciliation of the claim deadlines into an empty queue, then a no-op one.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *   node --require ./test/support/swc-register.js libs/legal-aid/bench/legal-aid.bench.ts [legalAidCases] [heldCases]
 *
 * Creates and drops a database of its own (bench/lib/database.ts). Personal fields are a fixed
 * dummy ciphertext (bench/lib/read-side.ts: the measured paths never decrypt).
 */
import { randomUUID } from 'node:crypto';
import { addDays, calendarDateIn, type CaseCommand, type CaseEvent } from '@remedy/case-domain';
import { reminderSettings } from '@remedy/case-reminders';
import {
  claimDeadlineReminders,
  LegalAidClaimQueries,
  legalAidProjection,
  LegalAidQueries,
} from '@remedy/legal-aid';
import {
  appendCases,
  benchVictimStatus,
  BENCH_TIME_ZONE as TZ,
  decideHistory,
  latency,
  openBenchCase,
  rebuild,
  runReadSideBench,
  timeReminderReconciliation,
} from '../../../bench/lib/read-side';

const LEGAL_AID_CASES = Number(process.argv[2] ?? 100);
const HELD_CASES = Number(process.argv[3] ?? 2_000);
const today = calendarDateIn(new Date(), TZ);

function history(
  caseId: string,
  holder: string,
  legalOrg: string | undefined,
  seq: number,
): CaseEvent[] {
  const cw = { userId: randomUUID(), organisationId: holder, role: 'caseworker' as const };
  const lawyer = legalOrg
    ? { userId: randomUUID(), organisationId: legalOrg, role: 'legal_aid_lawyer' as const }
    : cw;
  const claimId = randomUUID();
  const commands: CaseCommand[] = [
    openBenchCase(cw, caseId, seq, { sexGender: 'Masculine', birthDate: '1990-01-01' }),
    benchVictimStatus(cw, 'ActualVictimOfTrafficking', today),
    { type: 'AddNote', actor: cw, noteId: randomUUID(), personal: { text: 'x' } },
    { type: 'AddNote', actor: cw, noteId: randomUUID(), personal: { text: 'y' } },
    ...(legalOrg
      ? ([
          {
            type: 'GiveConsent',
            actor: cw,
            purpose: 'legal_aid_access',
            receivingOrganisationId: legalOrg,
            obtainedInLanguage: 'uk',
            interpreterUsed: false,
          },
          { type: 'GrantLegalAidAccess', actor: cw, legalAidOrganisationId: legalOrg },
        ] as CaseCommand[])
      : []),
    {
      type: 'FileCompensationClaim',
      actor: lawyer,
      claimId,
      avenue: seq % 2 ? 'LabourOrEmploymentTribunal' : 'StateCompensationFund',
      respondentKind: 'Employer',
      currency: seq % 5 ? 'EUR' : 'USD',
      claimed: { UnpaidWages: 100_000 + seq },
      filingDeadline: addDays(today, 10 + (seq % 50)),
      ...(legalOrg ? { legalRepresentativeId: lawyer.userId } : {}),
      personal: { text: 'x' },
    },
    {
      type: 'ScheduleClaimHearing',
      actor: lawyer,
      claimId,
      hearingId: randomUUID(),
      hearingOn: addDays(today, 5 + (seq % 30)),
      personal: {},
    },
    ...(seq % 3 === 0
      ? ([
          {
            type: 'DecideClaim',
            actor: lawyer,
            claimId,
            outcome: 'awarded',
            awarded: { UnpaidWages: 50_000 },
            currency: seq % 5 ? 'EUR' : 'USD',
            paymentDueOn: addDays(today, 20),
            personal: {},
          },
          {
            type: 'RecordClaimPayment',
            actor: lawyer,
            claimId,
            paymentId: randomUUID(),
            amount: 10_000,
            currency: seq % 5 ? 'EUR' : 'USD',
            personal: {},
          },
        ] as CaseCommand[])
      : []),
  ];
  return decideHistory(commands);
}

async function timed(label: string, runs: number, work: () => Promise<unknown>) {
  console.log(`${label}: ${await latency(runs, work)} (${runs} runs)`);
}

runReadSideBench(
  { database: 'remedy_bench_legal', projections: [legalAidProjection], poolSize: 10 },
  async ({ url, store, ds }) => {
    const holder = randomUUID();
    const legalOrg = randomUUID();
    const total = LEGAL_AID_CASES + HELD_CASES;
    let someLegalCase = '';
    const events = await appendCases(store, total, (caseId, seq) => {
      const viaLegalAid = seq <= LEGAL_AID_CASES;
      if (viaLegalAid) someLegalCase = caseId;
      return history(caseId, holder, viaLegalAid ? legalOrg : undefined, seq);
    });
    console.log(
      `appended ${events} events: ${LEGAL_AID_CASES} cases with legal-aid access, ${HELD_CASES} held only`,
    );

    const rebuilt = await rebuild(ds, store, legalAidProjection);
    console.log(
      `rebuild legal-aid.cases: ${rebuilt.events} events in ${rebuilt.seconds} s = ${rebuilt.eventsPerSecond} events/s`,
    );
    await ds.query('ANALYZE legal_aid_cases; ANALYZE legal_aid_claims');

    const queries = new LegalAidQueries({
      dataSource: ds,
      cipher: { decryptJsonForCase: async () => ({}) as never },
      eventStore: store,
      timeZone: TZ,
    });
    const claims = new LegalAidClaimQueries(queries);
    const lawyer = { userId: randomUUID(), organisationId: legalOrg };
    const caseworker = { userId: randomUUID(), organisationId: holder };
    await timed(`access decision for one case (read stream + evolve)`, 200, () =>
      queries.reach(legalOrg, someLegalCase),
    );
    await timed(`lawyer: verify ${LEGAL_AID_CASES} legal-aid cases on their streams`, 30, () =>
      queries.verifiedLegalAidCases(legalOrg),
    );
    await timed(`lawyer: GET /legal-aid/claims (${LEGAL_AID_CASES} claims, limit 100)`, 30, () =>
      claims.listClaims(lawyer),
    );
    await timed(`lawyer: GET /legal-aid/portfolio`, 30, () => claims.portfolio(lawyer));
    await timed(`lawyer: GET /legal-aid/deadlines?days=30`, 30, () =>
      claims.deadlines(lawyer, { days: 30 }),
    );
    await timed(`holder caseworker: GET /legal-aid/claims (${total} claims, limit 100)`, 30, () =>
      claims.listClaims(caseworker),
    );
    await timed(`holder caseworker: GET /legal-aid/portfolio (${total} claims)`, 30, () =>
      claims.portfolio(caseworker),
    );

    await timeReminderReconciliation(
      ds,
      url,
      reminderSettings({ timeZone: TZ, sources: [claimDeadlineReminders()] }),
      ['full'],
    );
  },
);
