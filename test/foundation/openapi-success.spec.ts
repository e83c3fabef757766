import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Schema {
  $ref?: string;
  type?: string;
  oneOf?: Schema[];
}

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

/** A JSON body is a named schema (or one of named schemas); any other body is text. */
const described = (mediaType: string, schema: Schema | undefined): boolean =>
  mediaType.includes('json') && !mediaType.includes('ndjson')
    ? schema?.$ref !== undefined || (schema?.oneOf?.every((s) => s.$ref !== undefined) ?? false)
    : schema?.type === 'string';

/**
 * The API's OpenAPI document (libs/api-client/openapi.json: the drift test proves it is what the
 * real ApiModule serves at /docs-json) describes the success body of every
 * operation: a 2xx answer whose every content is described, a JSON one as a named schema (`$ref`
 * to components, or `oneOf` them), a download (CSV, NDJSON, PEM) as text.
 */
describe('OpenAPI: every operation has a named success schema', () => {
  it('every operation answers a 2xx whose body is described', () => {
    const doc = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'libs', 'api-client', 'openapi.json'), 'utf8'),
    ) as { paths: Record<string, Record<string, Operation>> };
    const missing: string[] = [];
    let operations = 0;
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        operations++;
        const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
        const typed =
          success.length > 0 &&
          success.every(
            ([, r]) =>
              Object.keys(r.content ?? {}).length > 0 &&
              Object.entries(r.content!).every(([type, c]) => described(type, c.schema)),
          );
        const operation = `${method.toUpperCase()} ${path}`;
        if (!typed) missing.push(operation);
      }
    expect(operations).toBeGreaterThan(70);
    expect(missing).toEqual([]);
  });
});
