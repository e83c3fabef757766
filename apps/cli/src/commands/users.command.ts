import { randomUUID } from 'node:crypto';
import { Option, SubCommand } from 'nest-commander';
import { Pool } from 'pg';
import { isOpaqueId, type Role } from '@remedy/auth';
import {
  foldOrganisation,
  organisationStreamId,
  RegisterOrganisationCommand,
  RegisterOrganisationHandler,
} from '@remedy/case-commands';
import { ISO_COUNTRY_CODES } from '@remedy/case-domain';
import { LocalKeyManagementService } from '@remedy/crypto';
import {
  AccountError,
  createAccountStore,
  isLanguage,
  LOGIN_NAME,
  SecretBox,
  type Language,
} from '@remedy/identity';
import { createEventStore } from '@remedy/platform';
import { CliCommand, CliUsageError, commandGroup } from '../cli-context';
import { operatorContext, withDirectory } from './organisations.command';
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

/** The directory organisation of the platform's administrators, when `--org` is not given. */
export const PLATFORM_ORGANISATION_CODE = 'PLATFORM';

interface CreateAdminOptions {
  loginName?: string;
  displayName?: string;
  org?: string;
  language?: Language;
  country?: string;
}

@SubCommand({
  name: 'create-admin',
  description:
    'Create the first platform administrator of the embedded login provider and print its one-time ' +
    'link (24 h) ONCE to stdout (the secret is in the fragment; nothing is logged). Without --org, ' +
    `registers the platform organisation (code ${PLATFORM_ORGANISATION_CODE}, needs --country) in the directory. ` +
    'Refused once an active platform administrator exists (then use the API).',
})
export class UsersCreateAdminCommand extends CliCommand {
  @Option({
    flags: '--login-name <name>',
    description: 'what the person types to log in',
    required: true,
  })
  parseLoginName(value: string): string {
    if (!LOGIN_NAME.test(value.trim()))
      throw new CliUsageError('--login-name must be 3-64 letters, digits or . _ @ + -');
    return value.trim();
  }

  @Option({
    flags: '--display-name <name>',
    description: 'how the console names the person',
    required: true,
  })
  parseDisplayName(value: string): string {
    const name = value.trim();
    if (name.length < 1 || name.length > 120 || /\p{Cc}/u.test(name))
      throw new CliUsageError('--display-name must be 1-120 characters');
    return name;
  }

  @Option({
    flags: '--org <id>',
    description: 'a directory organisation (uuid); default: the platform organisation',
  })
  parseOrg(value: string): string {
    if (!isOpaqueId(value.trim())) throw new CliUsageError('--org must be a uuid');
    return value.trim().toLowerCase();
  }

  @Option({ flags: '--language <code>', description: 'ar, en, es, fr, ru or zh (default en)' })
  parseLanguage(value: string): Language {
    const language = value.trim().toLowerCase();
    if (!isLanguage(language))
      throw new CliUsageError('--language must be ar, en, es, fr, ru or zh');
    return language;
  }

  @Option({
    flags: '--country <code>',
    description: "the platform organisation's country (ISO 3166-1 alpha-2), without --org",
  })
  parseCountry(value: string): string {
    const code = value.trim().toUpperCase();
    if (!(ISO_COUNTRY_CODES as readonly string[]).includes(code))
      throw new CliUsageError('--country must be an ISO 3166-1 alpha-2 code');
    return code;
  }

  async run(_args: string[], options: CreateAdminOptions = {}): Promise<void> {
    if (!options.loginName || !options.displayName)
      throw new CliUsageError('--login-name and --display-name are required');
    if (!options.org && !options.country)
      throw new CliUsageError(
        '--country is required to register the platform organisation (or give --org)',
      );
    const organisationId = await withDirectory(this.cli, async (directory) => {
      if (options.org) {
        if (!(await directory.find(options.org)))
          throw new CliUsageError('this organisation is not in the organisation directory');
        return options.org;
      }
      const registered = await new RegisterOrganisationHandler(directory).execute(
        new RegisterOrganisationCommand(
          {
            name: 'Platform administration',
            type: 'CentralGovernmentOrganisation',
            services: [],
            country: options.country as never,
            code: PLATFORM_ORGANISATION_CODE,
          },
          operatorContext({}, 'POST /organisations', `cli-register-${PLATFORM_ORGANISATION_CODE}`),
        ),
      );
      return registered.organisationId;
    });
    const settings = this.cli.settings();
    const pool = new Pool({ connectionString: await this.cli.databaseUrl(), max: 3 });
    try {
      const kms = await LocalKeyManagementService.load({
        dataDir: settings.dataDir,
        ...(process.env.REMEDY_MASTER_KEY ? { masterKey: process.env.REMEDY_MASTER_KEY } : {}),
      });
      const accounts = createAccountStore({ pool, secrets: new SecretBox(kms), config: settings });
      if (await accounts.hasActivePlatformAdministrator())
        throw new CliUsageError(
          'an active platform administrator exists already: create users through the API',
        );
      const { userId, link } = await accounts.create(
        {
          organisationId,
          loginName: options.loginName,
          displayName: options.displayName,
          roles: ['admin'],
          language: options.language ?? 'en',
        },
        { requestId: `cli-${randomUUID()}` },
      );
      this.cli.info(`platform administrator ${userId} of organisation ${organisationId}`);
      this.cli.info(`one-time link, valid until ${link.expiresAt} (shown once, not stored):`);
      // The link goes to stdout only, once; the database keeps only its SHA-256.
      this.cli.out(link.url);
    } catch (error) {
      if (error instanceof AccountError && error.kind === 'login_name_taken')
        throw new CliUsageError('this login name is taken');
      throw error;
    } finally {
      await pool.end();
    }
  }
}

export const UsersCommand = commandGroup({
  name: 'users',
  description:
    'Users of the embedded login provider are accounts in PostgreSQL (managed through the API: ' +
    '/organisations/{id}/users, /users/{id}); `users create-admin` creates the first platform ' +
    'administrator and prints its one-time link. With OIDC_ISSUER set, users live in that identity ' +
    'provider. `users token` mints a local-issuer token (while AUTH_LOCAL_TOKENS is enabled) for a ' +
    'user of a directory organisation.',
  subCommands: [UsersTokenCommand, UsersCreateAdminCommand],
});
