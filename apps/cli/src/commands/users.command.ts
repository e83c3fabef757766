import { randomUUID } from 'node:crypto';
import { Option, SubCommand } from 'nest-commander';
import { isOpaqueId, type Role } from '@remedy/auth';
import { foldOrganisation, organisationStreamId } from '@remedy/case-commands';
import { createEventStore } from '@remedy/platform';
import { CliCommand, CliUsageError, commandGroup } from '../cli-context';
import {
  EXPIRES_OPTION,
  parseRoleList,
  printLocalToken,
  ROLES_OPTION,
  type TokenMintOptions,
} from './token.command';

@SubCommand({
  name: 'token',
  description:
    'Print a local-issuer token for a user of a directory organisation (a new user id unless --user); ' +
    'refuses organisations that are not in the directory',
})
export class UsersTokenCommand extends CliCommand {
  @Option({
    flags: '--org <id>',
    description: 'organisation id (uuid) of the directory',
    required: true,
  })
  parseOrg(value: string): string {
    if (!isOpaqueId(value.trim())) throw new CliUsageError('--org must be a uuid');
    return value.trim().toLowerCase();
  }

  @Option(ROLES_OPTION)
  parseRoles(value: string): Role[] {
    return parseRoleList(value);
  }

  @Option({
    flags: '--user <id>',
    description: 'user id (uuid); default: a new one, printed to stderr',
  })
  parseUser(value: string): string {
    if (!isOpaqueId(value.trim())) throw new CliUsageError('--user must be a uuid');
    return value.trim().toLowerCase();
  }

  @Option(EXPIRES_OPTION)
  parseExpires(value: string): string {
    return value.trim();
  }

  async run(_args: string[], options: TokenMintOptions = {}): Promise<void> {
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
    await printLocalToken(this.cli, {
      userId,
      organisationId: options.org,
      roles: options.roles,
      expires: options.expires,
    });
  }
}

export const UsersCommand = commandGroup({
  name: 'users',
  description:
    'Remedy keeps no user store: who a user is, their organisation and roles come from the bearer ' +
    'token (the local issuer now, an OIDC identity provider later). Users are managed in the identity provider; ' +
    '`users token` mints a local-issuer token for a user of a directory organisation.',
  subCommands: [UsersTokenCommand],
});
