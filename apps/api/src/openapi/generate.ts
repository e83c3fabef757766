import 'reflect-metadata';
import { apiClientFiles, GENERATED_FILES, writeApiClientFiles } from './api-client-files';
import { apiOpenApiDocument } from './api-document';

/**
 * `npm run openapi`: writes the API's OpenAPI document (libs/api-client/openapi.json) and the
 * client's types generated from it (libs/api-client/src/schema.d.ts). No database, no network.
 */
async function main(): Promise<void> {
  const document = await apiOpenApiDocument();
  await writeApiClientFiles(await apiClientFiles(document));
  const operations = Object.values(document.paths).reduce(
    (n, item) => n + Object.keys(item).filter((k) => k !== 'parameters').length,
    0,
  );
  console.log(
    `libs/api-client: ${GENERATED_FILES.join(', ')} written (${Object.keys(document.paths).length} paths, ${operations} operations)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
