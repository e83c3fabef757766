#!/usr/bin/env node
// The console's initial JavaScript, gzipped: the entry chunk of index.html and every chunk it
// imports statically (what the browser must fetch before the first screen; lazy chunks,
// catalogues and fonts come later). Fails above the budget (issue 16: 250 KB on a poor
// connection). Also writes `<file>.gz` beside each text asset, served by the API to browsers that
// accept gzip (@fastify/static `preCompressed`).
//
// Usage: node scripts/console-size.mjs [dist/web]
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 250 * 1024;
const dir = resolve(process.argv[2] ?? 'dist/web');
const manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8'));
const gzipped = (file) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;

// The console's entry (index.html); the report page (report.html) is a second entry, printed by
// the worker, never loaded by the console.
const entry = manifest['index.html'];
if (!entry?.isEntry) throw new Error(`${dir}: no index.html entry chunk in the manifest`);
const initial = new Set();
const initialCss = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const file of chunk.css ?? []) initialCss.add(file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
visit('index.html');

let total = 0;
for (const file of initial) total += gzipped(file);
const css = [...initialCss].reduce((sum, file) => sum + gzipped(file), 0);

// Pre-compressed copies of the text assets (hashed names: written once per build).
for (const name of readdirSync(join(dir, 'assets'))) {
  if (!/\.(js|css|json|svg)$/.test(name)) continue;
  const path = join(dir, 'assets', name);
  writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
}
writeFileSync(join(dir, 'index.html.gz'), gzipSync(readFileSync(join(dir, 'index.html'))));

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(
  `console: initial JavaScript ${kb(total)} gzipped (${initial.size} chunk${initial.size === 1 ? '' : 's'}: ${[...initial].join(', ')}); ` +
    `budget ${kb(BUDGET_BYTES)}; initial CSS ${kb(css)} gzipped`,
);
writeFileSync(
  join(dir, '.vite', 'size.json'),
  JSON.stringify(
    { initialJsGzipBytes: total, initialCssGzipBytes: css, chunks: [...initial] },
    null,
    2,
  ),
);
if (total > BUDGET_BYTES) {
  console.error(
    `console: the initial JavaScript exceeds the budget by ${kb(total - BUDGET_BYTES)}`,
  );
  process.exit(1);
}
