import { BadRequestException } from '@nestjs/common';
import { invalidInput, type ProblemField } from './problem';

/**
 * Input checks every request body (and query) passes before anything recursive touches it:
 * a nesting depth limit, scanned on the raw bytes before JSON.parse (`jsonTooDeep`), and
 * well-formed text in every string (`textDefects`). Both iterative, so no input can exhaust the
 * stack (the 500 RangeError of issue 12).
 */

/**
 * Deepest nesting of objects and arrays a JSON body may have. The API's deepest body is a few
 * levels (a case's profile, a claim's heads of damage); 32 leaves room without letting a client
 * make every recursive step (parse, transformation, validation, text check) walk 10,000 levels.
 */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether raw JSON nests objects/arrays deeper than `max`: one pass over the bytes, brackets
 * inside strings ignored (UTF-8 continuation bytes never equal an ASCII byte). Malformed JSON is
 * left to the parser (this only counts).
 */
export function jsonTooDeep(raw: Buffer | string, max = MAX_JSON_DEPTH): boolean {
  const bytes = typeof raw === 'string' ? Buffer.from(raw) : raw;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
  }
  return false;
}

/**
 * The 400 of a body nested deeper than {@link MAX_JSON_DEPTH}. It carries `statusCode` too, as
 * Fastify's own errors do, for plugins with an error handler of their own (the queue dashboard).
 */
export function tooDeep(max = MAX_JSON_DEPTH): BadRequestException {
  const reason = `nested deeper than ${max} levels`;
  const error = new BadRequestException(invalidInput([{ name: 'body', reason }]));
  return Object.assign(error, { statusCode: 400 });
}

/**
 * Control characters refused in text: NUL and the C0 controls but TAB, LF and CR (which free
 * text may hold), and DEL. PostgreSQL refuses NUL in text (22P02); the others have no place in
 * any field of this API and hide text from the people who read it.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Why a string is refused, or undefined when it is well-formed text. */
export function textDefect(s: string): string | undefined {
  // A lone surrogate is not Unicode text: UTF-8 cannot encode it (PostgreSQL refuses it; an
  // encrypted field would silently store U+FFFD instead). (String#isWellFormed: ES2024, Node 20+.)
  if (!(s as string & { isWellFormed(): boolean }).isWellFormed())
    return 'not well-formed Unicode (lone surrogate)';
  if (CONTROL.test(s)) return 'contains a NUL or control character';
  return undefined;
}

const SAFE_KEY = /^[A-Za-z0-9_$-]{1,64}$/;

/**
 * Every string of a parsed value (values and keys, at any depth; iteratively) that is not
 * well-formed text, with its field path (`personal.fullName`, `items.2`). A key that is not a
 * plain name is not echoed: the field is named by its parent.
 */
export function textDefects(value: unknown, root = '', limit = 20): ProblemField[] {
  const found: ProblemField[] = [];
  const stack: { value: unknown; path: string }[] = [{ value, path: root }];
  const seen = new Set<object>();
  while (stack.length && found.length < limit) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const reason = textDefect(v);
      if (reason) found.push({ name: path || 'body', reason });
    } else if (v && typeof v === 'object' && !seen.has(v)) {
      seen.add(v);
      const entries = Array.isArray(v)
        ? v.map((x, i) => [String(i), x] as const)
        : Object.entries(v);
      for (const [key, child] of entries) {
        const keyReason = textDefect(key);
        if (keyReason) {
          found.push({ name: path || 'body', reason: `a field name ${keyReason}` });
          continue;
        }
        const name = SAFE_KEY.test(key) ? key : '(field)';
        stack.push({ value: child, path: path ? `${path}.${name}` : name });
      }
    }
  }
  return found;
}
