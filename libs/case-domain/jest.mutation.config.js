/**
 * Jest for StrykerJS (stryker.conf.json): every case-domain spec through one test file
 * (mutation/all-specs.mutation.ts) in an environment that stops a run at its first failing test.
 * `npx jest -c libs/case-domain/jest.mutation.config.js` runs the same tests as jest.config.js.
 */
const domain = require('./jest.config.js');

module.exports = {
  ...domain,
  roots: ['<rootDir>/libs/case-domain'],
  testMatch: ['<rootDir>/libs/case-domain/mutation/all-specs.mutation.ts'],
  // An absolute path: StrykerJS resolves the environment itself, without Jest's <rootDir>.
  testEnvironment: require.resolve('./mutation/bail-environment.js'),
  testSequencer: undefined,
};
