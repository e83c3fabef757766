/**
 * Jest for the pure person-matching lib only: the repo's transform, without the global setup (no
 * database is needed). `npx jest -c libs/person-matching/jest.config.js`.
 */
const base = require('../../jest.config.js');

const { globalSetup: _setup, globalTeardown: _teardown, ...rest } = base;

module.exports = {
  ...rest,
  rootDir: '../..',
  roots: ['<rootDir>/libs/person-matching'],
  testMatch: ['<rootDir>/libs/person-matching/src/**/*.spec.ts'],
  maxWorkers: 1,
};
