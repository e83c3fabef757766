import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { isRole, LocalTokenIssuer, ROLES, type Role } from '@remedy/auth';
import { CliContext, CliUsageError } from '../cli-context';

export interface TokenMintOptions {
  user?: string;
  org?: string;
  roles?: Role[];
  expires?: string;
}

@SubCommand({
  name: 'mint',
  description:
    'Print a bearer token of the local issuer (remedy-local) for a user of an organisation',
})
export class TokenMintCommand extends CommandRunner {
  constructor(private readonly cli: CliContext) {
    super();
  }

  @Option({ flags: '--user <id>', description: 'user id (uuid)', required: true })
  parseUser(value: string): string {
    return value.trim();
  }

  @Option({ flags: '--org <id>', description: 'organisation id (uuid)', required: true })
  parseOrg(value: string): string {
    return value.trim();
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
    const unknown = roles.filter((r) => !isRole(r));
    if (roles.length === 0 || unknown.length > 0) {
      throw new CliUsageError(`--roles must list known roles (${ROLES.join(', ')})`);
    }
    return roles as Role[];
  }

  @Option({
    flags: '--expires <duration>',
    description: 'lifetime: 900, 15m, 8h, 1d (default 8h, at most 24h)',
  })
  parseExpires(value: string): string {
    return value.trim();
  }

  async run(_args: string[], options: TokenMintOptions = {}): Promise<void> {
    if (!options.user || !options.org || !options.roles) {
      throw new CliUsageError('--user, --org and --roles are required');
    }
    const issuer = await LocalTokenIssuer.load({ dataDir: this.cli.settings().dataDir });
    try {
      this.cli.out(
        await issuer.mintToken({
          userId: options.user,
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
  name: 'token',
  description: 'Bearer tokens of the local issuer',
  subCommands: [TokenMintCommand],
})
export class TokenCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
