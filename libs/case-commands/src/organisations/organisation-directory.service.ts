import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  PreconditionFailedException,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, formatPosition, type EventStore, type NewEvent } from '@remedy/event-store';
import type { CommandContext } from '../pipeline/context';
import { DomainError } from '../pipeline/errors';
import { scopedId } from '../pipeline/ids';
import { CLOCK, COMMANDS_POOL, type Clock } from '../tokens';
import {
  foldOrganisation,
  organisationStreamId,
  type Organisation,
  type OrganisationProfile,
  type OrganisationRegistered,
  type OrganisationUpdated,
} from './organisation.events';

export interface OrganisationCommandResult {
  readonly organisationId: string;
  readonly revision: number;
  readonly position: string;
}

/** What stays true of a registered organisation: its id and its code. */
export type RegisteredOrganisation = Pick<Organisation, 'organisationId' | 'code'>;

export interface DirectoryEntry extends OrganisationProfile {
  readonly organisationId: string;
  readonly code: string;
}

/**
 * The organisation directory: registration and updates append to `organisation-<uuid>`; lookups
 * used by commands (does a referral target exist? which code for references?) read the stream
 * (consistent); listings read the projected `organisation_directory` table.
 */
@Injectable()
export class OrganisationDirectory {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(COMMANDS_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Organisations found registered, with their code: both are for good (an organisation is never
   * removed from the directory, its code never changes), so commands that only need them (a case's
   * reference, a referral's target) read no stream once one was found. Bounded; only positive
   * answers are kept (an organisation registered later is found on its first lookup).
   */
  private readonly registered = new Map<string, RegisteredOrganisation>();

  async find(organisationId: string): Promise<Organisation | undefined> {
    const events = await this.store.readStream(organisationStreamId(organisationId));
    return foldOrganisation(events);
  }

  /**
   * The organisation's id and code, or a 422 naming `rule` when the directory does not hold it;
   * read from its stream the first time only (`registered`).
   */
  async require(
    organisationId: string,
    rule: 'REFERRAL_TARGET_UNKNOWN' | 'ORGANISATION_NOT_IN_DIRECTORY',
  ): Promise<RegisteredOrganisation> {
    const known = this.registered.get(organisationId.toLowerCase());
    if (known) return known;
    const org = await this.find(organisationId);
    if (!org) throw new DomainError(rule, 'the organisation is not in the organisation directory');
    const entry = { organisationId: org.organisationId, code: org.code };
    if (this.registered.size >= 10_000) {
      const oldest = this.registered.keys().next().value;
      if (oldest !== undefined) this.registered.delete(oldest);
    }
    this.registered.set(organisationId.toLowerCase(), entry);
    return entry;
  }

  async register(
    organisationId: string,
    input: OrganisationProfile & { readonly code: string },
    ctx: CommandContext,
  ): Promise<OrganisationCommandResult> {
    const existing = await this.find(organisationId);
    if (existing) {
      // A retry with the same Idempotency-Key that reached the store: answer from the stream.
      return {
        organisationId,
        revision: existing.revision,
        position: await this.positionOf(organisationId, existing.revision),
      };
    }
    const claimed = await this.pool.query(
      `INSERT INTO organisation_codes (code, organisation_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING code`,
      [input.code, organisationId],
    );
    if (claimed.rowCount !== 1) {
      const { rows } = await this.pool.query<{ organisation_id: string }>(
        'SELECT organisation_id FROM organisation_codes WHERE code = $1',
        [input.code],
      );
      if (rows[0]?.organisation_id !== organisationId) {
        throw new DomainError(
          'ORGANISATION_CODE_TAKEN',
          'this organisation code is already used by another organisation',
        );
      }
    }
    const event: OrganisationRegistered = {
      type: 'OrganisationRegistered',
      schemaVersion: 1,
      data: { ...this.profileData(organisationId, input, ctx), code: input.code },
    };
    return this.append(organisationId, event, 'no_stream', ctx);
  }

  async update(
    organisationId: string,
    input: OrganisationProfile,
    ctx: CommandContext,
  ): Promise<OrganisationCommandResult> {
    const existing = await this.find(organisationId);
    if (!existing) throw new NotFoundException('No such organisation');
    if (ctx.ifMatch !== undefined && BigInt(existing.revision) !== ctx.ifMatch) {
      throw new PreconditionFailedException(
        `If-Match does not match the organisation's current revision ${existing.revision}`,
      );
    }
    const event: OrganisationUpdated = {
      type: 'OrganisationUpdated',
      schemaVersion: 1,
      data: this.profileData(organisationId, input, ctx),
    };
    return this.append(organisationId, event, BigInt(existing.revision), ctx);
  }

  /** What registration and updates record: the profile (services once each), when and by whom. */
  private profileData(organisationId: string, input: OrganisationProfile, ctx: CommandContext) {
    const now = this.clock().toISOString();
    return {
      organisationId,
      name: input.name,
      type: input.type,
      services: [...new Set(input.services)],
      country: input.country,
      occurredAt: now,
      recordedAt: now,
      actorId: ctx.actor.userId,
    };
  }

  async list(filter: { service?: string; country?: string }): Promise<DirectoryEntry[]> {
    const { rows } = await this.pool.query<DirectoryRow>(
      `SELECT organisation_id, name, type, services, country, code FROM organisation_directory
        WHERE ($1::text IS NULL OR $1 = ANY(services)) AND ($2::text IS NULL OR country = $2)
        ORDER BY name, organisation_id LIMIT 1000`,
      [filter.service ?? null, filter.country ?? null],
    );
    return rows.map(toEntry);
  }

  async get(organisationId: string): Promise<DirectoryEntry | undefined> {
    const { rows } = await this.pool.query<DirectoryRow>(
      'SELECT organisation_id, name, type, services, country, code FROM organisation_directory WHERE organisation_id = $1',
      [organisationId],
    );
    return rows[0] && toEntry(rows[0]);
  }

  private async append(
    organisationId: string,
    event: OrganisationRegistered | OrganisationUpdated,
    expected: 'no_stream' | bigint,
    ctx: CommandContext,
  ): Promise<OrganisationCommandResult> {
    const scope = {
      userId: ctx.actor.userId,
      route: ctx.route,
      idempotencyKey: ctx.idempotencyKey,
    };
    const newEvent: NewEvent = {
      id: scopedId(scope, 'event:0'),
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: {
        correlationId: ctx.requestId,
        causationId: scopedId(scope, 'command'),
        userId: ctx.actor.userId,
        organisationId: ctx.actor.organisationId,
      },
      occurredAt: new Date(event.data.occurredAt),
    };
    try {
      const result = await this.store.append(
        organisationStreamId(organisationId),
        [newEvent],
        expected,
      );
      return {
        organisationId,
        revision: Number(result.nextRevision),
        position: formatPosition(result.position),
      };
    } catch (error) {
      if ((error as Error).name === 'WrongExpectedVersionError' && expected === 'no_stream') {
        throw new ConflictException('This organisation is already registered');
      }
      throw error;
    }
  }

  private async positionOf(organisationId: string, revision: number): Promise<string> {
    const events = await this.store.readStream(organisationStreamId(organisationId), {
      toRevision: BigInt(revision),
    });
    return formatPosition(events[events.length - 1]!.position);
  }
}

interface DirectoryRow {
  organisation_id: string;
  name: string;
  type: DirectoryEntry['type'];
  services: DirectoryEntry['services'];
  country: DirectoryEntry['country'];
  code: string;
}

const toEntry = (r: DirectoryRow): DirectoryEntry => ({
  organisationId: r.organisation_id,
  name: r.name,
  type: r.type,
  services: r.services,
  country: r.country,
  code: r.code,
});
