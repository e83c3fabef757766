/**
 * Jest for the pure case domain only: the repo's transform, without the global setup and the
 * contract check of HTTP answers (no database, no app is started). Used by `npx jest -c libs/case-domain/jest.config.js` and by StrykerJS (stryker.conf.json).
 */
const base = require('../../jest.config.js');

const {
  globalSetup: _setup,
  globalTeardown: _teardown,
  setupFilesAfterEnv: _contractCheck,
  ...rest
} = base;

module.exports = {
  ...rest,
  rootDir: '../..',
  roots: ['<rootDir>/libs/case-domain'],
  testMatch: ['<rootDir>/libs/case-domain/src/**/*.spec.ts'],
  maxWorkers: 1,
  testSequencer: '<rootDir>/libs/case-domain/jest.sequencer.js',
};
