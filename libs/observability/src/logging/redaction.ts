/**
 * What never reaches a log line: credentials, request bodies and personal data.
 *
 * Two layers, both applied by every logger this lib builds (`createLogger()` and the Nest
 * logger module):
 *  1. pino `redact` paths: the credential headers, request bodies, and each personal field name
 *     at the top level and up to {@link WILDCARD_DEPTH} levels below it (`name`, `*.name`,
 *     `*.*.name`, ...; `*` also matches array indices). This also covers child-logger bindings.
 *  2. a `formatters.log` scrubber that walks plain objects and arrays of the logged object to any
 *     depth and replaces the values of the same field names, for what the fixed paths miss.
 */

/** Field names whose values are personal data wherever they appear (exact, case-sensitive). */
export const PERSONAL_FIELDS: readonly string[] = Object.freeze([
  'name',
  'names',
  'givenName',
  'familyName',
  'alias',
  'aliases',
  'birthDate',
  'dateOfBirth',
  'email',
  'phone',
  'contact',
  'contacts',
  'address',
  'addresses',
  'shelterLocation',
  'identityDocument',
  'documentNumber',
  'note',
  'notes',
  'text',
  'description',
  'reason',
  'freeText',
  'personal',
]);

export const PERSONAL_FIELD_SET: ReadonlySet<string> = new Set(PERSONAL_FIELDS);

/** Credentials and bodies, by exact path. */
export const SECRET_PATHS: readonly string[] = Object.freeze([
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.body',
  'req.raw.body',
  'request.headers.authorization',
  'request.headers.cookie',
  'request.body',
  'headers.authorization',
  'headers.cookie',
  'res.headers["set-cookie"]',
  'body',
]);

export const WILDCARD_DEPTH = 3;

export const REDACTED = '[REDACTED]';

/** The pino `redact.paths` for {@link SECRET_PATHS} and {@link PERSONAL_FIELDS}. */
export function redactPaths(fields: readonly string[] = PERSONAL_FIELDS, depth = WILDCARD_DEPTH): string[] {
  const paths = [...SECRET_PATHS];
  for (const field of fields) {
    for (let level = 0; level <= depth; level++) paths.push('*.'.repeat(level) + field);
  }
  return paths;
}

function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with every personal field's value replaced by {@link REDACTED}, at any depth
 * of plain objects and arrays. Other objects (class instances such as requests or errors) are
 * returned as they are: their serializers decide what of them is logged. Returns the input
 * itself when nothing needed redacting (no copy on the common path).
 */
export function scrubPersonalFields<T>(value: T, fields: ReadonlySet<string> = PERSONAL_FIELD_SET, depth = 0): T {
  if (!isPlainContainer(value) || depth > 32) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const scrubbed = scrubPersonalFields(value[i], fields, depth + 1);
      if (scrubbed !== value[i]) {
        copy ??= value.slice();
        copy[i] = scrubbed;
      }
    }
    return (copy ?? value) as T;
  }
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const current = value[key];
    const next = fields.has(key) && current !== undefined ? REDACTED : scrubPersonalFields(current, fields, depth + 1);
    if (next !== current) {
      copy ??= { ...value };
      copy[key] = next;
    }
  }
  return (copy ?? value) as T;
}
