import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { launchChromium } from '@remedy/chromium';

/** Real Chromium for the console's tests (@remedy/chromium: extracted once per machine). */
export { chromiumExecutable } from '@remedy/chromium';
export const launchBrowser = launchChromium;

/**
 * Waits (up to 5 s) until the page's finite CSS transitions and animations have ended: a dialog's
 * overlay fading in, a pressed button. axe judges colours as drawn, so mid-fade it measures
 * contrast against a half-transparent overlay. Endless animations (a loader) are not waited for.
 */
export async function settled(page: Page): Promise<void> {
  await page
    .waitForFunction(
      () =>
        document
          .getAnimations()
          .every(
            (a) => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity,
          ),
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
}

/** axe-core's WCAG 2.0-2.2 A/AA violations on the page once settled, as readable lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  await settled(page);
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
