import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { PAGES_CSS } from './assets/pages-css';
import { PAGES_JS, SETUP_JS } from './assets/pages-js';

/** Where the login pages' style sheets, scripts and fonts are served. */
export const ASSETS_PATH = '/oidc/assets';

/**
 * The login pages' Content-Security-Policy: nothing inline, nothing from another origin; scripts,
 * styles, fonts and fetches from this origin only; forms post to this origin only.
 */
export const PAGES_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self'; " +
  "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Noto Sans (Latin, Greek, Cyrillic), Noto Sans Arabic and Noto Sans SC from @fontsource, weights
 * 400 and 700, so Arabic and Chinese never fall back to a system without those glyphs. fonts.css
 * is fontsource's own CSS (one @font-face per Unicode range: a browser downloads only the ranges a
 * page uses) with the URLs pointed at this route and the woff fallback dropped.
 */
const FONT_PACKAGES = ['noto-sans', 'noto-sans-arabic', 'noto-sans-sc'] as const;
const FONT_WEIGHTS = ['400', '700'] as const;

interface FontAssets {
  readonly css: string;
  /** File name → absolute path of each woff2 file fonts.css names. */
  readonly files: ReadonlyMap<string, string>;
}

function packageDir(name: string): string | undefined {
  try {
    return dirname(require.resolve(`@fontsource/${name}/package.json`));
  } catch {
    return undefined; // not installed (a production install without the fonts): system fonts
  }
}

let fonts: FontAssets | undefined;
export function fontAssets(): FontAssets {
  if (fonts) return fonts;
  const files = new Map<string, string>();
  const sheets: string[] = [];
  for (const name of FONT_PACKAGES) {
    const dir = packageDir(name);
    if (!dir) continue;
    for (const weight of FONT_WEIGHTS) {
      const cssFile = join(dir, `${weight}.css`);
      if (!existsSync(cssFile)) continue;
      sheets.push(
        readFileSync(cssFile, 'utf8').replace(
          /url\(\.\/files\/([\w.-]+\.woff2)\) format\('woff2'\)(, url\([^)]*\) format\('woff'\))?/g,
          (_match, file: string) => {
            files.set(file, join(dir, 'files', file));
            return `url(${ASSETS_PATH}/fonts/${file}) format('woff2')`;
          },
        ),
      );
    }
  }
  fonts = { css: sheets.join('\n'), files };
  return fonts;
}

/** @simplewebauthn/browser's browser bundle (the package exports no package.json: from its main). */
const webauthnBundle = (): string =>
  join(dirname(require.resolve('@simplewebauthn/browser')), '../dist/bundle/index.umd.min.js');

const TEXT_ASSETS: Readonly<Record<string, { type: string; body: () => string }>> = {
  'pages.css': { type: 'text/css; charset=utf-8', body: () => PAGES_CSS },
  'fonts.css': { type: 'text/css; charset=utf-8', body: () => fontAssets().css },
  'pages.js': { type: 'text/javascript; charset=utf-8', body: () => PAGES_JS },
  'setup.js': { type: 'text/javascript; charset=utf-8', body: () => SETUP_JS },
  'webauthn.js': {
    type: 'text/javascript; charset=utf-8',
    body: () => readFileSync(webauthnBundle(), 'utf8'),
  },
};

const fontCache = new Map<string, Buffer>();

/**
 * GET /oidc/assets/<name> and /oidc/assets/fonts/<file>: a fixed list of names (never a path
 * from the request), 404 for anything else.
 */
export function registerPageAssets(fastify: FastifyInstance): void {
  const bodies = new Map<string, string>();
  fastify.get<{ Params: { name: string } }>(`${ASSETS_PATH}/:name`, async (request, reply) => {
    const asset = Object.hasOwn(TEXT_ASSETS, request.params.name)
      ? TEXT_ASSETS[request.params.name]
      : undefined;
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    let body = bodies.get(request.params.name);
    if (body === undefined) bodies.set(request.params.name, (body = asset.body()));
    return reply.type(asset.type).header('cache-control', 'public, max-age=3600').send(body);
  });
  fastify.get<{ Params: { file: string } }>(
    `${ASSETS_PATH}/fonts/:file`,
    async (request, reply) => {
      const path = fontAssets().files.get(request.params.file);
      if (!path) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
      let body = fontCache.get(path);
      if (!body) fontCache.set(path, (body = await readFile(path)));
      return reply
        .type('font/woff2')
        .header('cache-control', 'public, max-age=604800, immutable')
        .send(body);
    },
  );
}
