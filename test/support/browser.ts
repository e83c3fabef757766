import AxeBuilder from '@axe-core/playwright';
import type { CDPSession, Page } from 'playwright-core';
import { launchChromium } from '@remedy/chromium';
import { settled } from './web-browser';

/** Real Chromium for tests (@remedy/chromium: extracted once per machine, one process at a time). */
export { chromiumExecutable } from '@remedy/chromium';
export const launchBrowser = launchChromium;

/** WCAG 2.0, 2.1 and 2.2, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null | undefined;
  readonly help: string;
  readonly targets: readonly string[];
}

/** axe-core's WCAG 2.2 AA violations on the page once settled (web-browser `settled`; empty: none). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await settled(page);
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
