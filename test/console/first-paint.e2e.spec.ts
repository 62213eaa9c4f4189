import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { fillStore } from '../../tools/harness/filled-store';
import { NatsServer } from '../../tools/harness/nats-server';
import { PROJECT_ROOT } from '../../tools/harness/project-root';
import { launchChromium } from '../../tools/harness/chromium';
import { consoleFirstPaintMs } from '../../tools/harness/console-paint';

jest.setTimeout(420_000);

/**
 * The console on a log of 1,000,000 events: its first picture comes from /peers and it follows the live
 * stream from the head, so a page load does not replay the log. First paint (the fleet's cards shown) in
 * chromium within 2 s.
 */
describe('the console over a large log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-console-big-'));
  let nats: NatsServer;
  let coordinator: CoordinatorProcess;
  let browser: Browser;

  beforeAll(async () => {
    expect(spawnSync('npm', ['run', '--silent', 'build:console'], { cwd: PROJECT_ROOT }).status).toBe(0);
    await fillStore(join(dir, 'events.sqlite'), 1_000_000);
    nats = await NatsServer.start();
    coordinator = await CoordinatorProcess.start(nats.url, join(dir, 'events.sqlite'));
    // A running coordinator has folded its log: the first /peers does that here, before the measure.
    await coordinator.get('/peers', null);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await coordinator?.stop();
    await nats?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('paints the fleet within 2 s, and the live stream it opened starts at the head', async () => {
    const page = await browser.newPage();
    const live: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/events/live')) live.push(request.url());
    });
    await page.goto(`${coordinator.url}/ui/`);
    await page.locator('[data-peer="big/server1"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('.peer').count()).toBe(10);
    // No position asked: the coordinator starts it at the head, not at the first of 1,000,000 events.
    expect(live.length).toBeGreaterThan(0);
    expect(live.every((url) => !/after=/.test(url))).toBe(true);
    await page.close();
    // First paint in a fresh browser, on the page's own clock from its navigation's start.
    expect(await consoleFirstPaintMs(coordinator.url, '[data-peer="big/server1"]')).toBeLessThan(2_000);
  });
});
