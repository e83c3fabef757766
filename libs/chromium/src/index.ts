import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser } from 'playwright-core';

/**
 * Headless Chromium with only npm packages: @sparticuz/chromium ships a brotli-packed Chromium in
 * its npm package and extracts it to `<tmp>/chromium`; playwright-core drives it. Used by the
 * worker (the national report as PDF) and by the browser tests.
 *
 * The extraction is shared by every process on the machine, and the package only checks whether
 * `<tmp>/chromium` exists, so two processes extracting at once could start a half-written binary.
 * One extraction at a time: a lock directory (mkdir is atomic), and a marker written once the
 * binary has answered `--version`.
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
  })().catch((error: unknown) => {
    executable = undefined; // a later call tries again
    throw error;
  });
  return executable;
}

/**
 * @sparticuz/chromium's flags, less those that would make the browser unlike a person's:
 * `--single-process` (crashes with several pages or contexts), `--disable-web-security` and
 * `--allow-running-insecure-content` (the same-origin policy and CSP stay on), and its own
 * headless flag (playwright sets one).
 */
const DROPPED_FLAGS = new Set([
  '--single-process',
  '--disable-web-security',
  '--allow-running-insecure-content',
  "--headless='shell'",
]);

/** Launches headless Chromium (close it when done). */
export async function launchChromium(): Promise<Browser> {
  return playwright.launch({
    executablePath: await chromiumExecutable(),
    headless: true,
    args: chromium.args.filter((flag) => !DROPPED_FLAGS.has(flag)),
  });
}
