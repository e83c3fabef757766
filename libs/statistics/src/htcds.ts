import type { DataSource } from 'typeorm';
import {
  HTCDS_ASSISTANCE_TYPE,
  HTCDS_FORM_OF_EXPLOITATION,
  HTCDS_MEANS_OF_CONTROL,
  HTCDS_REFERRAL_SOURCE,
  type AssistanceType,
  type FormOfExploitation,
  type MeansOfControl,
  type PersonIdentifiers,
  type ReferralSource,
} from '@remedy/case-domain';
import { openPersonalView, type PersonalDecrypter } from '@remedy/case-stream';

/**
 * HTCDS v2.0 export of an organisation's own cases (supervisors only): one CSV line per case,
 * HTCDS field names (`Field Name including Prefix` of shared/reference/htcds-2.0-fields.csv) and
 * values, multi-select values joined by ";" (as Salesforce multi-select picklists are), personal
 * data decrypted with the case cipher. Streamed to the caller, never stored.
 *
 * Human Trafficking Case Data Standard (HTCDS) by IOM, CC BY 4.0. IOM does not endorse Remedy.
 */
export const HTCDS_COLUMNS = [
  'remedy_CaseReference',
  'prs_FirstName',
  'prs_SecondName',
  'prs_Birthdate',
  'prs_Gender',
  'prs_Citizenship',
  'prs_PrimaryLanguage',
  'prs_SecondaryLanguage',
  'prs_IdentityNumber',
  'prs_Email',
  'prs_MobilePhone',
  'prs_MailingStreet',
  'vic_TraffickingStatus',
  'vic_TraffickingStatusDecisionMakingOrg',
  'vic_TypeOfExploitation',
  'vic_ForcedLabourIndustry',
  'vic_MethodsOfControl',
  'cas_Status',
  'org_Type',
  'spl_Type',
] as const;
export type HtcdsColumn = (typeof HTCDS_COLUMNS)[number];

/**
 * Every Remedy value or field that HTCDS names differently or lacks (the documented mapping; the
 * value maps themselves are HTCDS_* of @remedy/case-domain code-lists/htcds-mapping.ts).
 */
export const HTCDS_MAPPING_NOTES: readonly {
  readonly remedy: string;
  readonly htcds: string;
  readonly rule: string;
}[] = [
  {
    remedy: 'caseReference',
    htcds: 'remedy_CaseReference (not HTCDS)',
    rule: "The holding organisation's own reference, so that rows can be matched back; HTCDS has no case number field.",
  },
  {
    remedy: 'personal.fullName',
    htcds: 'prs_FirstName, prs_SecondName',
    rule: 'Remedy keeps one full name: the last word goes to prs_SecondName, the rest to prs_FirstName (one word: prs_FirstName only). Aliases are not exported (HTCDS has no field).',
  },
  {
    remedy: 'personal.birthDate',
    htcds: 'prs_Birthdate',
    rule: 'YYYY-MM-DD; empty when only an estimated age or a birth year is known.',
  },
  {
    remedy: 'profile.languages (ISO 639-1)',
    htcds: 'prs_PrimaryLanguage, prs_SecondaryLanguage',
    rule: 'First and second language; HTCDS accepts the two-letter codes. Further languages are not exported.',
  },
  {
    remedy: 'profile.citizenships',
    htcds: 'prs_Citizenship',
    rule: 'ISO 3166-1 alpha-2 joined by ";"; STATELESS and UNKNOWN (Remedy additions) are exported as they are (HTCDS has no value for them).',
  },
  {
    remedy: 'personal.identityDocuments',
    htcds: 'prs_IdentityNumber',
    rule: 'The number of the first document; the document kind and further documents are not exported.',
  },
  {
    remedy: 'personal.contacts',
    htcds: 'prs_Email, prs_MobilePhone',
    rule: 'The first contact containing "@" is the e-mail; the first other contact is the phone.',
  },
  {
    remedy: 'personal.addresses',
    htcds: 'prs_MailingStreet',
    rule: 'The first address, as written; the shelter location is never exported.',
  },
  {
    remedy: 'not_identified (no status decision yet)',
    htcds: 'vic_TraffickingStatus',
    rule: 'Left empty.',
  },
  {
    remedy: 'ForcedCriminality',
    htcds: 'vic_TypeOfExploitation = Other',
    rule: 'HTCDS_FORM_OF_EXPLOITATION',
  },
  {
    remedy: 'sectors (several)',
    htcds: 'vic_ForcedLabourIndustry (single picklist)',
    rule: 'The first sector recorded; further sectors are not exported.',
  },
  {
    remedy: 'RestrictsMovement',
    htcds: 'vic_MethodsOfControl = Other',
    rule: 'HTCDS_MEANS_OF_CONTROL',
  },
  {
    remedy: 'lifecycle open / closure_requested / closed',
    htcds: 'cas_Status Active / Active / Closed',
    rule: 'FollowUp and ClosedReferred are not used (a transferred case belongs to the receiver).',
  },
  {
    remedy: 'referralSource',
    htcds: 'org_Type (of the referring organisation)',
    rule: 'HTCDS_REFERRAL_SOURCE: SelfReferral, Hotline and Other leave it empty; LabourInspectorate and Embassy map to CentralGovernmentOrganisation.',
  },
  {
    remedy: 'assistance types (18)',
    htcds: 'spl_Type (9 support-plan types)',
    rule: 'HTCDS_ASSISTANCE_TYPE; each type received once, joined by ";".',
  },
];

