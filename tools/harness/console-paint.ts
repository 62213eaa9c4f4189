import { launchChromium } from './chromium';

/**
 * How long the console takes from its navigation's start until `selector` is in the page (the fleet's
 * first card), on the page's own clock, in a fresh headless chromium. The console must be built.
 */
export async function consoleFirstPaintMs(coordinatorUrl: string, selector: string): Promise<number> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${coordinatorUrl}/ui/`);
    // A string: the page's code, typed for the browser, not for Node.
    return (await page.evaluate(`new Promise((resolve) => {
      const seen = () => document.querySelector(${JSON.stringify(selector)}) !== null;
      if (seen()) return resolve(performance.now());
      new MutationObserver((changes, observer) => {
        if (!seen()) return;
        observer.disconnect();
        resolve(performance.now());
      }).observe(document.body, { childList: true, subtree: true });
    })`)) as number;
  } finally {
    await browser.close();
  }
}
