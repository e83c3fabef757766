import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import {
  ASSISTANCE_TYPES,
  ISO_COUNTRY_CODES,
  ORGANISATION_TYPES,
  type AssistanceType,
  type IsoCountryCode,
  type OrganisationType,
} from '@remedy/case-domain';
import { Code, CodeList, Text } from '../cases/dto/fields';
import type { DirectoryEntry, OrganisationCommandResult } from './organisation-directory.service';
import type { OrganisationProfile } from './organisation.events';

export class OrganisationProfileDto implements OrganisationProfile {
  @Text({ maxLength: 200 })
  name!: string;

  @Code(ORGANISATION_TYPES, { description: 'HTCDS org_Type' })
  type!: OrganisationType;

  @CodeList(ASSISTANCE_TYPES, {
    description: 'Services offered (assistance types)',
    maxSize: ASSISTANCE_TYPES.length,
  })
  services!: AssistanceType[];

  @Code(ISO_COUNTRY_CODES, { description: 'ISO 3166-1 alpha-2' })
  country!: IsoCountryCode;
}

export class RegisterOrganisationDto extends OrganisationProfileDto {
  @ApiProperty({
    description: 'Short code for case references (2-10 upper-case letters or digits)',
    example: 'ORG',
  })
  @Matches(/^[A-Z][A-Z0-9]{1,9}$/)
  code!: string;
}

/** The profile a validated DTO states, as the plain input of a command. */
export const profileOf = (dto: OrganisationProfileDto): OrganisationProfile => ({
  name: dto.name,
  type: dto.type,
  services: [...dto.services],
  country: dto.country,
});

/** The registration a validated DTO states, as the plain input of a command. */
export const registrationOf = (
  dto: RegisterOrganisationDto,
): OrganisationProfile & { readonly code: string } => ({ ...profileOf(dto), code: dto.code });

export class ListOrganisationsQuery {
  @Code(ASSISTANCE_TYPES, { optional: true })
  service?: AssistanceType;

  @Code(ISO_COUNTRY_CODES, { optional: true })
  country?: IsoCountryCode;
}

/** One organisation of the directory. */
export class OrganisationEntryDto extends RegisterOrganisationDto implements DirectoryEntry {
  @ApiProperty({ format: 'uuid' })
  organisationId!: string;
}

export class OrganisationListDto {
  @ApiProperty({ type: [OrganisationEntryDto] })
  organisations!: OrganisationEntryDto[];
}

/** The answer of a registration or an update. */
export class OrganisationCommandResponseDto implements OrganisationCommandResult {
  @ApiProperty({ format: 'uuid' })
  organisationId!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: "Revision of the organisation's stream (also the ETag, quoted)",
  })
  revision!: number;

  @ApiProperty({
    pattern: '^(-1|\\d{1,20})\\.(-1|\\d{1,20})$',
    description: 'Global position of the write (also X-Position)',
  })
  position!: string;
}
