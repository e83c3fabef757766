/**
 * What the read-side benchmarks (libs/case-read-models/bench, libs/legal-aid/bench) share: case
 * histories decided by the pure decider and appended to a fresh store, a projection rebuilt from
 * the start, latency figures, and the reminder reconciliation timed against an empty queue.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntitySchema } from 'typeorm';
import {
  createJurisdictionPolicy,
  decide,
  evolve,
  initialState,
  personalDataOf,
  withPersonalData,
  type Actor,
  type CaseCommand,
  type CaseEvent,
  type CaseState,
  type OpenCase,
  type RecordVictimStatus,
  type VictimStatus,
} from '@remedy/case-domain';
import {
  ReminderReconciler,
  REMINDERS_QUEUE,
  type ReminderJobData,
  type ReminderSettings,
} from '@remedy/case-reminders';
import { caseStreamId } from '@remedy/case-stream';
import {
  PostgresEventStore,
  START,
  type EventStore,
  type GlobalPosition,
  type NewEvent,
} from '@remedy/event-store';
import { projectionEntities, type ProjectionDefinition } from '@remedy/projections';
import { createQueueKit } from '@remedy/queue';
import { createBenchDatabase, stopBenchServer } from './database';
import { percentile } from './results';
import { victimStatus } from '../../test/support/fixtures';

export const BENCH_TIME_ZONE = 'Europe/Vienna';
const policy = createJurisdictionPolicy({ timeZone: BENCH_TIME_ZONE });
/**
 * The personal parts of every event: a fixed dummy ciphertext (the projections copy ciphertexts
 * and never decrypt, so crypto is not measured).
 */
const SEALED = { sealed: randomBytes(180).toString('base64url') };

export interface ReadSide {
  /** The URL of the benchmark's database (may hold a password: never print it). */
  readonly url: string;
  readonly store: PostgresEventStore;
  /** The tables of `projections`. */
  readonly ds: DataSource;
}

/**
 * Runs a read-side benchmark as the process's work: on a fresh migrated database (named after
 * `database`), with an event store and a data source of `poolSize` connections, all dropped at
 * the end; an error sets the exit code.
 */
export function runReadSideBench(
  options: {
    readonly database: string;
    readonly projections: readonly ProjectionDefinition[];
    readonly poolSize: number;
  },
  work: (side: ReadSide) => Promise<void>,
): void {
  const run = async () => {
    const db = await createBenchDatabase(options.database);
    const store = new PostgresEventStore({ connectionString: db.url, poolSize: 8 });
    const ds = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: projectionEntities([...options.projections]) as EntitySchema[],
      extra: { max: options.poolSize },
    });
    try {
      await ds.initialize();
      await work({ url: db.url, store, ds });
    } finally {
      await ds.destroy().catch(() => undefined);
      await store.close();
      await db.drop();
      await stopBenchServer();
    }
  };
  run().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}

/** The opening of bench case number `seq`: a Ukrainian-speaking person, by a hotline referral. */
export const openBenchCase = (
  actor: Actor,
  caseId: string,
  seq: number,
  person: { readonly sexGender: OpenCase['profile']['sexGender']; readonly birthDate: string },
): OpenCase => ({
  type: 'OpenCase',
  actor,
  caseId,
  caseReference: `ORG-2026-${String(seq).padStart(5, '0')}`,
  referralSource: 'Hotline',
  profile: {
    sexGender: person.sexGender,
    ageUncertain: false,
    citizenships: ['UA'],
    languages: ['uk'],
  },
  personal: { fullName: 'x', birthDate: person.birthDate },
});

/** A victim status decided by an NGO: forced labour, nothing else recorded (test/support/fixtures). */
export const benchVictimStatus = (
  actor: Actor,
  status: VictimStatus,
  decidedOn: string,
): RecordVictimStatus => ({
  type: 'RecordVictimStatus',
  actor,
  ...victimStatus({ status, decidedOn, personal: { text: 'x' } }),
});

/**
 * The events of commands decided in turn by the pure decider, each at its own time, personal parts
 * replaced by `sealed(n)` (n: the events so far): a refused command is a bug of the benchmark.
 */
