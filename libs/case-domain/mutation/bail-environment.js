/**
 * A Node test environment that skips every test after the first failing one in the file. StrykerJS
 * needs only one failing test to count a mutant as killed, and Jest's own `bail` stops between test
 * files, not inside one (all-specs.mutation.ts puts every spec in one file).
 */
const { TestEnvironment } = require('jest-environment-node');

class BailOnFirstFailureEnvironment extends TestEnvironment {
  failed = false;

  async handleTestEvent(event) {
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') this.failed = true;
    if (event.name === 'test_start' && this.failed) event.test.mode = 'skip';
  }
}

module.exports = BailOnFirstFailureEnvironment;
