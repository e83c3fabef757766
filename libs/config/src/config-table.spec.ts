import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configTable, OTHER_SETTINGS, readmeWithConfigTable } from './config-table';
import { repoRoot } from './repo-root';
import { SETTING_KEYS } from './settings';

describe('the README configuration table', () => {
  it('has a row for every setting, validated or not', () => {
    const table = configTable();
    for (const key of [...SETTING_KEYS, ...Object.keys(OTHER_SETTINGS)])
      expect(table).toContain(`| \`${key}\` |`);
  });

  it('is the one in README.md (run `npm run docs:config` after changing a setting)', () => {
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
    expect(readmeWithConfigTable(readme)).toBe(readme);
  });

  it('refuses a README without the markers', () => {
    expect(() => readmeWithConfigTable('# no table here')).toThrow(/CONFIG-TABLE/);
  });
});
