import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Policy } from '@remedy/access-policy';
import { NotAudited } from '@remedy/audit';
import { Actor, CurrentActor } from '@remedy/auth';

@ApiTags('session')
@ApiBearerAuth()
@Controller('session')
export class SessionController {
  /** Who the token says you are: opaque ids and roles. */
  @Get()
  @Policy('read', 'Session')
  @NotAudited('answers only the caller their own token: no case data, no command')
  @ApiOkResponse({ description: 'The acting user, organisation and roles' })
  whoAmI(@CurrentActor() actor: Actor): Actor {
    return actor;
  }
}
