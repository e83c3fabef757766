import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019, { type ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The contract check, for the test suite: with both settings below, every answer the process
 * sends is validated against the OpenAPI document's declared response for its operation, status
 * and content type, and one line per answer is appended to `<results>/<pid>.jsonl` (the
 * operation, the status, the violations). Off unless both are set; the API's own settings do not
 * name them, so production never runs it.
 *
 * A line carries schema paths and ajv's messages only, never a value of the body.
 */
export const CONTRACT_DOCUMENT_ENV = 'REMEDY_CONTRACT_DOCUMENT';
export const CONTRACT_RESULTS_ENV = 'REMEDY_CONTRACT_RESULTS';

/** One answer checked. */
export interface ContractRecord {
  /** Jest's worker of the test file that caused the answer (inherited by child processes). */
  readonly worker: string | null;
  /** When it was sent (ms since the epoch). */
  readonly at: number;
  /** `GET /cases/{caseId}`, as the document names it. */
  readonly operation: string;
  readonly status: number;
  /** What is wrong with the answer; empty when it is what the document says. */
  readonly violations: readonly string[];
}

/** Install the check on this Fastify instance when the settings ask for it (before `ready`). */
export function installContractCheck(
  fastify: FastifyInstance,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const documentPath = env[CONTRACT_DOCUMENT_ENV];
  const results = env[CONTRACT_RESULTS_ENV];
  if (!documentPath || !results) return;
  const contract = new ContractCheck(
    JSON.parse(readFileSync(documentPath, 'utf8')) as OpenApiDocument,
  );
  const file = join(results, `${process.pid}.jsonl`);
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    const route = request.routeOptions.url;
    if (route === undefined) return payload; // no route matched: the router's own 404
    // The embedded OpenID provider and its login pages (issue 15) answer the OpenID protocol
    // (its own JSON, redirects and form posts, specified by OpenID Connect, not by this API's
    // document) and HTML pages: never part of the OpenAPI document, so never checked against it.
    if (route === '/oidc' || route.startsWith('/oidc/')) return payload;
    const path = route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    // A route the document does not name is a test's own controller, or /docs: the drift test
    // (the document generated from the code equals the committed one) covers the API's routes.
    if (!contract.has(request.method, path)) return payload;
    const operation = `${request.method} ${path}`;
    const record: ContractRecord = {
      worker: env.JEST_WORKER_ID ?? null,
      at: Date.now(),
      operation,
      status: reply.statusCode,
      violations: contract.checkSafely(
        request.method,
        path,
        reply.statusCode,
        String(reply.getHeader('content-type') ?? ''),
        payload,
      ),
    };
    appendFileSync(file, JSON.stringify(record) + '\n');
    return payload;
  });
}

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OperationObject>>;
  readonly components?: { schemas?: Record<string, unknown> };
}
interface OperationObject {
  readonly responses?: Record<string, { content?: Record<string, unknown> }>;
}

/** The document's responses, with a validator compiled once per declared body. */
export class ContractCheck {
  private readonly ajv: Ajv2019;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    this.ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(closed(structuredClone(document)) as object, 'openapi');
  }

  has(method: string, path: string): boolean {
    return this.document.paths[path]?.[method.toLowerCase()] !== undefined;
  }

  /** {@link check}, with a document it cannot read reported as a violation: never a thrown error. */
  checkSafely(...args: Parameters<ContractCheck['check']>): string[] {
    try {
      return this.check(...args);
    } catch (error) {
      return [`the document's schema cannot be checked: ${(error as Error).message}`];
    }
  }

  /** What is wrong with this answer, by the document (empty: nothing). */
  check(
    method: string,
    path: string,
    status: number,
    contentType: string,
    payload: unknown,
  ): string[] {
    const operation = this.document.paths[path]?.[method.toLowerCase()];
    if (!operation) return [`${method} ${path} is not an operation of the document`];
    const responses = operation.responses ?? {};
    const key = String(status) in responses ? String(status) : 'default';
    const declared = responses[key];
    if (!declared) return [`status ${status} is not declared`];
    const body = bodyText(payload);
    const content = declared.content ?? {};
    const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
    if (Object.keys(content).length === 0)
      return body === '' || body === undefined ? [] : [`status ${status} declares no body`];
    if (!(mediaType in content))
      return [
        `content type "${mediaType}" is not declared for ${status} (declared: ${Object.keys(content).join(', ')})`,
      ];
    if (!/^application\/([a-z.+-]+\+)?json$/.test(mediaType)) return [];
    if (body === undefined) return []; // a stream: its bytes are not checked
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return [`the ${mediaType} body is not JSON`];
    }
    const pointer = `/paths/${escape(path)}/${method.toLowerCase()}/responses/${key}/content/${escape(mediaType)}/schema`;
    if (!hasSchema(content[mediaType])) return [];
    const validate = this.validator(pointer);
    if (validate(parsed)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'} [${e.schemaPath}]`,
    );
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi#${pointer}` });
      this.validators.set(pointer, validate);
    }
    return validate;
  }
}

function hasSchema(media: unknown): boolean {
  return typeof media === 'object' && media !== null && 'schema' in media;
}

/** JSON pointer escaping of one segment. */
const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** The body as text, or undefined for a stream. */
function bodyText(payload: unknown): string | undefined {
  if (payload === undefined || payload === null) return '';
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  return undefined;
}

/**
 * The document as JSON Schema, with every object schema closed. OpenAPI 3.0's `nullable: true`
 * becomes a `null` alternative. Closed: an answer with a property the document does not
 * declare fails, as a missing required one does. A schema that declares `additionalProperties`
 * keeps it; the parts of an `allOf` are left open and the whole is closed with
 * `unevaluatedProperties` (JSON Schema 2019-09, so the parts' properties count).
 */
function closed(node: unknown, inAllOf = false): unknown {
  if (Array.isArray(node)) return node.map((n) => closed(n, inAllOf));
  if (typeof node !== 'object' || node === null) return node;
  const schema = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'example' || key === 'examples') continue;
    schema[key] = closed(value, key === 'allOf');
  }
  if (inAllOf) return nullable(schema);
  const isObjectSchema =
    schema.properties !== undefined && typeof schema.properties === 'object' && !('in' in schema);
  if (Array.isArray(schema.allOf) && schema.additionalProperties === undefined)
    schema.unevaluatedProperties = false;
  else if (isObjectSchema && schema.additionalProperties === undefined)
    schema.additionalProperties = false;
  return nullable(schema);
}

/** OpenAPI 3.0's `nullable: true` as JSON Schema: the schema, or null. */
function nullable(schema: Record<string, unknown>): Record<string, unknown> {
  if (schema.nullable !== true) return schema;
  const { nullable: _, ...rest } = schema;
  return { anyOf: [rest, { type: 'null' }] };
}
