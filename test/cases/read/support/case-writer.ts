import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import {
  createJurisdictionPolicy,
  decide,
  evolve,
  initialState,
  type AssistanceType,
  type CaseCommand,
  type CaseState,
  type OpenCase,
} from '@remedy/case-domain';
import { CaseCipher, LocalKeyManagementService } from '@remedy/crypto';
import {
  comparePositions,
  type EventStore,
  type GlobalPosition,
  PostgresEventStore,
} from '@remedy/event-store';
import { caseStreamId, sealEvent } from '@remedy/case-stream';
import { ProjectionDefinition, ProjectionRunner } from '@remedy/projections';
import { openDataSource } from '../../../projections/support/harness';
import { createTestDatabase } from '../../../support/database';
import { perSuite } from '../../../support/per-suite';

export const policy = createJurisdictionPolicy({ timeZone: 'Europe/Vienna' });

export interface Actor {
  readonly userId: string;
  readonly organisationId: string;
  readonly role: 'caseworker' | 'supervisor';
}

export function actorsOf(organisationId = randomUUID()) {
  return {
    organisationId,
    caseworker: { userId: randomUUID(), organisationId, role: 'caseworker' } as Actor,
    supervisor: { userId: randomUUID(), organisationId, role: 'supervisor' } as Actor,
  };
}

/**
 * Writes cases the way the command side does: the domain decides, every event's `data.personal`
 * is sealed with CaseCipher as `{ sealed: <ciphertext> }`, and the events are appended to the
 * case's stream at the exact expected revision. Keeps the clear state in memory for `decide`.
 */
export class CaseWriter {
  private readonly states = new Map<string, { state: CaseState; revision: bigint | 'no_stream' }>();
  /** Position of the last event this writer appended. */
  lastPosition: GlobalPosition = { commit: -1n, prepare: -1n };
  constructor(
    readonly store: EventStore,
    readonly cipher: CaseCipher,
  ) {}

  async run(caseId: string, command: CaseCommand, now = new Date()): Promise<GlobalPosition> {
    const current = this.states.get(caseId) ?? {
      state: initialState,
      revision: 'no_stream' as const,
    };
    const decision = decide(command, current.state, now, policy);
    if (!decision.ok) throw new Error(`${decision.error.rule}: ${decision.error.message}`);
    const sealed = await Promise.all(decision.events.map((e) => sealEvent(this.cipher, caseId, e)));
    const result = await this.store.append(
      caseStreamId(caseId),
      sealed.map((e) => ({
        id: randomUUID(),
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: e.data,
        metadata: {
          correlationId: randomUUID(),
          userId: command.actor.userId,
          organisationId: command.actor.organisationId,
        },
        occurredAt: new Date(e.data.occurredAt),
      })),
      current.revision,
    );
    this.states.set(caseId, {
      state: decision.events.reduce(evolve, current.state),
      revision: result.nextRevision,
    });
    if (comparePositions(result.position, this.lastPosition) > 0)
      this.lastPosition = result.position;
    return result.position;
  }

  /** Opens a case with a reference ORG-2026-<seq>; the person's details are personal (sealed). */
  async open(
    actor: Actor,
    options: {
      caseId?: string;
      sequence: number;
      birthDate?: string;
      estimatedAge?: number;
      now?: Date;
      fullName?: string;
    },
  ): Promise<string> {
    const caseId = options.caseId ?? randomUUID();
    const command: OpenCase = {
      type: 'OpenCase',
      actor,
      caseId,
      caseReference: `ORG-2026-${String(options.sequence).padStart(5, '0')}`,
      referralSource: 'Hotline',
      profile: {
        sexGender: 'Masculine',
        ageUncertain: options.estimatedAge !== undefined,
        citizenships: ['UA'],
        languages: ['uk'],
        ...(options.estimatedAge !== undefined ? { estimatedAge: options.estimatedAge } : {}),
      },
      personal: {
        fullName: options.fullName ?? `Person ${options.sequence}`,
        ...(options.birthDate ? { birthDate: options.birthDate } : {}),
      },
    };
    await this.run(caseId, command, options.now);
    return caseId;
  }

