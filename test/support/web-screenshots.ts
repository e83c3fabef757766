import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** Where the browser tests write screenshots of the console's main screens (README links it). */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'reports', 'screenshots');

/** A full-page screenshot `reports/screenshots/<name>.png` (test data only: no real person). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
