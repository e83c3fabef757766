/** The parts of a JSON schema in the API's OpenAPI document that the route-wide tests read. */
export type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  minItems?: number;
  minLength?: number;
  pattern?: string;
};

/** The parts of the API's OpenAPI document (GET /docs-json) that the route-wide tests read. */
export type OpenApi = {
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content?: Record<string, { schema: Schema }> };
        parameters?: { in: string; name: string; required?: boolean; schema?: Schema }[];
      }
    >
  >;
  components: { schemas: Record<string, Schema> };
};
