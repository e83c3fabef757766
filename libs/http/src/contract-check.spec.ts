import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { ContractCheck, installContractCheck, type ContractRecord } from './contract-check';

const document = {
  openapi: '3.0.0',
  paths: {
    '/things/{thingId}': {
      get: {
        responses: {
          '200': {
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          '404': {
            content: {
              'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
            },
          },
          '204': {},
        },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['id', 'revision'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          revision: { type: 'integer' },
          note: { type: 'string', nullable: true },
          owner: { allOf: [{ $ref: '#/components/schemas/Owner' }], nullable: true },
        },
      },
      Owner: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      Problem: {
        type: 'object',
        required: ['status'],
        properties: { status: { type: 'integer' } },
      },
    },
  },
};

const id = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
const json = 'application/json; charset=utf-8';
const check = (status: number, body: unknown, type = json) =>
  new ContractCheck(document).check(
    'GET',
    '/things/{thingId}',
    status,
    type,
    typeof body === 'string' ? body : JSON.stringify(body),
  );

describe('the contract check (every answer against the OpenAPI document)', () => {
  it('accepts an answer that is what the document declares', () => {
    expect(check(200, { id, revision: 3 })).toEqual([]);
    expect(check(200, { id, revision: 3, note: null, owner: { name: 'A' } })).toEqual([]);
    expect(check(404, { status: 404 }, 'application/problem+json')).toEqual([]);
    expect(check(204, '')).toEqual([]);
  });

  it('refuses a status the operation does not declare', () => {
    expect(check(500, { status: 500 }, 'application/problem+json')).toEqual([
      'status 500 is not declared',
    ]);
  });

  it('refuses a missing required field, an extra field and a wrong type', () => {
    expect(check(200, { id })).toEqual([
      expect.stringContaining("must have required property 'revision'"),
    ]);
    expect(check(200, { id, revision: 3, name: 'x' })).toEqual([
      expect.stringContaining('must NOT have additional properties'),
    ]);
    expect(check(200, { id, revision: '3' })).toEqual([
      expect.stringMatching(/^\/revision must be integer/),
    ]);
    expect(check(200, { id, revision: 3, owner: { name: 'A', extra: 1 } })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/owner must NOT have additional properties/),
      ]),
    );
  });

  it('refuses a format, a content type or a body the document does not declare', () => {
    expect(check(200, { id: 'not-a-uuid', revision: 1 })).toEqual([
      expect.stringContaining('must match format "uuid"'),
    ]);
    expect(check(404, { status: 404 }, json)).toEqual([
      'content type "application/json" is not declared for 404 (declared: application/problem+json)',
    ]);
    expect(check(204, { id })).toEqual(['status 204 declares no body']);
  });

  it('records every answer of a documented route, with the violations and no value of the body', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'remedy-contract-spec-'));
    const documentPath = join(folder, 'openapi.json');
    writeFileSync(documentPath, JSON.stringify(document));
    const app = Fastify();
    installContractCheck(app, {
      REMEDY_CONTRACT_DOCUMENT: documentPath,
      REMEDY_CONTRACT_RESULTS: folder,
      JEST_WORKER_ID: '7',
    });
    app.get('/things/:thingId', async (request) =>
      (request.params as { thingId: string }).thingId === id
        ? { id, revision: 1 }
        : { id, revision: 1, secret: 'Amina' },
    );
    app.get('/elsewhere', async () => ({ anything: true }));
    try {
      await app.inject({ method: 'GET', url: `/things/${id}` });
      await app.inject({ method: 'GET', url: '/things/other' });
      await app.inject({ method: 'GET', url: '/elsewhere' });
      const text = readFileSync(join(folder, `${process.pid}.jsonl`), 'utf8');
      const records = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ContractRecord);
      expect(records.map((r) => [r.operation, r.status, r.worker, r.violations.length])).toEqual([
        ['GET /things/{thingId}', 200, '7', 0],
        ['GET /things/{thingId}', 200, '7', 1],
      ]);
      expect(text).not.toContain('Amina');
    } finally {
      await app.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
