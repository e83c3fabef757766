/**
 * Every spec of the case domain in one Jest test file, for StrykerJS only (jest.mutation.config.js).
 *
 * Jest runs each test file in a fresh module registry, so a mutant that 22 spec files cover paid 22
 * times for loading the domain (most of a run's time here). Loaded from one file, the domain is
 * loaded once per mutant; the test names are the same, so Stryker's per-test coverage still picks
 * the tests that cover each mutant. Quick given/when/then specs come first and the fast-check
 * properties last, and the environment skips the remaining tests after the first failure (a mutant
 * is killed by one failing test).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const SLOW =
  /(rule-1-unconditional-assistance|rule-7-personal-data|rule-8-gender-and-diversity)\.spec\.ts$/;

const specs = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? specs(join(dir, e.name))
      : e.name.endsWith('.spec.ts')
        ? [join(dir, e.name)]
        : [],
  );

const all = specs(join(__dirname, '..', 'src')).sort(
  (a, b) => Number(SLOW.test(a)) - Number(SLOW.test(b)) || a.localeCompare(b),
);
// eslint-disable-next-line @typescript-eslint/no-require-imports -- Jest loads each spec (and registers its tests) here
for (const file of all) require(file);
