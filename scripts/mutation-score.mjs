// Runs StrykerJS on the case domain (stryker.conf.json) through its API and prints one line with the
// mutation score (besides Stryker's own clear-text table). Exits non-zero below the `break` threshold.
// StrykerJS is pinned to 9.x, with which the score was measured; 10.x needs Node >= 22, which the project
// now runs on (Node 24), so upgrading it is possible.
import { Stryker } from '@stryker-mutator/core';
import { readFileSync } from 'node:fs';

const config = JSON.parse(readFileSync(new URL('../stryker.conf.json', import.meta.url), 'utf8'));
const dryRunOnly = process.argv.includes('--dry-run');
const results = await new Stryker({
  configFile: 'stryker.conf.json',
  ...(dryRunOnly ? { dryRunOnly: true } : {}),
}).runMutationTest();

const count = (...statuses) => results.filter((r) => statuses.includes(r.status)).length;
const detected = count('Killed', 'Timeout');
const undetected = count('Survived', 'NoCoverage');
const valid = detected + undetected;
const score = valid === 0 ? 0 : (100 * detected) / valid;
console.log(
  `case-domain mutation score: ${score.toFixed(2)} % (${detected} detected of ${valid} valid mutants; ` +
    `killed ${count('Killed')}, timeout ${count('Timeout')}, survived ${count('Survived')}, no coverage ${count('NoCoverage')}, ` +
    `ignored ${count('Ignored')}, errors ${count('CompileError', 'RuntimeError')})`,
);
if (!dryRunOnly && score < config.thresholds.break) {
  console.error(`below the break threshold of ${config.thresholds.break} %`);
  process.exit(1);
}
