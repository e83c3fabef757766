import { writeFileSync } from 'node:fs';
import { startRealApiOnTestDatabase, type RealApiOnTestDatabase } from '../faults/support/real-api';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
  parameters?: { in: string; name: string; schema?: { type?: string; format?: string } }[];
}

/**
 * The API's OpenAPI document (the real ApiModule's /docs-json) describes the success body of every
 * operation as a named schema: a 2xx answer whose JSON content is a `$ref` to components.
 */
describe('OpenAPI: every operation has a named success schema', () => {
  let started: RealApiOnTestDatabase;

  beforeAll(async () => {
    started = await startRealApiOnTestDatabase('openapi-success', {
      LOG_LEVEL: 'silent',
      REDIS_URL: undefined,
      EVENTSTORE_CONNECTION_STRING: undefined,
    });
  });

  afterAll(async () => {
    await started?.close();
  });

  it('every operation answers a 2xx with a $ref schema', async () => {
    const doc = (await started.api.request(undefined, { method: 'GET', url: '/docs-json' })).json<{
      paths: Record<string, Record<string, Operation>>;
    }>();
    if (process.env.OPENAPI_DUMP) writeFileSync(process.env.OPENAPI_DUMP, JSON.stringify(doc, null, 2));
    const missing: string[] = [];
    let operations = 0;
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        operations++;
        const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
        const typed = success.some(([, r]) =>
          Object.values(r.content ?? {}).some((c) => c.schema?.$ref?.startsWith('#/components/')),
        );
        if (!typed) missing.push(`${method.toUpperCase()} ${path}`);
      }
    expect(operations).toBeGreaterThan(70);
    expect(missing).toEqual([]);
  });
});
