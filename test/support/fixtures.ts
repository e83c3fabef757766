import type { RecordVictimStatus } from '@remedy/case-domain';

/** The fields of a victim-status decision: the body of POST /cases/:caseId/victim-status. */
export type VictimStatusFields = Omit<RecordVictimStatus, 'type' | 'actor'>;

/**
 * A victim-status decision as most tests record one: by an NGO, for forced labour, naming no
 * sector, country or means of control and no personal text. The fields given replace these; add
 * `type: 'RecordVictimStatus'` and an `actor` to make it a command.
 */
export function victimStatus(
  fields: Pick<VictimStatusFields, 'status' | 'decidedOn'> & Partial<VictimStatusFields>,
): VictimStatusFields {
  const { status, decidedOn, ...others } = fields;
  return {
    status,
    decidingBody: 'NGO',
    decidedOn,
    formsOfExploitation: ['ForcedLabour'],
    sectors: [],
    countriesOfRecruitment: [],
    countriesOfTransit: [],
    countriesOfExploitation: [],
    meansOfControl: [],
    personal: {},
    ...others,
  };
}

/**
 * The CLI arguments that register the fictional legal service Harbour Light (`remedy organisations
 * register ...`) in `country` (as typed) under `code`.
 */
export const registerHarbourLightArgs = (country: string, code: string): string[] => [
  'organisations',
  'register',
  '--name',
  'Harbour Light Legal Aid (fictional)',
  '--type',
  'LegalService',
  '--services',
  'LegalCounselling,LegalRepresentation',
  '--country',
  country,
  '--code',
  code,
];
