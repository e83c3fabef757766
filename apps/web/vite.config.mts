import { resolve } from 'node:path';
import react from '@vitejs/plugin-react-swc';
import { defineConfig } from 'vite';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The console's build: `npm run build` writes dist/web (served by the API at `/`); the browser
 * tests build into a folder of their own (REMEDY_WEB_OUT_DIR) so they never race `npm start`.
 * A manifest (.vite/manifest.json) lets scripts/console-size.mjs measure the initial JavaScript.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  resolve: {
    alias: { '@remedy/api-client': resolve(ROOT, 'libs/api-client/src/index.ts') },
  },
  build: {
    outDir: process.env.REMEDY_WEB_OUT_DIR ?? resolve(ROOT, 'dist/web'),
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    // No inline script in index.html (the CSP has no 'unsafe-inline'): Chromium, Firefox and
    // Safari preload modules natively.
    modulePreload: { polyfill: false },
    // Fonts and icons as files, never data: URIs inlined into CSS.
    assetsInlineLimit: 0,
    sourcemap: false,
    // Two pages: the console, and the national report the worker prints as PDF (its own entry, so
    // it adds nothing to the console's initial JavaScript; scripts/console-size.mjs measures index.html).
    rolldownOptions: {
      input: {
        console: resolve(import.meta.dirname, 'index.html'),
        report: resolve(import.meta.dirname, 'report.html'),
      },
    },
    reportCompressedSize: false,
  },
});
