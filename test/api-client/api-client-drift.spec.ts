import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  committedApiClientFiles,
  GENERATED_FILES,
  REGENERATE,
  type ApiClientFiles,
} from '../../apps/api/src/openapi/api-client-files';
import { startRealApi, startRealApiOnTestDatabase } from '../faults/support/real-api';

const ROOT = join(__dirname, '..', '..');

interface Generation {
  readonly generated: ApiClientFiles;
  readonly fromCommittedDocument: string;
}

/** `npm run openapi -- --print` in a process of its own: what the current code generates. */
async function generation(): Promise<Generation> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', './test/support/swc-register.js', 'apps/api/src/openapi/generate.ts', '--print'],
    { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LOG_LEVEL: 'silent' } },
  );
  return JSON.parse(stdout) as Generation;
}

/**
 * libs/api-client is generated (`npm run openapi`): its openapi.json is the API's OpenAPI
 * document, its src/schema.d.ts openapi-typescript's types of that document. These tests fail
 * when either differs from what the current code makes, and say which command to run.
 */
describe('libs/api-client: the committed document and types are what the current code generates', () => {
  let runs: Generation[];
  let committed: ApiClientFiles;

  beforeAll(async () => {
    // Two generations, each in a process of its own (two starts of the API's composition).
    runs = await Promise.all([generation(), generation()]);
    committed = await committedApiClientFiles();
  }, 300_000);

  it.each(GENERATED_FILES)(
    'libs/api-client/%s is what the current code generates, byte for byte',
    (file) => {
      expectSameText(`libs/api-client/${file}`, committed[file], runs[0]!.generated[file]);
    },
  );

  it('src/schema.d.ts is what openapi-typescript makes of the committed openapi.json', () => {
    expectSameText(
      'libs/api-client/src/schema.d.ts',
      committed['src/schema.d.ts'],
      runs[0]!.fromCommittedDocument,
    );
  });

  it('two generations in two processes give the same bytes (no random ordering)', () => {
    expect(runs[1]!.generated).toEqual(runs[0]!.generated);
  });

  it('two starts of the real API serve the same bytes at /docs-json: the committed document', async () => {
    const first = await startRealApiOnTestDatabase('openapi', {});
    try {
      const second = await startRealApi({
        DATABASE_URL: first.db.url,
        REMEDY_DATA_DIR: first.dataDir,
      });
      let served: string[];
      try {
        served = await Promise.all(
          [first.api, second].map(async (api) => {
            const res = await api.request(undefined, { method: 'GET', url: '/docs-json' });
            expect(res.statusCode).toBe(200);
            return res.body;
          }),
        );
      } finally {
        await second.close();
      }
      expect(served[1]).toBe(served[0]);
      // The committed file is the same document, formatted by Prettier: compare it compact.
      const committedCompact = JSON.stringify(JSON.parse(committed['openapi.json']));
      expectSameText('libs/api-client/openapi.json (compact)', committedCompact, served[0]!);
    } finally {
      await first.close();
    }
  });
});

/** Equal texts, or an error naming the file, its first difference and the command to run. */
function expectSameText(file: string, committed: string, current: string): void {
  if (committed === current) return;
  const a = committed.split('\n');
  const b = current.split('\n');
  let line = 0;
  while (line < Math.max(a.length, b.length) && a[line] === b[line]) line += 1;
  let column = 0;
  const [x = '', y = ''] = [a[line], b[line]];
  while (column < Math.max(x.length, y.length) && x[column] === y[column]) column += 1;
  const around = (s: string) => JSON.stringify(s.slice(Math.max(0, column - 40), column + 40));
  throw new Error(
    `${file} differs from what the current code generates (line ${line + 1}, column ${column + 1}: ` +
      `committed ${around(x)}, generated ${around(y)}). Run \`${REGENERATE}\` and commit the result.`,
  );
}
