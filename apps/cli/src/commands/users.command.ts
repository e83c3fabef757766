import { randomUUID } from 'node:crypto';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { isOpaqueId, isRole, LocalTokenIssuer, ROLES, type Role } from '@remedy/auth';
import { foldOrganisation, organisationStreamId } from '@remedy/case-commands';
import { createEventStore } from '@remedy/platform';
import { CliContext, CliUsageError } from '../cli-context';

interface UsersTokenOptions {
  user?: string;
  org?: string;
  roles?: Role[];
  expires?: string;
}

@SubCommand({
  name: 'token',
  description:
    'Print a local-issuer token for a user of a directory organisation (a new user id unless --user); ' +
    'refuses organisations that are not in the directory',
})
export class UsersTokenCommand extends CommandRunner {
  constructor(private readonly cli: CliContext) {
    super();
  }

  @Option({
    flags: '--org <id>',
    description: 'organisation id (uuid) of the directory',
    required: true,
  })
  parseOrg(value: string): string {
    if (!isOpaqueId(value.trim())) throw new CliUsageError('--org must be a uuid');
    return value.trim().toLowerCase();
  }

  @Option({
    flags: '--roles <roles>',
    description: `comma-separated: ${ROLES.join(', ')}`,
    required: true,
  })
  parseRoles(value: string): Role[] {
    const roles = value
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    if (roles.length === 0 || !roles.every(isRole))
      throw new CliUsageError(`--roles must list known roles (${ROLES.join(', ')})`);
    return roles as Role[];
  }

  @Option({
    flags: '--user <id>',
    description: 'user id (uuid); default: a new one, printed to stderr',
  })
  parseUser(value: string): string {
    if (!isOpaqueId(value.trim())) throw new CliUsageError('--user must be a uuid');
    return value.trim().toLowerCase();
  }

  @Option({
    flags: '--expires <duration>',
    description: 'lifetime: 900, 15m, 8h, 1d (default 8h, at most 24h)',
  })
  parseExpires(value: string): string {
    return value.trim();
  }

  async run(_args: string[], options: UsersTokenOptions = {}): Promise<void> {
    if (!options.org || !options.roles) throw new CliUsageError('--org and --roles are required');
    // The events are in PostgreSQL unless EventStoreDB: then settings() carries its URL.
    if (!this.cli.settings().eventStoreConnectionString) await this.cli.databaseUrl();
    const store = createEventStore(this.cli.settings());
    try {
      const organisation = foldOrganisation(
        await store.readStream(organisationStreamId(options.org)),
      );
      if (!organisation)
        throw new CliUsageError('this organisation is not in the organisation directory');
    } finally {
      await store.close();
    }
    const userId = options.user ?? randomUUID();
    if (!options.user) this.cli.info(`user ${userId}`);
    const issuer = await LocalTokenIssuer.load({ dataDir: this.cli.settings().dataDir });
    try {
      this.cli.out(
        await issuer.mintToken({
          userId,
          organisationId: options.org,
          roles: options.roles,
          expiresIn: options.expires ?? '8h',
        }),
      );
    } catch (error) {
      if (error instanceof TypeError) throw new CliUsageError(error.message);
      throw error;
    }
  }
}

@Command({
  name: 'users',
  description:
    'Remedy keeps no user store: who a user is, their organisation and roles come from the bearer ' +
    'token (the local issuer now, an OIDC identity provider later). Users are managed in the identity provider; ' +
    '`users token` mints a local-issuer token for a user of a directory organisation.',
  subCommands: [UsersTokenCommand],
})
export class UsersCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
