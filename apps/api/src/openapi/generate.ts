import 'reflect-metadata';
import { committedApiClientFiles, GENERATED_FILES, writeApiClientFiles } from './api-client-files';
import { apiClientFiles, schemaTypes } from './api-client-generation';
import { apiOpenApiDocument } from './api-document';

/**
 * `npm run openapi`: writes the API's OpenAPI document (libs/api-client/openapi.json) and the
 * client's types generated from it (libs/api-client/src/schema.d.ts). No database, no network.
 *
 * With `--print` it writes nothing and prints, as JSON, the files the current code generates
 * (`generated`) and the types openapi-typescript makes of the committed openapi.json
 * (`fromCommittedDocument`): what the drift test compares with the committed files. (A separate
 * process: Prettier's and openapi-typescript's ES modules do not load inside Jest.)
 */
async function main(print: boolean): Promise<void> {
  const document = await apiOpenApiDocument();
  const generated = await apiClientFiles(document);
  if (print) {
    const committed = await committedApiClientFiles();
    process.stdout.write(
      JSON.stringify({
        generated,
        fromCommittedDocument: await schemaTypes(committed['openapi.json']),
      }),
    );
    return;
  }
  await writeApiClientFiles(generated);
  const operations = Object.values(document.paths).reduce(
    (n, item) => n + Object.keys(item).filter((k) => k !== 'parameters').length,
    0,
  );
  console.log(
    `libs/api-client: ${GENERATED_FILES.join(', ')} written (${Object.keys(document.paths).length} paths, ${operations} operations)`,
  );
}

main(process.argv.includes('--print')).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
