import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Policy } from '@remedy/access-policy';
import { NotAudited } from '@remedy/audit';
import { Actor, CurrentActor, ROLES, type Role } from '@remedy/auth';

/** The acting user as the token names it (the `Actor`). */
class SessionDto implements Actor {
  @ApiProperty({ format: 'uuid', description: 'Opaque id of the user' })
  readonly userId!: string;

  @ApiProperty({ format: 'uuid' })
  readonly organisationId!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  readonly roles!: readonly Role[];
}

@ApiTags('session')
@ApiBearerAuth()
@Controller('session')
export class SessionController {
  /** Who the token says you are: opaque ids and roles. */
  @Get()
  @Policy('read', 'Session')
  @NotAudited('answers only the caller their own token: no case data, no command')
  @ApiOkResponse({ type: SessionDto, description: 'The acting user, organisation and roles' })
  whoAmI(@CurrentActor() actor: Actor): SessionDto {
    return actor;
  }
}