/** The decrypting part of CaseCipher (structural, so tests can pass a fake). */
export type HtcdsDecrypter = PersonalDecrypter;

interface CaseRow {
  case_id: string;
  reference: string;
  lifecycle: string;
  erased: boolean;
  facts: {
    referralSource?: ReferralSource;
    profile?: { sexGender?: string; citizenships?: string[]; languages?: string[] };
    identification?: {
      status?: string;
      decidingBody?: string;
      formsOfExploitation?: FormOfExploitation[];
      sectors?: string[];
      meansOfControl?: MeansOfControl[];
    };
  };
  sealed_personal: Record<string, string> | null;
}

const csvField = (v: string | undefined): string => {
  const s = v ?? '';
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

function splitName(fullName: string | undefined): [string | undefined, string | undefined] {
  const words = (fullName ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [undefined, undefined];
  if (words.length === 1) return [words[0], undefined];
  return [words.slice(0, -1).join(' '), words.at(-1)];
}

async function personalOf(
  cipher: HtcdsDecrypter,
  row: CaseRow,
): Promise<PersonIdentifiers | undefined> {
  const ct = row.sealed_personal?.opening;
  if (row.erased || !ct) return undefined;
  const view = await openPersonalView<PersonIdentifiers>(cipher, row.case_id, ct);
  return view && !view.erased ? view.value : undefined;
}

export function htcdsLine(
  row: CaseRow,
  personal: PersonIdentifiers | undefined,
  assistance: readonly string[],
): string {
  const profile = row.facts.profile ?? {};
  const ident = row.facts.identification ?? {};
  const [first, second] = splitName(personal?.fullName);
  const contacts = personal?.contacts ?? [];
  const source = row.facts.referralSource;
  const values: Record<HtcdsColumn, string | undefined> = {
    remedy_CaseReference: row.reference,
    prs_FirstName: first,
    prs_SecondName: second,
    prs_Birthdate: personal?.birthDate,
    prs_Gender: profile.sexGender,
    prs_Citizenship: (profile.citizenships ?? []).join(';'),
    prs_PrimaryLanguage: profile.languages?.[0],
    prs_SecondaryLanguage: profile.languages?.[1],
    prs_IdentityNumber: personal?.identityDocuments?.[0]?.number,
    prs_Email: contacts.find((c) => c.includes('@')),
    prs_MobilePhone: contacts.find((c) => !c.includes('@')),
    prs_MailingStreet: personal?.addresses?.[0],
    vic_TraffickingStatus: ident.status,
    vic_TraffickingStatusDecisionMakingOrg: ident.decidingBody,
    vic_TypeOfExploitation: unique(
      (ident.formsOfExploitation ?? []).map((f) => HTCDS_FORM_OF_EXPLOITATION[f] ?? 'Other'),
    ).join(';'),
    vic_ForcedLabourIndustry: ident.sectors?.[0],
    vic_MethodsOfControl: unique(
      (ident.meansOfControl ?? []).map((m) => HTCDS_MEANS_OF_CONTROL[m] ?? 'Other'),
    ).join(';'),
    cas_Status: row.lifecycle === 'closed' ? 'Closed' : 'Active',
    org_Type: source ? (HTCDS_REFERRAL_SOURCE[source] ?? undefined) : undefined,
    spl_Type: unique(
      assistance.map((a) => HTCDS_ASSISTANCE_TYPE[a as AssistanceType] ?? 'SocialCare'),
    ).join(';'),
  };
  return HTCDS_COLUMNS.map((c) => csvField(values[c])).join(',');
}

/** What an export tells the audit trail (issue: audit of personal-data reads): opaque ids and counts only. */
export interface HtcdsExportAuditEntry {
  readonly actorId: string;
  readonly organisationId: string;
  readonly caseIds: readonly string[];
  readonly purpose: 'htcds_export';
  readonly at: string;
}

/**
 * HOOK for the audit trail (another issue owns it): every case whose personal data an export
 * decrypted is reported here, batch by batch, BEFORE its lines are sent. Bind HTCDS_EXPORT_AUDIT to
 * the audit trail's writer; the default records nothing.
 */
export interface HtcdsExportAudit {
  record(entry: HtcdsExportAuditEntry): Promise<void>;
}
export const HTCDS_EXPORT_AUDIT = Symbol('HTCDS_EXPORT_AUDIT');
export const noHtcdsExportAudit: HtcdsExportAudit = { record: async () => undefined };

const PAGE = 200;

/** The export as CSV lines (header first), page by page over the organisation's cases. */
export async function* htcdsExport(
  dataSource: DataSource,
  cipher: HtcdsDecrypter,
  audit: HtcdsExportAudit,
  actor: { readonly userId: string; readonly organisationId: string },
  now: () => Date = () => new Date(),
): AsyncGenerator<string> {
  yield `${HTCDS_COLUMNS.join(',')}\r\n`;
  let after = '';
  for (;;) {
    const rows = (await dataSource.query(
      `SELECT case_id, reference, lifecycle, erased, facts, sealed_personal FROM case_list
        WHERE organisation_id = $1 AND case_id > $2 ORDER BY case_id LIMIT ${PAGE}`,
      [actor.organisationId, after],
    )) as CaseRow[];
    if (rows.length === 0) return;
    after = rows.at(-1)!.case_id;
    const ids = rows.map((r) => r.case_id);
    const assistance = new Map<string, string[]>();
    for (const a of (await dataSource.query(
      `SELECT case_id, facts->>'assistanceType' AS type FROM case_timeline
        WHERE case_id = ANY($1::text[]) AND event_type = 'AssistanceProvided' ORDER BY case_id, revision`,
      [ids],
    )) as { case_id: string; type: string }[]) {
      const list = assistance.get(a.case_id) ?? [];
      list.push(a.type);
      assistance.set(a.case_id, list);
    }
    await audit.record({
      actorId: actor.userId,
      organisationId: actor.organisationId,
      caseIds: ids,
      purpose: 'htcds_export',
      at: now().toISOString(),
    });
    let chunk = '';
    for (const row of rows)
      chunk += `${htcdsLine(row, await personalOf(cipher, row), assistance.get(row.case_id) ?? [])}\r\n`;
    yield chunk;
  }
}
