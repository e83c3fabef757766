import {
  ASSISTANCE_TYPES,
  type AssistanceType,
  type GrantLegalAidAccess,
  type ReferCase,
  type RevokeLegalAidAccess,
  type TransferCase,
} from '@remedy/case-domain';
import type { CommandBody } from '../command-body';
import { CommandDto, FreeTextCommandDto } from './common.dto';
import { Code, IdField } from './fields';

/** Sharing the case: referrals, legal aid access, transfer. */

export class ReferCaseDto
  extends FreeTextCommandDto
  implements CommandBody<ReferCase, 'referralId'>
{
  @IdField({ description: 'An organisation of the directory' })
  toOrganisationId!: string;

  @Code(ASSISTANCE_TYPES)
  service!: AssistanceType;
}

export class LegalAidAccessDto
  extends CommandDto
  implements CommandBody<GrantLegalAidAccess>, CommandBody<RevokeLegalAidAccess>
{
  @IdField({ description: 'A legal aid organisation of the directory' })
  legalAidOrganisationId!: string;
}

export class TransferCaseDto
  extends FreeTextCommandDto
  implements CommandBody<TransferCase, 'caseReference'>
{
  @IdField({ description: 'An organisation of the directory; it gets its own case reference' })
  toOrganisationId!: string;
}
