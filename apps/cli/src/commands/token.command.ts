import { Option, SubCommand } from 'nest-commander';
import { isRole, LocalTokenIssuer, ROLES, type Role } from '@remedy/auth';
import { CliCommand, CliContext, CliUsageError, commandGroup } from '../cli-context';

export interface TokenMintOptions {
  user?: string;
  org?: string;
  roles?: Role[];
  expires?: string;
}

/** `--roles`: shared by the commands that mint tokens. */
export const ROLES_OPTION = {
  flags: '--roles <roles>',
  description: `comma-separated: ${ROLES.join(', ')}`,
  required: true,
};

/** `--expires`: shared by the commands that mint tokens. */
export const EXPIRES_OPTION = {
  flags: '--expires <duration>',
  description: 'lifetime: 900, 15m, 8h, 1d (default 8h, at most 24h)',
};

/** The value of `--roles`: known roles, comma-separated. */
export function parseRoleList(value: string): Role[] {
  const roles = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (roles.length === 0 || !roles.every(isRole))
    throw new CliUsageError(`--roles must list known roles (${ROLES.join(', ')})`);
  return roles as Role[];
}

/** Prints a token of the local issuer (8 hours unless `expires`); a bad lifetime is a usage error. */
export async function printLocalToken(
  cli: CliContext,
  claims: { userId: string; organisationId: string; roles: Role[]; expires?: string },
): Promise<void> {
  const issuer = await LocalTokenIssuer.load({ dataDir: cli.settings().dataDir });
  try {
    cli.out(
      await issuer.mintToken({
        userId: claims.userId,
        organisationId: claims.organisationId,
        roles: claims.roles,
        expiresIn: claims.expires ?? '8h',
      }),
    );
  } catch (error) {
    if (error instanceof TypeError) throw new CliUsageError(error.message);
    throw error;
  }
}

@SubCommand({
  name: 'mint',
  description:
    'Print a bearer token of the local issuer (remedy-local) for a user of an organisation',
})
export class TokenMintCommand extends CliCommand {
  @Option({ flags: '--user <id>', description: 'user id (uuid)', required: true })
  parseUser(value: string): string {
    return value.trim();
  }

  @Option({ flags: '--org <id>', description: 'organisation id (uuid)', required: true })
  parseOrg(value: string): string {
    return value.trim();
  }

  @Option(ROLES_OPTION)
  parseRoles(value: string): Role[] {
    return parseRoleList(value);
  }

  @Option(EXPIRES_OPTION)
  parseExpires(value: string): string {
    return value.trim();
  }

  async run(_args: string[], options: TokenMintOptions = {}): Promise<void> {
    if (!options.user || !options.org || !options.roles) {
      throw new CliUsageError('--user, --org and --roles are required');
    }
    await printLocalToken(this.cli, {
      userId: options.user,
      organisationId: options.org,
      roles: options.roles,
      expires: options.expires,
    });
  }
}

export const TokenCommand = commandGroup({
  name: 'token',
  description: 'Bearer tokens of the local issuer',
  subCommands: [TokenMintCommand],
});
