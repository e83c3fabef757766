import { randomUUID } from 'node:crypto';
import type { Actor as DomainActor, LanguageCode } from '@remedy/case-domain';
import { LegalAidClaimQueries, LegalAidQueries } from '@remedy/legal-aid';
import type { Actor, CaseWriter, ReadSideHarness } from '../cases/read/support/case-writer';

/** A lawyer of a legal-aid organisation, as the actor of the commands a CaseWriter runs. */
export const legalAidLawyer = (
  organisationId: string,
  userId: string = randomUUID(),
): DomainActor => ({
  userId,
  organisationId,
  role: 'legal_aid_lawyer',
});

/**
 * The holder's caseworker records the person's consent to legal-aid access for the organisation
 * (given in `obtainedInLanguage`, without an interpreter) and grants that organisation access.
 */
export async function grantLegalAidAccess(
  writer: CaseWriter,
  caseId: string,
  caseworker: Actor,
  legalAidOrganisationId: string,
  obtainedInLanguage: LanguageCode = 'uk',
): Promise<void> {
  await writer.run(caseId, {
    type: 'GiveConsent',
    actor: caseworker,
    purpose: 'legal_aid_access',
    receivingOrganisationId: legalAidOrganisationId,
    obtainedInLanguage,
    interpreterUsed: false,
  });
  await writer.run(caseId, {
    type: 'GrantLegalAidAccess',
    actor: caseworker,
    legalAidOrganisationId,
  });
}

/** The legal-aid queries (case views, claims) on the harness's read side, in `timeZone`. */
export function legalAidQueriesOn(
  h: Pick<ReadSideHarness, 'ds' | 'cipher' | 'store'>,
  timeZone: string,
): { queries: LegalAidQueries; claims: LegalAidClaimQueries } {
  const queries = new LegalAidQueries({
    dataSource: h.ds,
    cipher: h.cipher,
    eventStore: h.store,
    timeZone,
  });
  return { queries, claims: new LegalAidClaimQueries(queries) };
}
