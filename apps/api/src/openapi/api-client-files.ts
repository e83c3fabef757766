import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** libs/api-client, from this file's place in the sources (the generator runs from source). */
export const API_CLIENT_DIR = join(__dirname, '..', '..', '..', '..', 'libs', 'api-client');

/** The generated files of libs/api-client, by path inside it. */
export const GENERATED_FILES = ['openapi.json', 'src/schema.d.ts'] as const;
export type GeneratedFile = (typeof GENERATED_FILES)[number];
export type ApiClientFiles = Record<GeneratedFile, string>;

/** The command that regenerates them, for messages. */
export const REGENERATE = 'npm run openapi';

/** The files as committed now. */
export async function committedApiClientFiles(): Promise<ApiClientFiles> {
  const read = (file: GeneratedFile) => readFile(join(API_CLIENT_DIR, file), 'utf8');
  return {
    'openapi.json': await read('openapi.json'),
    'src/schema.d.ts': await read('src/schema.d.ts'),
  };
}

export async function writeApiClientFiles(files: ApiClientFiles): Promise<void> {
  for (const file of GENERATED_FILES) await writeFile(join(API_CLIENT_DIR, file), files[file]);
}
