const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * ESM-only packages (`"type": "module"`) that Jest must compile to CommonJS (STACK-NOTES.md:
 * NestJS 12 and several of its dependencies ship ESM only; Node 20 + Jest cannot load them as is).
 * Found by scanning node_modules once per run, so a new ESM dependency needs no edit here.
 */
function esmPackages() {
  const root = join(__dirname, 'node_modules');
  const names = [];
  const isEsm = (dir) => {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type === 'module';
    } catch {
      return false;
    }
  };
  const scan = (dir, depth) => {
    let entries = [];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    const visit = (path, name) => {
      if (isEsm(path)) names.push(name);
      // A package's own copy of a dependency (e.g. otplib's ESM-only @noble/hashes 2 beside a
      // CommonJS 1.x at the top): one level down.
      if (depth === 0) scan(join(path, 'node_modules'), 1);
    };
    for (const entry of entries) {
      if (entry.startsWith('.')) continue;
      if (entry.startsWith('@')) {
        for (const sub of readdirSync(join(dir, entry)))
          visit(join(dir, entry, sub), `${entry}/${sub}`);
      } else visit(join(dir, entry), entry);
    }
  };
  scan(root, 0);
  return [...new Set(names)].map((n) => n.replace(/[.+]/g, '\\$&'));
}

/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
/** The same for `.tsx` (server-rendered pages: React's automatic JSX runtime). */
const swcTsx = [
  '@swc/jest',
  {
    ...swc[1],
    jsc: {
      ...swc[1].jsc,
      parser: { syntax: 'typescript', tsx: true, decorators: true },
      transform: { ...swc[1].jsc.transform, react: { runtime: 'automatic' } },
    },
  },
];
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'json'],
  testMatch: [
    '<rootDir>/libs/**/*.spec.ts',
    '<rootDir>/apps/**/*.spec.ts',
    '<rootDir>/test/**/*.spec.ts',
  ],
  transform: { '^.+\\.ts$': swc, '^.+\\.tsx$': swcTsx, '^.+\\.m?js$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${['@nestjs', ...esmPackages()].join('|')})/)`],
  moduleNameMapper: { '^@remedy/([^/]+)(.*)$': '<rootDir>/libs/$1/src$2' },
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  setupFilesAfterEnv: ['<rootDir>/test/support/contract-setup.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
};