  /**
   * The person's consent (in Ukrainian) to a referral to `toOrganisationId`, then the referral;
   * answers the referral's id.
   */
  async refer(
    caseId: string,
    actor: Actor,
    toOrganisationId: string,
    referral: { service: AssistanceType; interpreterUsed: boolean; text?: string },
  ): Promise<string> {
    await this.run(caseId, {
      type: 'GiveConsent',
      actor,
      purpose: 'referral',
      receivingOrganisationId: toOrganisationId,
      obtainedInLanguage: 'uk',
      interpreterUsed: referral.interpreterUsed,
    });
    const referralId = randomUUID();
    await this.run(caseId, {
      type: 'ReferCase',
      actor,
      referralId,
      toOrganisationId,
      service: referral.service,
      personal: referral.text === undefined ? {} : { text: referral.text },
    });
    return referralId;
  }
}

export interface ReadSideHarness {
  readonly store: PostgresEventStore;
  readonly ds: DataSource;
  readonly pool: Pool;
  readonly cipher: CaseCipher;
  readonly writer: CaseWriter;
  close(): Promise<void>;
}

export async function openReadSide(
  url: string,
  projections: readonly ProjectionDefinition[],
): Promise<ReadSideHarness> {
  const store = new PostgresEventStore({ connectionString: url, poolSize: 4 });
  const ds = await openDataSource(url, projections, 6);
  const pool = new Pool({ connectionString: url, max: 3 });
  const dataDir = await mkdtemp(join(tmpdir(), 'remedy-read-'));
  const cipher = new CaseCipher({ pool, kms: await LocalKeyManagementService.load({ dataDir }) });
  return {
    store,
    ds,
    pool,
    cipher,
    writer: new CaseWriter(store, cipher),
    async close() {
      await cipher.close();
      await store.close();
      await ds.destroy();
      await pool.end();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A read-side harness on a fresh test database for the enclosing describe block: opened in its
 * beforeAll, closed (and the database dropped) in its afterAll.
 */
export const readSidePerSuite = (projections: readonly ProjectionDefinition[]) =>
  perSuite(async () => {
    const db = await createTestDatabase();
    const h = await openReadSide(db.url, projections);
    return {
      ...h,
      async close() {
        await h.close();
        await db.drop();
      },
    };
  });

/**
 * Applies every event from `from` in batches, as the runner would (one transaction per batch),
 * until `until` (default: everything readable) has been applied. Events of a transaction that
 * committed after an older one still running elsewhere become readable only once that one ends,
 * hence the wait for `until`.
 */
export async function catchUp(
  ds: DataSource,
  store: EventStore,
  projection: ProjectionDefinition,
  from: GlobalPosition = { commit: -1n, prepare: -1n },
  batchSize = 100,
  until?: GlobalPosition,
): Promise<GlobalPosition> {
  let position = from;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const batch = await store.readAll({ from: position, batchSize, types: projection.eventTypes });
    if (batch.events.length > 0) await ds.transaction((em) => projection.apply(batch.events, em));
    position = batch.next;
    if (batch.isEnd) {
      if (!until || comparePositions(position, until) >= 0) return position;
      if (Date.now() > deadline) throw new Error('events did not become readable in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export const START_POSITION: GlobalPosition = { commit: -1n, prepare: -1n };

/** Every event of the projection's types from the start (one read of up to 10,000 events). */
export const eventsOf = async (
  h: Pick<ReadSideHarness, 'store'>,
  projection: ProjectionDefinition,
) =>
  (await h.store.readAll({ from: START_POSITION, batchSize: 10_000, types: projection.eventTypes }))
    .events;

/** `catchUp` of one projection from the start to the harness writer's last append. */
export const catchUpWithWriter = (
  h: Pick<ReadSideHarness, 'ds' | 'store' | 'writer'>,
  projection: ProjectionDefinition,
  batchSize = 100,
): Promise<GlobalPosition> =>
  catchUp(h.ds, h.store, projection, START_POSITION, batchSize, h.writer.lastPosition);

/** A projection runner on the harness's database and store (not started), logging nothing. */
export function projectionRunner(
  h: Pick<ReadSideHarness, 'ds' | 'store'>,
  projection: ProjectionDefinition,
): ProjectionRunner {
  return new ProjectionRunner({
    dataSource: h.ds,
    eventStore: h.store,
    projection,
    lockRetryMs: 50,
    logger: { info: () => undefined, error: () => undefined },
  });
}
