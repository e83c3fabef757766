import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
} from 'class-validator';
import { ROLES, type Role } from '@remedy/auth';
import { DATE_TIME, NULLABLE_DATE_TIME, PageLimit, UUID } from '@remedy/http';
import { LANGUAGES, type Language, type SecondFactor } from './ports';

/** A login name: 3-64 letters, digits and `. _ @ + -` (unique whatever the case). */
export const LOGIN_NAME = /^[A-Za-z0-9._@+-]{3,64}$/;

export class CreateUserDto {
  @ApiProperty({ pattern: LOGIN_NAME.source, description: 'What the person types to log in' })
  @IsString()
  @Matches(LOGIN_NAME)
  loginName!: string;

  @ApiProperty({ minLength: 1, maxLength: 120, description: 'How the console names the person' })
  @IsString()
  @Length(1, 120)
  displayName!: string;

  @ApiProperty({ enum: ROLES, isArray: true, minItems: 1, maxItems: ROLES.length })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles!: Role[];

  @ApiProperty({ enum: LANGUAGES, description: "The person's language (console, login pages)" })
  @IsIn(LANGUAGES)
  language!: Language;
}

export class SetRolesDto {
  @ApiProperty({ enum: ROLES, isArray: true, minItems: 1, maxItems: ROLES.length })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}

export class LoginPolicyDto {
  @ApiProperty({ description: 'Every user of the organisation must log in with a second factor' })
  @IsBoolean()
  requireSecondFactor!: boolean;
}

export class LanguageDto {
  @ApiProperty({ enum: LANGUAGES })
  @IsIn(LANGUAGES)
  language!: Language;
}

export class ListUsersQuery {
  @ApiPropertyOptional({ ...UUID, description: 'The last user id of the previous page' })
  @IsOptional()
  @IsUUID()
  after?: string;

  @PageLimit({ maximum: 200, default: 50 })
  limit?: number;
}

export class UserView {
  @ApiProperty(UUID)
  readonly userId!: string;
  @ApiProperty(UUID)
  readonly organisationId!: string;
  @ApiProperty()
  readonly loginName!: string;
  @ApiProperty()
  readonly displayName!: string;
  @ApiProperty({ enum: ROLES, isArray: true })
  readonly roles!: readonly Role[];
  @ApiProperty({ enum: LANGUAGES })
  readonly language!: Language;
  @ApiProperty({ description: 'False once deactivated: every token of the user is refused' })
  readonly active!: boolean;
  @ApiProperty(NULLABLE_DATE_TIME)
  readonly deactivatedAt!: string | null;
  @ApiProperty({ description: 'Whether the person has set a password (through a one-time link)' })
  readonly passwordSet!: boolean;
  @ApiProperty({ enum: ['totp', 'passkey'], isArray: true })
  readonly secondFactors!: readonly SecondFactor[];
  @ApiProperty({ ...NULLABLE_DATE_TIME, description: 'Locked after failed logins until then' })
  readonly lockedUntil!: string | null;
  @ApiProperty(DATE_TIME)
  readonly createdAt!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The ETag (If-Match of a change)' })
  readonly version!: number;
}

export class UserPage {
  @ApiProperty({ type: [UserView] })
  readonly items!: readonly UserView[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Pass as `after`' })
  readonly nextAfter!: string | null;
}

/** A user a case can be assigned to: the id the command takes, the name the console shows. */
export class CaseworkerView {
  @ApiProperty(UUID)
  readonly userId!: string;
  @ApiProperty()
  readonly displayName!: string;
}

export class CaseworkerList {
  @ApiProperty({ type: [CaseworkerView], description: 'By display name' })
  readonly items!: readonly CaseworkerView[];
}

export class OneTimeLinkView {
  @ApiProperty({
    description:
      'Give it to the person once (it is shown only now): `<PUBLIC_URL>/oidc/setup#<secret>`, the secret in the fragment',
  })
  readonly url!: string;
  @ApiProperty(DATE_TIME)
  readonly expiresAt!: string;
}

export class CreatedUserView {
  @ApiProperty(UUID)
  readonly userId!: string;
  @ApiProperty({ type: OneTimeLinkView, description: 'The one-time link to set a password (24 h)' })
  readonly setupLink!: OneTimeLinkView;
}

export class LoginPolicyView {
  @ApiProperty(UUID)
  readonly organisationId!: string;
  @ApiProperty()
  readonly requireSecondFactor!: boolean;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The ETag; 0: never set' })
  readonly version!: number;
}

export class LanguageView {
  @ApiProperty({ enum: LANGUAGES })
  readonly language!: Language;
}
