import {
  CONSENT_PURPOSES,
  LANGUAGE_CODES,
  type ConsentPurpose,
  type GiveConsent,
  type LanguageCode,
  type WithdrawConsent,
} from '@remedy/case-domain';
import type { CommandBody } from '../command-body';
import { CommandDto } from './common.dto';
import { Code, Flag, IdField } from './fields';

/** Consent to a purpose (sharing with one organisation), and the objection to statistical use. */

export class WithdrawConsentDto extends CommandDto implements CommandBody<WithdrawConsent> {
  @Code(CONSENT_PURPOSES)
  purpose!: ConsentPurpose;

  @IdField({ optional: true, description: 'Required for referral, transfer and legal aid access' })
  receivingOrganisationId?: string;
}

export class GiveConsentDto extends WithdrawConsentDto implements CommandBody<GiveConsent> {
  @Code(LANGUAGE_CODES, { description: 'Language the consent was obtained in (ISO 639-1)' })
  obtainedInLanguage!: LanguageCode;

  @Flag()
  interpreterUsed!: boolean;
}
