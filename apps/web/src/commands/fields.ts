import { minorUnitsOf, type CurrencyDigits } from '../format';
import type { CodeListName } from './code-lists';

/**
 * A command's fields, as data: the generic form (./command-form.tsx) renders them with Mantine
 * inputs and builds the JSON body from them. `name` is the body path (`personal.text`,
 * `profile.citizenships`); the label is the message `commands.field.<name>` unless `label` names
 * another message.
 */
export type FieldSpec = {
  readonly name: string;
  readonly label?: string;
  /** A message shown under the input. */
  readonly description?: string;
  readonly required?: boolean;
  /** Shown (and sent) only when this holds for the form's values. */
  readonly when?: (values: FormValues) => boolean;
  /** Labelled by a code's label (e.g. a head of damage) instead of a message. */
  readonly codeLabel?: { readonly list: CodeListName; readonly code: string };
} & (
  | { readonly kind: 'text' | 'textarea'; readonly maxLength?: number }
  /** One code of a code list (labels from GET /code-lists). `only` narrows the codes offered. */
  | { readonly kind: 'code'; readonly list: CodeListName; readonly only?: readonly string[] }
  /** Several codes of a code list (always sent, possibly empty). */
  | { readonly kind: 'codes'; readonly list: CodeListName }
  /** A calendar date, `YYYY-MM-DD`. */
  | { readonly kind: 'date'; readonly defaultToday?: boolean }
  /** An instant (ISO 8601), e.g. when it happened. */
  | { readonly kind: 'datetime' }
  | { readonly kind: 'integer'; readonly min?: number; readonly max?: number }
  /**
   * Money typed as a decimal, sent as integer minor units of the currency (its digits from Intl):
   * a fixed `currency`, or the value of the field `currencyField`.
   */
  | { readonly kind: 'money'; readonly currency?: string; readonly currencyField?: string }
  /** Always sent (false when unticked). */
  | { readonly kind: 'boolean' }
  /** Free values (e.g. aliases), sent as a list of strings. */
  | { readonly kind: 'tags' }
  /** An organisation of the directory (GET /organisations), sent as its id. */
  | { readonly kind: 'organisation'; readonly exceptOwn?: boolean }
  /** One of given values; each labelled by the message `<labels>.<value>`. */
  | { readonly kind: 'choice'; readonly options: readonly string[]; readonly labels: string }
  /** A caseworker of the person's organisation, chosen by name, sent as the user id. */
  | { readonly kind: 'caseworker' }
  /**
   * Rows of sub-fields (e.g. identity documents: kind and number), sent as a list of objects;
   * empty rows are left out. A sub-field's label is `commands.field.<name>.<sub-field>`.
   */
  | { readonly kind: 'records'; readonly fields: readonly FieldSpec[]; readonly max?: number }
);

export type FormValues = Record<string, unknown>;

/**
 * The kinds of identity document the opening form offers (`commands.documentKind.<kind>`). The
 * API takes a document's kind as personal free text (no domain code list): the console sends
 * these codes and shows any other kind as it was recorded.
 */
export const IDENTITY_DOCUMENT_KINDS = [
  'passport',
  'national_id',
  'residence_permit',
  'travel_document',
  'birth_certificate',
  'driving_licence',
  'other',
] as const;

export const getPath = (values: FormValues, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (node, key) =>
        node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined,
      values,
    );

export const setPath = (values: FormValues, path: string, value: unknown): void => {
  const keys = path.split('.');
  let node = values;
  for (const key of keys.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as FormValues;
  }
  node[keys.at(-1)!] = value;
};

/** The form's first values: empty inputs, today for a date that defaults to it. */
export function initialValues(fields: readonly FieldSpec[], today: string): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const empty =
      field.kind === 'codes' || field.kind === 'tags' || field.kind === 'records'
        ? []
        : field.kind === 'boolean'
          ? false
          : field.kind === 'date'
            ? field.defaultToday
              ? today
              : null
            : field.kind === 'code' ||
                field.kind === 'choice' ||
                field.kind === 'organisation' ||
                field.kind === 'caseworker' ||
                field.kind === 'datetime'
              ? null
              : '';
    setPath(values, field.name, empty);
  }
  return values;
}

/** A row of a `records` field, as its sub-fields' values. */
export const emptyRecord = (field: FieldSpec & { kind: 'records' }): FormValues =>
  initialValues(field.fields, '');

/** Nothing entered: null, undefined, blank text, an empty list. */
export const isEmpty = (value: unknown): boolean =>
  value === null ||
  value === undefined ||
  (typeof value === 'string' && value.trim() === '') ||
  (Array.isArray(value) && value.length === 0);

/** An instant from DateTimePicker's `YYYY-MM-DD HH:mm:ss` (the browser's zone) as ISO 8601. */
const instantOf = (value: string): string => new Date(value.replace(' ', 'T')).toISOString();

/**
 * The JSON body of the shown fields: empty optional inputs are left out (the API's defaults
 * apply), lists and booleans are always sent, integers as numbers, instants as ISO 8601, money as
 * integer minor units with its currency's ISO 4217 `digits` (the currencies code list's).
 */
export function bodyOf(
  fields: readonly FieldSpec[],
  values: FormValues,
  digits: CurrencyDigits,
): FormValues {
  const body: FormValues = {};
  for (const field of fields) {
    if (field.when && !field.when(values)) continue;
    const value = getPath(values, field.name);
    if (field.kind === 'codes' || field.kind === 'tags') {
      const list = ((value as string[] | undefined) ?? []).filter((v) => v.trim() !== '');
      if (field.kind === 'codes' || list.length > 0) setPath(body, field.name, list);
      continue;
    }
    if (field.kind === 'records') {
      const rows = ((value as FormValues[] | undefined) ?? [])
        .map((row) => bodyOf(field.fields, row, digits))
        .filter((row) => Object.keys(row).length > 0);
      if (rows.length > 0) setPath(body, field.name, rows);
      continue;
    }
    if (field.kind === 'boolean') {
      setPath(body, field.name, Boolean(value));
      continue;
    }
    if (isEmpty(value)) continue;
    if (field.kind === 'integer') setPath(body, field.name, Number(value));
    else if (field.kind === 'money') {
      const currency = moneyCurrency(field, values);
      // Without a currency, the API names the missing currency; a decimal it cannot hold, the field.
      if (currency)
        setPath(body, field.name, minorUnitsOf(value as string | number, digits(currency)));
    } else if (field.kind === 'datetime') setPath(body, field.name, instantOf(String(value)));
    else if (field.kind === 'date') setPath(body, field.name, String(value).slice(0, 10));
    else setPath(body, field.name, value);
  }
  return body;
}

/** The field a 400's `fields[].name` points at (`profile.citizenships.0` → `profile.citizenships`). */
export function fieldOf(fields: readonly FieldSpec[], name: string): string | undefined {
  const clean = name.replace(/^body\./, '');
  return fields
    .map((f) => f.name)
    .filter((f) => clean === f || clean.startsWith(`${f}.`))
    .sort((a, b) => b.length - a.length)[0];
}

/** The currency of a money field: its own, else the value of its currency field. */
export function moneyCurrency(
  field: FieldSpec & { kind: 'money' },
  values: FormValues,
): string | undefined {
  const currency = field.currency ?? (field.currencyField && getPath(values, field.currencyField));
  return typeof currency === 'string' && currency !== '' ? currency : undefined;
}
