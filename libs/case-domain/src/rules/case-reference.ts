/**
 * Human-readable case reference per organisation, e.g. `ORG-2026-00042`: the organisation's short code,
 * the year and a sequence the application allocates per organisation and year. Never derived from
 * personal data.
 */
const ORG_CODE = /^[A-Z][A-Z0-9]{1,9}$/;
const CASE_REFERENCE = /^([A-Z][A-Z0-9]{1,9})-(\d{4})-(\d{5,})$/;

export interface CaseReferenceParts {
  readonly orgCode: string;
  readonly year: number;
  readonly sequence: number;
}

export const formatCaseReference = (orgCode: string, year: number, sequence: number): string => {
  if (!ORG_CODE.test(orgCode))
    throw new RangeError(
      'organisation code must be 2-10 upper-case letters or digits, starting with a letter',
    );
  if (!Number.isInteger(year) || year < 1000 || year > 9999)
    throw new RangeError('year must have four digits');
  if (!Number.isSafeInteger(sequence) || sequence < 1)
    throw new RangeError('sequence must be a positive integer');
  return `${orgCode}-${year}-${String(sequence).padStart(5, '0')}`;
};

export const parseCaseReference = (reference: string): CaseReferenceParts | undefined => {
  const match = CASE_REFERENCE.exec(reference);
  if (match === null) return undefined;
  const sequence = Number(match[3]);
  if (sequence < 1) return undefined;
  return { orgCode: match[1]!, year: Number(match[2]), sequence };
};

export const isCaseReference = (reference: unknown): reference is string =>
  typeof reference === 'string' && parseCaseReference(reference) !== undefined;