export function decideInTurn(
  commands: readonly { readonly command: CaseCommand; readonly at: Date }[],
  sealed: (n: number) => { readonly sealed: string },
): { readonly event: CaseEvent; readonly step: number }[] {
  let state: CaseState = initialState;
  const out: { event: CaseEvent; step: number }[] = [];
  commands.forEach(({ command, at }, step) => {
    const d = decide(command, state, at, policy);
    if (!d.ok) throw new Error(`${command.type} refused (${d.error.rule}): ${d.error.message}`);
    for (const e of d.events) {
      state = evolve(state, e);
      const event = personalDataOf(e) === undefined ? e : withPersonalData(e, sealed(out.length));
      out.push({ event, step });
    }
  });
  return out;
}

/** One case's events, decided command by command (a refused command is a bug of the benchmark). */
export function decideHistory(commands: readonly CaseCommand[], now = new Date()): CaseEvent[] {
  return decideInTurn(
    commands.map((command) => ({ command, at: now })),
    () => SEALED,
  ).map((r) => r.event);
}

/**
 * Appends `count` new cases, 16 at a time, each with the history `historyOf` decides for it
 * (`seq` from 1); answers the number of events appended.
 */
export async function appendCases(
  store: EventStore,
  count: number,
  historyOf: (caseId: string, seq: number) => CaseEvent[],
): Promise<number> {
  let total = 0;
  for (let i = 0; i < count; i += 16) {
    await Promise.all(
      Array.from({ length: Math.min(16, count - i) }, async (_, k) => {
        const caseId = randomUUID();
        const events = historyOf(caseId, i + k + 1);
        total += events.length;
        const batch: NewEvent[] = events.map((e) => ({
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
  return total;
}

/** Clears a projection and applies every event of the store to it, one transaction per batch. */
export async function rebuild(ds: DataSource, store: EventStore, projection: ProjectionDefinition) {
  await ds.transaction((em) => projection.clear(em));
  const started = performance.now();
  let position: GlobalPosition = START;
  let events = 0;
  for (;;) {
    const batch = await store.readAll({
      from: position,
      batchSize: projection.batchSize ?? 500,
      types: projection.eventTypes,
    });
    if (batch.events.length > 0) await ds.transaction((em) => projection.apply(batch.events, em));
    events += batch.events.length;
    position = batch.next;
    if (batch.isEnd) break;
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    events,
    seconds: Number(seconds.toFixed(2)),
    eventsPerSecond: Math.round(events / seconds),
  };
}

/** Runs `work` `runs` times (after `warmUp` runs); answers "p50 … ms p99 … ms". */
export async function latency(
  runs: number,
  work: () => Promise<unknown>,
  warmUp = 0,
): Promise<string> {
  for (let i = 0; i < warmUp; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return `p50 ${percentile(times, 50).toFixed(2)} ms p99 ${percentile(times, 99).toFixed(2)} ms`;
}

/**
 * Times the reminder reconciliation of a read side (`settings` names its sources): a full one
 * into an empty queue (Redis with REDIS_URL, else PostgreSQL at `url`), then each of `again`
 * with nothing left to do.
 */
export async function timeReminderReconciliation(
  ds: DataSource,
  url: string,
  settings: ReminderSettings,
  again: readonly ('full' | 'incremental')[],
): Promise<void> {
  const kit = createQueueKit(
    process.env.REDIS_URL
      ? { kind: 'redis', url: process.env.REDIS_URL }
      : { kind: 'postgres', url },
    { prefix: `bench${randomBytes(3).toString('hex')}` },
  );
  const queue = kit.queue<ReminderJobData>(REMINDERS_QUEUE);
  try {
    const reconciler = new ReminderReconciler(ds, queue, settings);
    const runs: [mode: 'full' | 'incremental', label: string][] = [
      ['full', 'full reconcile into an empty queue'],
      ...again.map((mode) => [mode, `${mode} reconcile, nothing to do`] as [typeof mode, string]),
    ];
    for (const [mode, label] of runs) {
      const t0 = performance.now();
      const outcome = await reconciler.reconcile(mode);
      console.log(
        `reminders (${kit.backend}): ${label}`,
        outcome,
        `${(performance.now() - t0).toFixed(0)} ms`,
      );
    }
    await queue.obliterate({ force: true });
  } finally {
    await kit.close();
  }
}
