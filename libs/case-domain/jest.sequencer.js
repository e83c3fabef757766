/**
 * Runs the quick given/when/then specs first and the fast-check property specs last. Jest's default
 * runs the slowest files first; under StrykerJS (which bails on the first failing file) that would make
 * every mutant pay for the properties before a quick spec kills it.
 */
const Sequencer = require('@jest/test-sequencer').default;

const SLOW =
  /(rule-1-unconditional-assistance|rule-7-personal-data|rule-8-gender-and-diversity)\.spec\.ts$/;

class QuickFirstSequencer extends Sequencer {
  sort(tests) {
    const weight = (test) => (SLOW.test(test.path) ? 1 : 0);
    return [...tests].sort((a, b) => weight(a) - weight(b) || a.path.localeCompare(b.path));
  }
}

module.exports = QuickFirstSequencer;
