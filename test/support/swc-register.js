// Lets `node --require ./test/support/swc-register.js some-script.ts` run the project's TypeScript
// in a child process (crash tests), with the same swc settings as Jest: `.ts` files are
// compiled to CommonJS on load and `@remedy/<lib>` resolves to `libs/<lib>/src`.
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const alias = /^@remedy\/([^/]+)(.*)$/;

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const m = alias.exec(request);
  return resolveFilename.call(
    this,
    m ? path.join(root, 'libs', m[1], 'src' + m[2]) : request,
    ...rest,
  );
};

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

require.extensions['.ts'] = function compileTs(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};

// Server-rendered pages (libs/identity/src/pages): TSX with React's automatic runtime.
const tsxOptions = {
  ...options,
  jsc: {
    ...options.jsc,
    parser: { syntax: 'typescript', tsx: true, decorators: true },
    transform: { ...options.jsc.transform, react: { runtime: 'automatic' } },
  },
};
require.extensions['.tsx'] = function compileTsx(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...tsxOptions, filename });
  module._compile(code, filename);
};
