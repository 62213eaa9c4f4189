import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../../tools/harness/chromium';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import type { PeerPair } from '../../tools/harness/peer-cluster';
import { waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';
import { PausedCluster } from '../support/paused-cluster';

jest.setTimeout(180_000);

/**
 * Screenshots go to .tmp (the clone stays as it was); HACO_SCREENSHOTS_DIR=docs/screenshots refreshes the
 * README's pictures.
 */
const SCREENSHOTS = process.env.HACO_SCREENSHOTS_DIR ?? join(PROJECT_ROOT, '.tmp', 'screenshots');

describe('the operator console in a real browser', () => {
  let cluster: PausedCluster;
  let pair: PeerPair;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const build = spawnSync('npm', ['run', '--silent', 'build:console'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    expect(build.status).toBe(0);
    expect(existsSync(CHROMIUM)).toBe(true);
    mkdirSync(SCREENSHOTS, { recursive: true });
    cluster = await PausedCluster.start('haco-console-');
    pair = cluster.pair;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      // A refused call is an answer the page shows, not a fault of the page.
      if (message.type() === 'error' && !/status of 40[13]/.test(message.text()))
        problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await cluster?.destroy();
  });

  it('shows the fleet with server1 paused in ready', async () => {
    await page.goto(`${cluster.coordinator.url}/ui/`);
    const server1 = page.locator(`[data-peer="${pair.cluster}/server1"]`);
    await server1.locator('.badge.paused').waitFor();
    expect(await server1.locator('.badge.paused').textContent()).toMatch(/PAUSED in ready · once/);
    expect(await server1.locator('.state').textContent()).toBe('ready');
    // Kea's pausing holds the partner too: server2 says whose pause it waits on.
    const server2 = page.locator(`[data-peer="${pair.cluster}/server2"]`);
    await server2.locator('.badge.waits', { hasText: 'WAITS on server1 (paused in ready)' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'fleet.png'), fullPage: true });
  });

  it('shows a peer\u2019s timeline and history, and refuses a continue without the token', async () => {
    await page.locator(`[data-peer="${pair.cluster}/server1"]`).click();
    await page.locator('.timeline canvas').first().waitFor();
    expect(await page.locator('.timeline .uplot').count()).toBe(2);
    await page.locator('.history tbody tr').first().waitFor();
    expect(await page.locator('.history').textContent()).toContain('paused:once');
    expect(await page.locator('.history').textContent()).toContain('rule:heartbeat-complete');
    // The review of its pauses with its partner's, as `haco config check` gives it for both files.
    const review = page.locator('.review');
    await review.locator('.finding[data-code="PAUSE-HOLDS-PARTNER"]').waitFor();
    expect(await review.locator('h3').textContent()).toBe('configuration review (with server2)');
    expect(await review.locator('.finding[data-code="PAUSE-HOLDS-PARTNER"]').textContent()).toContain(
      'paused (once) in ready: server2 waits for this server and is held too',
    );
    expect(await review.locator('.finding[data-code="STATE-MACHINE-DIFFERS"]').count()).toBe(1);
    const api = await cluster.coordinator.get<{ findings: { code: string }[] }>(
      `/peers/${pair.cluster}/server1/review?failoverTarget=100`,
    );
    expect(api.findings.map((f) => f.code)).toContain('FAILOVER-SLOWER-THAN-TARGET');
    const bad = await cluster.coordinator.text(`/peers/${pair.cluster}/server1/review?failoverTarget=soon`);
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('failoverTarget');
    await page.screenshot({ path: join(SCREENSHOTS, 'timeline.png'), fullPage: true });
    // The peer's page has its own URL: a reload stays on it, with its configured partner's lane below.
    expect(new URL(page.url()).hash).toBe(`#/peers/${pair.cluster}/server1`);
    await page.reload();
    await page.locator('.timeline canvas').first().waitFor();
    expect(await page.locator('.timeline').textContent()).toContain(`${pair.cluster}/server2`);
    page.once('dialog', (dialog) => void dialog.accept('checked the leases'));
    await page.locator('button.continue').click();
    await page.locator('.answer', { hasText: 'refused (401)' }).waitFor();
    expect((await pair.status('server1')).paused).toBe(true);
  });

  it('continues with the token, and the pause goes away live', async () => {
    await page.locator('.token input').fill(CoordinatorProcess.TOKEN);
    await page.locator('.token input').press('Enter');
    await page.locator('.token input').blur();
    // The dialog that asks why shows the release's preview first (a dry run: nothing sent or recorded).
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept('checked the leases');
    });
    await page.locator('button.continue').click();
    await waitFor('the dialog', async () => (asked !== '' ? true : undefined));
    expect(asked).toContain('If released now: server1 ready → load-balancing');
    expect(asked).toMatch(/Why release .*\/server1, paused in ready\?$/);
    const server1 = page.locator(`[data-peer="${pair.cluster}/server1"]`);
    await server1.waitFor();
    await server1.locator('.badge.paused').waitFor({ state: 'detached', timeout: 30_000 });
    await server1.locator('.state', { hasText: 'load-balancing' }).waitFor({ timeout: 30_000 });
    // The command, with who, why and how it ended, on the peer's page.
    await server1.click();
    await page.locator('.commands tbody tr', { hasText: 'ha-continue' }).first().waitFor();
    const rows = await page.locator('.commands tbody tr').allTextContents();
    expect(rows.some((row) => row.includes('refused'))).toBe(false);
    expect(rows.some((row) => /ha-continueadminchecked the leasescompleted/.test(row))).toBe(true);
    expect(problems).toEqual([]);
  });

  it('opens the cluster’s incident report of the last hour in a tab of its own', async () => {
    await page.locator('button.back').click();
    const [report] = await Promise.all([
      page.waitForEvent('popup'),
      page.locator(`[data-cluster="${pair.cluster}"] button.report`).click(),
    ]);
    await report.locator('h1').waitFor();
    expect(await report.locator('h1').textContent()).toBe(`Incident report: ${pair.cluster}`);
    expect(await report.locator('section.peer[data-peer="server1"] table.pauses').textContent()).toContain(
      'checked the leases',
    );
    await report.close();
  });
});
