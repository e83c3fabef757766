import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-root';
import { SETTINGS } from './settings';

/**
 * Settings read outside the validated table (by the library that needs them), documented with it.
 * The key files they replace are generated under REMEDY_DATA_DIR when they are unset.
 */
export const OTHER_SETTINGS: Readonly<Record<string, string>> = {
  REMEDY_MASTER_KEY:
    'Master key ring wrapping the per-case data keys: a base64 256-bit key, or `1:<base64>,2:<base64>` (the highest version is current). Unset: generated into `<REMEDY_DATA_DIR>/keys/` at first start. Secret.',
  REMEDY_BLIND_INDEX_KEY:
    'Key of the blind index (find a person), separate from the master key. Unset: generated into `<REMEDY_DATA_DIR>/keys/`. Secret.',
  HOST: 'Address the API listens on. Default 0.0.0.0.',
};

const START = '<!-- CONFIG-TABLE -->';
const END = '<!-- /CONFIG-TABLE -->';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The README's configuration table, made from the settings' own documentation. */
export function configTable(): string {
  const rows = [
    ...Object.entries(SETTINGS).map(
      ([key, spec]) => `| \`${key}\` | ${cell(spec.describe)} | ${cell(spec.doc)} |`,
    ),
    ...Object.entries(OTHER_SETTINGS).map(([key, doc]) => `| \`${key}\` | | ${cell(doc)} |`),
  ];
  return ['| setting | value | what it does |', '|---|---|---|', ...rows].join('\n');
}

/** README.md's text with the table between its markers replaced by {@link configTable}. */
export function readmeWithConfigTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${START} ... ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${configTable()}\n${readme.slice(end)}`;
}

/** `npm run docs:config`: rewrites the table in README.md. */
export function writeReadmeConfigTable(path = join(repoRoot(), 'README.md')): void {
  writeFileSync(path, readmeWithConfigTable(readFileSync(path, 'utf8')));
}
