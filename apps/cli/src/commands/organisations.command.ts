import { randomUUID } from 'node:crypto';
import { HttpException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { Option, SubCommand } from 'nest-commander';
import { Pool } from 'pg';
import { isOpaqueId } from '@remedy/auth';
import {
  DomainError,
  OrganisationDirectory,
  OrganisationProfileDto,
  RegisterOrganisationCommand,
  RegisterOrganisationDto,
  RegisterOrganisationHandler,
  UpdateOrganisationCommand,
  UpdateOrganisationHandler,
  profileOf,
  registrationOf,
  uuidV5,
  type CommandContext,
  type OrganisationCommandResult,
} from '@remedy/case-commands';
import type { EventStore } from '@remedy/event-store';
import { createEventStore } from '@remedy/platform';
import { CliCommand, CliContext, CliUsageError, commandGroup } from '../cli-context';

/**
 * The operator the CLI acts as when `--operator` is not given: a fixed opaque id, so that the
 * events say "done with the admin CLI" and re-running a registration is recognised (the
 * organisation id derives from operator + route + Idempotency-Key, as over HTTP).
 */
export const CLI_OPERATOR_ID = uuidV5('remedy-cli\noperator');
/** The organisation recorded in the metadata of the CLI operator's events. */
export const CLI_OPERATOR_ORGANISATION_ID = uuidV5('remedy-cli\noperators');

interface ProfileOptions {
  name?: string;
  type?: string;
  services?: string[];
  country?: string;
  code?: string;
  operator?: string;
  ifMatch?: bigint;
  json?: boolean;
}

const splitList = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The same class-validator rules as the HTTP DTOs (whitelist, each field named with its reason). */
async function validated<T extends object>(type: new () => T, input: object): Promise<T> {
  const dto = plainToInstance(type, input);
  const errors = await validate(dto, {
    whitelist: true,
    forbidNonWhitelisted: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) {
    const reasons = errors.flatMap((e) =>
      Object.values(e.constraints ?? {}).map((text) => `--${e.property} (${text})`),
    );
    throw new CliUsageError(`invalid input: ${reasons.join('; ')}`);
  }
  return dto;
}

/** The directory over the event store (the same service and handlers as POST/PUT /organisations). */
export async function withDirectory<T>(
  cli: CliContext,
  work: (directory: OrganisationDirectory, store: EventStore) => Promise<T>,
): Promise<T> {
  const pool = new Pool({ connectionString: await cli.databaseUrl(), max: 2 });
  const store = createEventStore(cli.settings());
  try {
    return await work(new OrganisationDirectory(store, pool, () => new Date()), store);
  } catch (error) {
    if (error instanceof DomainError) throw new CliUsageError(`${error.rule}: ${error.message}`);
    if (error instanceof HttpException) throw new CliUsageError(error.message);
    throw error;
  } finally {
    await store.close();
    await pool.end();
  }
}

export function operatorContext(
  options: ProfileOptions,
  route: string,
  idempotencyKey?: string,
): CommandContext {
  const userId = options.operator ?? CLI_OPERATOR_ID;
  return {
    actor: { userId, organisationId: CLI_OPERATOR_ORGANISATION_ID, roles: ['admin'] },
    requestId: randomUUID(),
    route,
    ...(idempotencyKey ? { idempotencyKey } : {}),
    ...(options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {}),
  };
}

const describe = (verb: string, r: OrganisationCommandResult): string =>
  `${verb} ${r.organisationId} (revision ${r.revision}, position ${r.position})`;

abstract class ProfileCommand extends CliCommand {
  @Option({ flags: '--name <name>', description: 'display name (an organisation, not a person)' })
  parseName(value: string): string {
    return value.trim();
  }

  @Option({ flags: '--type <type>', description: 'HTCDS org_Type, e.g. NGO, LegalService' })
  parseType(value: string): string {
    return value.trim();
  }

  @Option({
    flags: '--services <list>',
    description: 'comma-separated assistance types offered, e.g. Accommodation,LegalCounselling',
  })
  parseServices(value: string): string[] {
    return splitList(value);
  }

  @Option({ flags: '--country <code>', description: 'ISO 3166-1 alpha-2, e.g. AT' })
  parseCountry(value: string): string {
    return value.trim().toUpperCase();
  }

  @Option({
    flags: '--operator <uuid>',
    description: 'the administrator recorded as the actor (default: the CLI operator id)',
  })
  parseOperator(value: string): string {
    if (!isOpaqueId(value.trim())) throw new CliUsageError('--operator must be a uuid');
    return value.trim().toLowerCase();
  }
}

@SubCommand({
  name: 'register',
  description:
    'Register an organisation in the directory (appends OrganisationRegistered, as POST /organisations). ' +
    'Running it again with the same --code answers with the same organisation and appends nothing.',
})
export class OrganisationsRegisterCommand extends ProfileCommand {
  @Option({
    flags: '--code <code>',
    description: 'case reference code, 2-10 upper-case letters/digits (fixed once registered)',
    required: true,
  })
  parseCode(value: string): string {
    return value.trim();
  }

  async run(_args: string[], options: ProfileOptions = {}): Promise<void> {
    const dto = await validated(RegisterOrganisationDto, {
      name: options.name,
      type: options.type,
      services: options.services ?? [],
      country: options.country,
      code: options.code,
    });
    const result = await withDirectory(this.cli, (directory) =>
      new RegisterOrganisationHandler(directory).execute(
        new RegisterOrganisationCommand(
          registrationOf(dto),
          // The same Idempotency-Key for the same code: a re-run finds the organisation it registered.
          operatorContext(options, 'POST /organisations', `cli-register-${dto.code}`),
        ),
      ),
    );
    this.cli.out(describe(`registered ${dto.code}`, result));
  }
}

@SubCommand({
  name: 'update',
  arguments: '<organisationId>',
  description:
    "Change an organisation's profile (appends OrganisationUpdated, as PUT /organisations/:id); " +
    'options not given keep their current value; the code never changes',
})
export class OrganisationsUpdateCommand extends ProfileCommand {
  @Option({
    flags: '--if-match <revision>',
    description: 'refuse unless the organisation is at this revision',
  })
  parseIfMatch(value: string): bigint {
    if (!/^\d{1,18}$/.test(value.trim()))
      throw new CliUsageError('--if-match must be a revision number');
    return BigInt(value.trim());
  }

  async run([organisationId]: string[], options: ProfileOptions = {}): Promise<void> {
    if (!isOpaqueId(organisationId)) throw new CliUsageError('<organisationId> must be a uuid');
    const id = organisationId.toLowerCase();
    const result = await withDirectory(this.cli, async (directory) => {
      const current = await directory.find(id);
      if (!current) throw new CliUsageError('No such organisation');
      const dto = await validated(OrganisationProfileDto, {
        name: options.name ?? current.name,
        type: options.type ?? current.type,
        services: options.services ?? [...current.services],
        country: options.country ?? current.country,
      });
      return new UpdateOrganisationHandler(directory).execute(
        new UpdateOrganisationCommand(
          id,
          profileOf(dto),
          operatorContext(options, `PUT /organisations/${id}`),
        ),
      );
    });
    this.cli.out(describe('updated', result));
  }
}

@SubCommand({
  name: 'list',
  description:
    'The organisation directory (read model organisation_directory, kept by the worker): ' +
    'id, code, type, country, name, services',
})
export class OrganisationsListCommand extends CliCommand {
  @Option({ flags: '--service <type>', description: 'only organisations offering this service' })
  parseService(value: string): string {
    return value.trim();
  }

  @Option({ flags: '--country <code>', description: 'only organisations of this country' })
  parseCountry(value: string): string {
    return value.trim().toUpperCase();
  }

  @Option({ flags: '--json', description: 'one JSON array instead of tab-separated lines' })
  parseJson(): boolean {
    return true;
  }

  async run(
    _args: string[],
    options: { service?: string; country?: string; json?: boolean } = {},
  ): Promise<void> {
    const entries = await withDirectory(this.cli, (directory) =>
      directory.list({
        ...(options.service ? { service: options.service } : {}),
        ...(options.country ? { country: options.country } : {}),
      }),
    );
    if (options.json) {
      this.cli.out(JSON.stringify(entries));
      return;
    }
    if (entries.length === 0)
      this.cli.info('The directory is empty (or the worker has not projected it yet)');
    for (const e of entries) {
      this.cli.out(
        [e.organisationId, e.code, e.type, e.country, e.name, e.services.join(',')].join('\t'),
      );
    }
  }
}

export const OrganisationsCommand = commandGroup({
  name: 'organisations',
  description: 'The organisation directory (the same commands as POST/PUT /organisations)',
  subCommands: [OrganisationsRegisterCommand, OrganisationsUpdateCommand, OrganisationsListCommand],
});
