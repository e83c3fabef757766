import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser, type Page } from 'playwright-core';

/**
 * Real Chromium for the console's tests (helper PAGES writes test/support/browser.ts with the same
 * launch and axe helpers; the lead merges the two: the lock and marker paths are the same, so the
 * two guard one extraction). @sparticuz/chromium extracts its binary to /tmp/chromium, checking
 * only whether the file exists: two Jest workers extracting at once could start a half-written
 * binary. One extraction at a time (mkdir is atomic), then a marker once the binary answers.
 */
const EXECUTABLE = join(tmpdir(), 'chromium');
const READY = join(tmpdir(), 'chromium.remedy-ready');
const LOCK = join(tmpdir(), 'chromium.remedy-lock');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function answers(executable: string): boolean {
  try {
    return /Chromium/.test(execFileSync(executable, ['--version'], { timeout: 30_000 }).toString());
  } catch {
    return false;
  }
}

async function withExtractionLock<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 300_000)
          rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline)
        throw new Error('timed out waiting for a Chromium extraction', { cause: error });
      await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

let executable: Promise<string> | undefined;

export function chromiumExecutable(): Promise<string> {
  executable ??= (async () => {
    if (existsSync(READY) && existsSync(EXECUTABLE)) return EXECUTABLE;
    return withExtractionLock(async () => {
      if (existsSync(READY) && existsSync(EXECUTABLE)) return EXECUTABLE;
      if (existsSync(EXECUTABLE) && !answers(EXECUTABLE)) rmSync(EXECUTABLE, { force: true });
      const path = await chromium.executablePath();
      if (!answers(path)) throw new Error(`Chromium at ${path} does not start`);
      writeFileSync(READY, `${path}\n`);
      return path;
    });
  })();
  return executable;
}

/** Flags that would make the browser unlike a person's (the CSP and same-origin are under test). */
const DROPPED_FLAGS = new Set([
  '--single-process',
  '--disable-web-security',
  '--allow-running-insecure-content',
  "--headless='shell'",
]);

export async function launchBrowser(): Promise<Browser> {
  return playwright.launch({
    executablePath: await chromiumExecutable(),
    headless: true,
    args: chromium.args.filter((flag) => !DROPPED_FLAGS.has(flag)),
  });
}

/** axe-core's WCAG 2.0-2.2 A/AA violations on the page as it is now, as readable lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return results.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`,
  );
}

/**
 * The fonts Chromium used to draw the text of the first element matching `selector` (the DevTools
 * protocol's CSS.getPlatformFontsForNode): family names, and whether each is a web font (one the
 * page loaded, here the bundled @fontsource files) rather than a font of the machine.
 */
export async function renderedFonts(
  page: Page,
  selector: string,
): Promise<{ familyName: string; isCustomFont: boolean; glyphCount: number }[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts;
  } finally {
    await cdp.detach();
  }
}

/**
 * Records Content-Security-Policy violations of every page of the context (the console must cause
 * none: no inline script or style, nothing from another origin).
 */
export function watchCspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.push(message.text());
  });
  return seen;
}
