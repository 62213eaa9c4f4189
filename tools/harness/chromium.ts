import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

/** Debian's chromium, driven by playwright-core (no browser download); .ci/run installs it when missing. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless chromium as the tests run it: no sandbox (root), and none of its calls to the outside. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
