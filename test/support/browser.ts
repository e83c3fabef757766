import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser, type CDPSession, type Page } from 'playwright-core';

/**
 * Real Chromium for tests, with only Node: @sparticuz/chromium ships a brotli-packed Chromium in
 * its npm package and extracts it to /tmp/chromium; playwright-core drives it.
 *
 * The extraction is shared by every Jest worker (and every test run) on the machine, and the
 * package only checks whether /tmp/chromium exists, so two workers extracting at once could start
 * a half-written binary. One extraction at a time: a lock directory (mkdir is atomic), and a
 * marker written once the binary has answered `--version`.
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
        // A lock left by a killed process (an extraction takes seconds, not minutes).
        if (Date.now() - statSync(LOCK).mtimeMs > 300_000)
          rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline)
        throw new Error('timed out waiting for another Chromium extraction', { cause: error });
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

/** The path of the extracted Chromium, extracting it once per machine. */
export function chromiumExecutable(): Promise<string> {
  executable ??= (async () => {
    if (existsSync(READY) && existsSync(EXECUTABLE)) return EXECUTABLE;
    return withExtractionLock(async () => {
      if (existsSync(READY) && existsSync(EXECUTABLE)) return EXECUTABLE;
      // A binary without the marker may be half written by a run that died: check it.
      if (existsSync(EXECUTABLE) && !answers(EXECUTABLE)) rmSync(EXECUTABLE, { force: true });
      const path = await chromium.executablePath();
      if (!answers(path)) throw new Error(`Chromium at ${path} does not start`);
      writeFileSync(READY, `${path}\n`);
      return path;
    });
  })();
  return executable;
}

/**
 * @sparticuz/chromium's flags, less those that would make the test browser unlike a person's:
 * `--single-process` (crashes with several pages), `--disable-web-security` and
 * `--allow-running-insecure-content` (the same-origin policy and CSP are under test), and its own
 * headless flag (playwright sets one).
 */
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

/** WCAG 2.0, 2.1 and 2.2, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null | undefined;
  readonly help: string;
  readonly targets: readonly string[];
}

/** axe-core's WCAG 2.2 AA violations on the page as it is now (empty: none). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}

export interface VirtualAuthenticator {
  readonly cdp: CDPSession;
  readonly authenticatorId: string;
  /** The credentials (passkeys) the authenticator holds. */
  credentials(): Promise<{ credentialId: string; isResidentCredential: boolean; rpId?: string }[]>;
  remove(): Promise<void>;
}

/**
 * A virtual platform authenticator (Chromium's DevTools protocol, WebAuthn domain) for the page's
 * browser context: CTAP2, internal transport (a platform passkey), resident keys, user
 * verification that always succeeds, presence simulated (no prompt).
 */
export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    cdp,
    authenticatorId,
    credentials: async () =>
      (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
    remove: async () => {
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
      await cdp.detach();
    },
  };
}

/**
 * The fonts Chromium actually used to draw the text of the first element matching `selector`
 * (DevTools protocol, CSS.getPlatformFontsForNode): web fonts show as `isCustomFont`.
 */
export async function fontsUsedFor(
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
