/**
 * Jest for the pure disclosure-control lib only: the repo's transform, without the global setup (no
 * database is needed). `npx jest -c libs/disclosure-control/jest.config.js`.
 */
const base = require('../../jest.config.js');

const { globalSetup: _setup, globalTeardown: _teardown, ...rest } = base;

module.exports = {
  ...rest,
  rootDir: '../..',
  roots: ['<rootDir>/libs/disclosure-control'],
  testMatch: ['<rootDir>/libs/disclosure-control/src/**/*.spec.ts'],
  maxWorkers: 1,
};
