import { BadRequestException } from '@nestjs/common';
import { problem } from './problem';

/**
 * The revision an `If-Match` header names: `"3"`, `W/"3"` or `3` → 3n; absent → undefined; anything
 * else → 400 naming the header (never its value). With `noneYet`, `"-1"` names a resource that
 * does not exist yet (a retention schedule before it is first set).
 */
export function parseIfMatch(
  raw: string | string[] | undefined,
  options: { readonly noneYet?: boolean } = {},
): bigint | undefined {
  if (raw === undefined) return undefined;
  const m = typeof raw === 'string' ? /^\s*(?:W\/)?"?(-1|\d{1,19})"?\s*$/.exec(raw) : null;
  if (!m || (m[1] === '-1' && !options.noneYet)) {
    throw new BadRequestException(
      problem(
        400,
        'Invalid input: If-Match (expected an ETag such as "3" from an earlier response)',
        { fields: [{ name: 'if-match', reason: 'not an ETag of this API' }] },
      ),
    );
  }
  return BigInt(m[1]!);
}
