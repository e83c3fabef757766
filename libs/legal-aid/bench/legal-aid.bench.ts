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
 * Creates and drops a database of its own. Personal fields are a fixed dummy ciphertext (the
 * measured paths never decrypt).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, EntitySchema } from 'typeorm';
import {
  addDays,
  calendarDateIn,
  createJurisdictionPolicy,
  decide,
  evolve,
  initialState,
  personalDataOf,
  withPersonalData,
  type CaseCommand,
  type CaseEvent,
  type CaseState,
} from '@remedy/case-domain';
import { caseStreamId } from '@remedy/case-stream';
import {
  REMINDERS_QUEUE,
  ReminderReconciler,
  reminderSettings,
  type ReminderJobData,
} from '@remedy/case-reminders';
import { runMigrations } from '@remedy/database';
import { PostgresEventStore, START, type GlobalPosition, type NewEvent } from '@remedy/event-store';
import {
  claimDeadlineReminders,
  LegalAidClaimQueries,
  legalAidProjection,
  LegalAidQueries,
} from '@remedy/legal-aid';
import { projectionEntities } from '@remedy/projections';
import { createQueueKit } from '@remedy/queue';

const LEGAL_AID_CASES = Number(process.argv[2] ?? 100);
const HELD_CASES = Number(process.argv[3] ?? 2_000);
const TZ = 'Europe/Vienna';
const policy = createJurisdictionPolicy({ timeZone: TZ });
const SEALED = { sealed: randomBytes(180).toString('base64url') };
const today = calendarDateIn(new Date(), TZ);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

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
    {
      type: 'OpenCase',
      actor: cw,
      caseId,
      caseReference: `ORG-2026-${String(seq).padStart(5, '0')}`,
      referralSource: 'Hotline',
      profile: {
        sexGender: 'Masculine',
        ageUncertain: false,
        citizenships: ['UA'],
        languages: ['uk'],
      },
      personal: { fullName: 'x', birthDate: '1990-01-01' },
    },
    {
      type: 'RecordVictimStatus',
      actor: cw,
      status: 'ActualVictimOfTrafficking',
      decidingBody: 'NGO',
      decidedOn: today,
      formsOfExploitation: ['ForcedLabour'],
      sectors: [],
      countriesOfRecruitment: [],
      countriesOfTransit: [],
      countriesOfExploitation: [],
      meansOfControl: [],
      personal: { text: 'x' },
    },
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
  let state: CaseState = initialState;
  const events: CaseEvent[] = [];
  for (const c of commands) {
    const d = decide(c, state, new Date(), policy);
    if (!d.ok) throw new Error(d.error.rule);
    for (const e of d.events) {
      state = evolve(state, e);
      events.push(personalDataOf(e) === undefined ? e : withPersonalData(e, SEALED));
    }
  }
  return events;
}

async function timed(label: string, runs: number, work: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${label}: p50 ${percentile(times, 50).toFixed(2)} ms p99 ${percentile(times, 99).toFixed(2)} ms (${runs} runs)`,
  );
}

async function main() {
  const server = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!server)
    throw new Error('set DATABASE_URL to a PostgreSQL server (a database of its own is created)');
  const name = `remedy_bench_legal_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const store = new PostgresEventStore({ connectionString: url.toString(), poolSize: 8 });
  const ds = new DataSource({
    type: 'postgres',
    url: url.toString(),
    entities: projectionEntities([legalAidProjection]) as EntitySchema[],
    extra: { max: 10 },
  });
  try {
    await runMigrations(url.toString());
    await ds.initialize();
    const holder = randomUUID();
    const legalOrg = randomUUID();
    const total = LEGAL_AID_CASES + HELD_CASES;
    let events = 0;
    let someLegalCase = '';
    for (let i = 0; i < total; i += 16) {
      await Promise.all(
        Array.from({ length: Math.min(16, total - i) }, async (_, k) => {
          const seq = i + k + 1;
          const caseId = randomUUID();
          const viaLegalAid = seq <= LEGAL_AID_CASES;
          if (viaLegalAid) someLegalCase = caseId;
          const history_ = history(caseId, holder, viaLegalAid ? legalOrg : undefined, seq);
          events += history_.length;
          const batch: NewEvent[] = history_.map((e) => ({
            id: randomUUID(),
            type: e.type,
            schemaVersion: e.schemaVersion,
            data: e.data,
            metadata: {
              correlationId: randomUUID(),
              userId: e.data.actorId,
              organisationId: e.data.organisationId,
            },
            occurredAt: new Date(e.data.occurredAt),
          }));
          await store.append(caseStreamId(caseId), batch, 'no_stream');
        }),
      );
    }
    console.log(
      `appended ${events} events: ${LEGAL_AID_CASES} cases with legal-aid access, ${HELD_CASES} held only`,
    );

    const started = performance.now();
    let applied = 0;
    let position: GlobalPosition = START;
    for (;;) {
      const batch = await store.readAll({
        from: position,
        batchSize: 500,
        types: legalAidProjection.eventTypes,
      });
      if (batch.events.length > 0)
        await ds.transaction((em) => legalAidProjection.apply(batch.events, em));
      applied += batch.events.length;
      position = batch.next;
      if (batch.isEnd) break;
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `rebuild legal-aid.cases: ${applied} events in ${seconds.toFixed(2)} s = ${Math.round(applied / seconds)} events/s`,
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

    const kit = createQueueKit(
      process.env.REDIS_URL
        ? { kind: 'redis', url: process.env.REDIS_URL }
        : { kind: 'postgres', url: url.toString() },
      { prefix: `bench${randomBytes(3).toString('hex')}` },
    );
    const queue = kit.queue<ReminderJobData>(REMINDERS_QUEUE);
    try {
      const reconciler = new ReminderReconciler(
        ds,
        queue,
        reminderSettings({ timeZone: TZ, sources: [claimDeadlineReminders()] }),
      );
      let t0 = performance.now();
      const full = await reconciler.reconcile('full');
      console.log(
        `reminders (${kit.backend}): full reconcile into an empty queue`,
        full,
        `${(performance.now() - t0).toFixed(0)} ms`,
      );
      t0 = performance.now();
      const again = await reconciler.reconcile('full');
      console.log(
        `reminders (${kit.backend}): full reconcile, nothing to do`,
        again,
        `${(performance.now() - t0).toFixed(0)} ms`,
      );
      await queue.obliterate({ force: true });
    } finally {
      await kit.close();
    }
  } finally {
    await ds.destroy().catch(() => undefined);
    await store.close();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

process.on('uncaughtException', (e: Error & { code?: string }) => {
  if (e.code !== '57P01') throw e;
});

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
