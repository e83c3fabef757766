import type { EntityManager } from 'typeorm';
import type { CaseEvent } from '@remedy/case-domain';
import { sealedCiphertextOf } from '@remedy/case-stream';
import { LegalAidCaseEntity, type LegalAidCaseRow } from './entities';

/** Event types the legal-aid case rows are folded from (nothing else of a case reaches them). */
export const LEGAL_AID_CASE_EVENT_TYPES = [
  'CaseOpened',
  'VictimIdentified',
  'VictimStatusChanged',
  'FactCorrected',
  'ConsentGiven',
  'ConsentWithdrawn',
  'LegalAidAccessGranted',
  'LegalAidAccessRevoked',
  'RemedySought',
  'NonPunishmentFlagRaised',
  'NonPunishmentFlagResolved',
  'CaseTransferred',
  'PersonalDataErased',
  'StatisticalUseObjectionRecorded',
  'StatisticalUseObjectionWithdrawn',
] as const;

const without = (list: readonly string[], value: string) => list.filter((v) => v !== value);
const withOnce = (list: readonly string[], value: string) =>
  list.includes(value) ? [...list] : [...list, value];

/**
 * The legal-aid row of a case after one more event (pure). Undefined before the case is opened.
 * Only the whitelisted facts are copied; everything else of an event is ignored.
 */
export function foldLegalAidCase(
  row: LegalAidCaseRow | undefined,
  event: CaseEvent,
  recorded: { revision: bigint; recordedAt: Date },
): LegalAidCaseRow | undefined {
  if (!row && event.type !== 'CaseOpened') return undefined;
  const base: LegalAidCaseRow = row ?? {
    case_id: event.data.caseId,
    holding_organisation_id: event.data.organisationId,
    reference: '',
    legal_aid_organisations: [],
    legal_aid_consents: [],
    sex_gender: null,
    age_group: null,
    citizenships: [],
    languages: [],
    identification_status: 'not_identified',
    forms_of_exploitation: [],
    non_punishment_flags: [],
    remedies: [],
    sealed_opening: null,
    erased: false,
    objects_to_statistics: false,
    last_revision: '-1',
    updated_at: recorded.recordedAt.toISOString(),
  };
  const next: LegalAidCaseRow = {
    ...base,
    last_revision: recorded.revision.toString(),
    updated_at: recorded.recordedAt.toISOString(),
  };
  const at = event.data.occurredAt;
  switch (event.type) {
    case 'CaseOpened': {
      const { profile, ageGroupAtOpening } = event.data;
      next.holding_organisation_id = event.data.organisationId;
      next.reference = event.data.caseReference;
      next.sex_gender = profile.sexGender;
      next.citizenships = [...profile.citizenships];
      next.languages = [...profile.languages];
      next.age_group = ageGroupAtOpening ? { ...ageGroupAtOpening } : null;
      next.sealed_opening = sealedCiphertextOf(event.data.personal) ?? null;
      break;
    }
    case 'VictimIdentified':
    case 'VictimStatusChanged': {
      next.identification_status = event.data.status;
      next.forms_of_exploitation = [...event.data.formsOfExploitation];
      // The age group at identification is the one statistics use; it replaces the opening's.
      if (event.data.ageGroupAtIdentification)
        next.age_group = { ...event.data.ageGroupAtIdentification };
      break;
    }
    case 'FactCorrected': {
      const c = event.data.correction;
      if (c.fact === 'sexGender') next.sex_gender = c.value;
      if (c.fact === 'citizenships') next.citizenships = [...c.value];
      if (c.fact === 'languages') next.languages = [...c.value];
      break;
    }
    case 'ConsentGiven':
    case 'ConsentWithdrawn': {
      const org = event.data.receivingOrganisationId;
      if (event.data.purpose !== 'legal_aid_access' || !org) break;
      next.legal_aid_consents =
        event.type === 'ConsentGiven'
          ? withOnce(base.legal_aid_consents, org)
          : without(base.legal_aid_consents, org);
      break;
    }
    case 'LegalAidAccessGranted':
      next.legal_aid_organisations = withOnce(
        base.legal_aid_organisations,
        event.data.legalAidOrganisationId,
      );
      break;
    case 'LegalAidAccessRevoked':
      next.legal_aid_organisations = without(
        base.legal_aid_organisations,
        event.data.legalAidOrganisationId,
      );
      break;
    case 'RemedySought':
      next.remedies = [
        ...base.remedies.filter((r) => r.remedyId !== event.data.remedyId),
        {
          remedyId: event.data.remedyId,
          remedyType: event.data.remedyType,
          avenue: event.data.avenue,
          soughtAt: at,
        },
      ];
      break;
    case 'NonPunishmentFlagRaised':
      next.non_punishment_flags = [
        ...base.non_punishment_flags.filter((f) => f.flagId !== event.data.flagId),
        { flagId: event.data.flagId, status: 'raised', raisedAt: at },
      ];
      break;
    case 'NonPunishmentFlagResolved':
      next.non_punishment_flags = base.non_punishment_flags.map((f) =>
        f.flagId === event.data.flagId
          ? { ...f, status: 'resolved', resolution: event.data.resolution, resolvedAt: at }
          : f,
      );
      break;
    case 'CaseTransferred':
      next.holding_organisation_id = event.data.toOrganisationId;
      next.reference = event.data.caseReference;
      break;
    case 'PersonalDataErased':
      next.erased = true;
      next.sealed_opening = null; // unreadable once the key is shredded; dropped all the same
      break;
    case 'StatisticalUseObjectionRecorded':
      next.objects_to_statistics = true;
      break;
    case 'StatisticalUseObjectionWithdrawn':
      next.objects_to_statistics = false;
      break;
    default:
      return base; // not a fact of this row: unchanged (and not marked as applied)
  }
  return next;
}

/** The columns the projection writes (`copyUpsert`). */
export const LEGAL_AID_CASE_COLUMNS: readonly (readonly [keyof LegalAidCaseRow, string])[] = [
  ['case_id', 'text'],
  ['holding_organisation_id', 'text'],
  ['reference', 'text'],
  ['legal_aid_organisations', 'text[]'],
  ['legal_aid_consents', 'text[]'],
  ['sex_gender', 'text'],
  ['age_group', 'jsonb'],
  ['citizenships', 'text[]'],
  ['languages', 'text[]'],
  ['identification_status', 'text'],
  ['forms_of_exploitation', 'text[]'],
  ['non_punishment_flags', 'jsonb'],
  ['remedies', 'jsonb'],
  ['sealed_opening', 'text'],
  ['erased', 'boolean'],
  ['objects_to_statistics', 'boolean'],
  ['last_revision', 'bigint'],
  ['updated_at', 'timestamptz'],
];

/** Reads the stored rows of these cases (for folding a batch). */
export async function loadLegalAidCases(
  em: EntityManager,
  caseIds: readonly string[],
): Promise<Map<string, LegalAidCaseRow>> {
  const rows = (await em.query(
    `SELECT *, last_revision::text AS last_revision, updated_at::text AS updated_at FROM legal_aid_cases WHERE case_id = ANY($1::text[])`,
    [caseIds],
  )) as LegalAidCaseRow[];
  return new Map(rows.map((r) => [r.case_id, r]));
}

export { LegalAidCaseEntity };
