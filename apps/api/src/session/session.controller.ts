import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Optional,
  Put,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Policy } from '@remedy/access-policy';
import { NotAudited } from '@remedy/audit';
import { Actor, CurrentActor, ROLES, type Role } from '@remedy/auth';
import { Contract, problem } from '@remedy/http';
import { AccountClaimsCache, AccountStore, LANGUAGES, type Language } from '@remedy/identity';
import { IsIn } from 'class-validator';

/** The acting user as the token names it (the `Actor`), and its account's name and language. */
class SessionDto implements Actor {
  @ApiProperty({ format: 'uuid', description: 'Opaque id of the user' })
  readonly userId!: string;

  @ApiProperty({ format: 'uuid' })
  readonly organisationId!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  readonly roles!: readonly Role[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The account's display name (an account of the embedded provider; else null)",
  })
  readonly displayName!: string | null;

  @ApiProperty({
    type: String,
    enum: LANGUAGES,
    nullable: true,
    description:
      "The account's preferred language (an account of the embedded provider; else null)",
  })
  readonly language!: Language | null;
}

class SessionLanguageDto {
  @ApiProperty({ enum: LANGUAGES })
  @IsIn(LANGUAGES)
  language!: Language;
}

class SessionLanguageView {
  @ApiProperty({ enum: LANGUAGES })
  readonly language!: Language;
}

/** The rule a language change breaks for a user the embedded provider does not hold. */
export const NO_EMBEDDED_ACCOUNT = 'SESSION_WITHOUT_EMBEDDED_ACCOUNT';

@ApiTags('session')
@ApiBearerAuth()
@Controller('session')
export class SessionController {
  constructor(
    @Optional() @Inject(AccountStore) private readonly accounts?: AccountStore,
    /** The claims cached in memory, kept current by NOTIFY: no SQL on this route. */
    @Optional() @Inject(AccountClaimsCache) private readonly claims?: AccountClaimsCache,
  ) {}

  /** Who the token says you are: opaque ids and roles; with the embedded provider, name and language. */
  @Get()
  @Policy('read', 'Session')
  @NotAudited('answers only the caller their own token and account: no case data, no command')
  @ApiOkResponse({ type: SessionDto, description: 'The acting user, organisation and roles' })
  async whoAmI(@CurrentActor() actor: Actor): Promise<SessionDto> {
    const claims = await (this.claims ?? this.accounts)?.claimsOf(actor.userId);
    return {
      userId: actor.userId,
      organisationId: actor.organisationId,
      roles: actor.roles,
      displayName: claims?.displayName ?? null,
      language: claims?.language ?? null,
    };
  }

  /** Stores the caller's preferred language (an account of the embedded provider only). */
  @Put('language')
  @HttpCode(200)
  @Contract({ answers: [422] })
  @Policy('update', 'Session')
  @ApiOkResponse({ type: SessionLanguageView, description: 'The language stored' })
  async setLanguage(
    @CurrentActor() actor: Actor,
    @Body() dto: SessionLanguageDto,
  ): Promise<SessionLanguageView> {
    if (!(await this.accounts?.setLanguage(actor.userId, dto.language)))
      throw new UnprocessableEntityException(
        problem(422, 'Only an account of the embedded provider keeps a preferred language', {
          rule: NO_EMBEDDED_ACCOUNT,
        }),
      );
    return { language: dto.language };
  }
}
