import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '@remedy/auth';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { API_RESOURCE } from '@remedy/identity';

/** What the console needs before anyone logs in: where to log in, as which client. No secret. */
export class ConsoleConfigDto {
  @ApiProperty({
    example: 'http://localhost:3000/oidc',
    description:
      'The OpenID provider the console logs people in with: the embedded one (`<PUBLIC_URL>/oidc`) or `OIDC_ISSUER`',
  })
  readonly issuer!: string;

  @ApiProperty({ example: 'remedy-console', description: "The console's public client id (PKCE)" })
  readonly clientId!: string;

  @ApiProperty({
    example: 'urn:remedy:api',
    description:
      "The resource indicator (RFC 8707) the console asks access tokens for: the embedded provider's `urn:remedy:api` (its tokens' audience is `remedy-api`), or the external provider's audience (OIDC_AUDIENCE)",
  })
  readonly resource!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 60,
    example: 900,
    description:
      'Seconds without input after which the console ends the session and clears the screen',
  })
  readonly idleTimeoutSeconds!: number;

  @ApiProperty({
    type: 'integer',
    minimum: 30,
    example: 30,
    description:
      "The jurisdiction's minimum recovery and reflection period in days (REMEDY_MIN_REFLECTION_DAYS): the console shows it on the reflection period's form",
  })
  readonly minReflectionDays!: number;
}

/**
 * The console's runtime settings, from the API's settings (so the built console needs no
 * rebuild per deployment): public, the same for everyone, nothing personal.
 */
@ApiTags('console')
@Public()
@Controller()
export class ConsoleConfigController {
  constructor(@Inject(REMEDY_CONFIG) private readonly config: RemedyConfig) {}

  @Get('console-config.json')
  @ApiOperation({
    summary:
      "The web console's login settings (issuer, client id, idle timeout, the jurisdiction's minimum reflection period)",
  })
  @ApiOkResponse({ type: ConsoleConfigDto })
  settings(): ConsoleConfigDto {
    return consoleConfigOf(this.config);
  }
}

/**
 * The console's settings for `config`: the external provider when OIDC_ISSUER is set. The
 * embedded provider knows the API by its resource indicator `urn:remedy:api` (an absolute URI, as
 * RFC 8707 requires; a bare `remedy-api` is refused with invalid_target) and issues its tokens for
 * the audience `remedy-api`.
 */
export function consoleConfigOf(
  config: Pick<RemedyConfig, 'identity' | 'oidc' | 'console' | 'minReflectionDays'>,
): ConsoleConfigDto {
  return {
    issuer: config.oidc?.issuer ?? config.identity.embeddedIssuer!,
    clientId: config.console.clientId,
    resource: config.oidc ? config.oidc.audience : API_RESOURCE,
    idleTimeoutSeconds: config.console.idleTimeoutSeconds,
    minReflectionDays: config.minReflectionDays,
  };
}
