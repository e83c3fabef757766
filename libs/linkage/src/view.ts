import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** GET /cases/{caseId}/linkage. */
export class CaseLinkageView {
  @ApiProperty({
    description:
      "Whether the person's consent for `cross_organisation_matching` is live (and the caller's organisation holds the case). Without it the answer says nothing more.",
  })
  readonly matchingConsent!: boolean;

  @ApiPropertyOptional({
    description:
      'Present only with `matchingConsent`: the case probably matches a case of another organisation (record linkage). Nothing about the other case is ever told.',
  })
  readonly probableMatchElsewhere?: boolean;
}
