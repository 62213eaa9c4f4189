import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../../tools/harness/chromium';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';
import { PausedCluster } from '../support/paused-cluster';

jest.setTimeout(120_000);

const HACO = join(PROJECT_ROOT, 'bin', 'haco');

/** The incident report: one document from the log, drawn and tabled, that opens with no network. */
describe('haco report', () => {
  let cluster: PausedCluster;
  const start = new Date(Date.now() - 1_000).toISOString();

  beforeAll(async () => {
    cluster = await PausedCluster.start('haco-report-');
  });
  afterAll(async () => cluster?.destroy());

  const haco = (args: string[]) =>
    spawnSync(HACO, args, {
      encoding: 'utf8',
      env: { ...process.env, HACO_URL: cluster.coordinator.url, HACO_TOKEN: CoordinatorProcess.TOKEN },
    });

  it('tells an incident: the pause and who released it, the states, the failures, the commands, replay', async () => {
    const { pair, coordinator } = cluster;
    // The incident: server1 paused in ready is released with a reason, then server2 is killed.
    const released = haco([
      'continue',
      `${pair.cluster}/server1`,
      '--reason',
      'leases checked by hand',
      '--wait',
    ]);
    expect(released.status).toBe(0);
    await pair.waitForState('server1', 'load-balancing');
    await pair.processes.get('server2')!.stop('SIGKILL');
    await waitFor('server1 to fail heartbeats', async () => {
      const view = await coordinator.get<{ lastHeartbeatAt: string; lastHeartbeatSucceededAt: string }>(
        `/peers/${pair.cluster}/server1`,
      );
      return view.lastHeartbeatAt > view.lastHeartbeatSucceededAt ? true : undefined;
    });
    const until = new Date().toISOString();
    const file = join(cluster.dir, 'incident.html');
    const written = haco([
      'report',
      '--cluster',
      pair.cluster,
      '--since',
      start,
      '--until',
      until,
      '--format',
      'html',
      '--out',
      file,
    ]);
    expect(written.stderr).toBe('');
    expect(written.status).toBe(0);

    // Opened from the file in chromium with every request refused: it needs nothing from the network.
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const fetched: string[] = [];
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        fetched.push(url);
        return route.abort();
      });
      await page.goto(pathToFileURL(file).href);
      expect(fetched).toEqual([]);
      expect(await page.locator('h1').textContent()).toBe(`Incident report: ${pair.cluster}`);
      // The picture: a lane per peer, states as spans, the pause shaded, the command marked.
      expect(await page.locator('svg.timeline text.lane').allTextContents()).toEqual(['server1', 'server2']);
      expect(await page.locator('svg.timeline rect.span[data-state="ready"]').count()).toBeGreaterThan(0);
      expect(
        await page.locator('svg.timeline rect.span[data-state="load-balancing"]').count(),
      ).toBeGreaterThan(0);
      expect(await page.locator('svg.timeline rect.pause').count()).toBe(1);
      expect(await page.locator('svg.timeline path.command title').first().textContent()).toContain(
        'ha-continue by admin: leases checked by hand',
      );
      const server1 = page.locator('section.peer[data-peer="server1"]');
      expect(await server1.locator('table.transitions').textContent()).toContain('load-balancing');
      const pause = (await server1.locator('table.pauses tbody tr').allTextContents()).join('\n');
      expect(pause).toContain('once in ready');
      expect(pause).toContain('admin');
      expect(pause).toContain('leases checked by hand');
      expect(await server1.locator('table.time-in-state').textContent()).toContain('ready');
      expect(await server1.locator('.heartbeat-failures').textContent()).toMatch(/Heartbeat failures: [1-9]/);
      expect(await server1.locator('.replay').textContent()).toMatch(/^Replay: verified \(\d+ events\)$/);
      expect(await page.locator('section.commands table').textContent()).toContain('ha-continue');
    } finally {
      await browser.close();
    }

    // The same as JSON and as Markdown.
    const json = JSON.parse(
      haco(['report', '--cluster', pair.cluster, '--since', start, '--until', until, '--format', 'json'])
        .stdout,
    ) as {
      peers: {
        peer: string;
        pauses: { heldMs: number; releasedBy: string; why: string }[];
        timeInState: Record<string, number>;
      }[];
    };
    const one = json.peers.find((p) => p.peer === 'server1')!;
    expect(one.pauses).toEqual([
      expect.objectContaining({ releasedBy: 'admin', why: 'leases checked by hand' }),
    ]);
    expect(one.pauses[0].heldMs).toBeGreaterThan(0);
    const total = Object.values(one.timeInState).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(Date.parse(until) - Date.parse(start));
    const markdown = haco(['report', '--cluster', pair.cluster, '--since', start, '--until', until]).stdout;
    expect(markdown).toMatch(/^# Incident report: /);
    expect(markdown).toContain('![timeline](data:image/svg+xml;base64,');
    expect(markdown).toContain('| once in ready |');
    // A window that does not read is refused with its field, and an unknown cluster is a 404.
    expect(haco(['report', '--cluster', pair.cluster, '--since', 'yesterday']).status).toBe(2);
    const unknown = haco(['report', '--cluster', 'nowhere', '--since', start]);
    expect(unknown.stderr).toContain('report refused (404): no peers of cluster nowhere');
    expect(readFileSync(file, 'utf8')).not.toMatch(/<script|(src|href)="https?:/);
  });
});
