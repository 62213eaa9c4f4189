import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../../tools/harness/chromium';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';

jest.setTimeout(120_000);

interface SplitBrain {
  cluster: string;
  peers: string[];
  scopes: string[];
  since: string;
  until?: string | null;
  durationMs?: number | null;
}

/**
 * nats-server with one user per process. `cut`: each peer is denied its partner's subject, so that the
 * path between the peers is gone while both still reach the coordinator (their events and presence flow).
 */
function natsConfig(cut: boolean) {
  return (port: number, storeDir: string) => {
    const deny = (partner: string) => (cut ? `, deny: ["haco.*.${partner}.partner"]` : '');
    return `port: ${port}
jetstream { store_dir: "${storeDir}" }
authorization {
  users = [
    { user: server1, password: s1-secret, permissions: { publish: { allow: [">"]${deny('server2')} } } }
    { user: server2, password: s2-secret, permissions: { publish: { allow: [">"]${deny('server1')} } } }
    { user: coordinator, password: c-secret }
    { user: test, password: t-secret }
  ]
}
# The test's own client (PeerPair's commands, JetStream reads) connects without credentials, as this user.
no_auth_user: test
`;
  };
}

/** The split-brain watch: both servers serving the same scopes while both are alive to the coordinator. */
describe('split-brain watch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-split-brain-'));
  let nats: NatsServer;
  let coordinator: CoordinatorProcess;
  let pair: PeerPair;

  beforeAll(async () => {
    nats = await NatsServer.start(natsConfig(false));
    coordinator = await CoordinatorProcess.start(nats.url, join(dir, 'events.sqlite'), {
      HACO_NATS_USER: 'coordinator',
      HACO_NATS_PASS: 'c-secret',
    });
    const creds = (name: string, pass: string) => ({ nats: { servers: [nats.url], user: name, pass } });
    pair = new PeerPair(nats, {
      settings: { 'max-unacked-clients': 0 },
      extra: { server1: creds('server1', 's1-secret'), server2: creds('server2', 's2-secret') },
    });
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    await pair.waitForState('server2', 'load-balancing');
  });
  afterAll(async () => {
    await pair?.destroy();
    await coordinator?.stop();
    await nats?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const fleet = () => coordinator.get<{ status: string; splitBrains: SplitBrain[] }>('/health/fleet');

  it('raises a split brain within a heartbeat of both going partner-down, and clears it when the path returns', async () => {
    expect((await fleet()).splitBrains).toEqual([]);
    // Cut the path between the peers: nats-server reloads its permissions on SIGHUP.
    writeFileSync(join(nats.storeDir, 'nats.conf'), natsConfig(true)(nats.port, nats.storeDir));
    process.kill(nats.pid, 'SIGHUP');
    // As Kea would: neither hears its partner, and each takes over the other's scope.
    await pair.waitForState('server1', 'partner-down', undefined, 20_000);
    await pair.waitForState('server2', 'partner-down', undefined, 20_000);
    const bothDown = Date.now();
    const raised = await waitFor(
      'the split brain in /health/fleet',
      async () => {
        const f = await fleet();
        return f.splitBrains.length > 0 ? f : undefined;
      },
      5_000,
    );
    expect(Date.now() - bothDown).toBeLessThan(1_500);
    // Recorded within one heartbeat (heartbeat-delay 300 ms) of the second peer's entry to partner-down.
    const first = await waitFor('the split brain recorded', async () => {
      const exported = await fetch(`${coordinator.url}/streams/_coordinator/split-brain/export`, {
        headers: { authorization: `Bearer ${CoordinatorProcess.TOKEN}` },
      });
      if (!exported.ok) return undefined;
      return (await exported.text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; at: string; data: SplitBrain })[0];
    });
    expect(first.type).toBe('SplitBrainRaised');
    const lag = Date.parse(first.at) - Date.parse(first.data.since);
    expect(lag).toBeLessThanOrEqual(300);
    expect(raised.status).toBe('degraded');
    expect(raised.splitBrains).toEqual([
      {
        cluster: pair.cluster,
        peers: ['server1', 'server2'],
        scopes: ['server1', 'server2'],
        since: expect.any(String),
      },
    ]);
    // The metric, both cards in the console's data, and bin/haco status say it too.
    const metrics = await (await fetch(`${coordinator.url}/metrics`)).text();
    for (const peer of ['server1', 'server2'])
      expect(metrics).toContain(`haco_peer_split_brain{cluster="${pair.cluster}",peer="${peer}"} 1`);
    const peers = await coordinator.get<{
      peers: { peer: string; splitBrain: { partner: string } | null }[];
    }>('/peers');
    expect(
      peers.peers.filter((p) => p.splitBrain !== null).map((p) => [p.peer, p.splitBrain?.partner]),
    ).toEqual([
      ['server1', 'server2'],
      ['server2', 'server1'],
    ]);
    // Both cards in the console, in a real browser.
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${coordinator.url}/ui/`);
      for (const [peer, partner] of [
        ['server1', 'server2'],
        ['server2', 'server1'],
      ]) {
        const badge = page.locator(`[data-peer="${pair.cluster}/${peer}"] .badge.split-brain`);
        await badge.waitFor({ timeout: 15_000 });
        expect(await badge.textContent()).toBe(`SPLIT BRAIN · server1,server2 also served by ${partner}`);
      }
    } finally {
      await browser.close();
    }
    const status = spawnSync(join(PROJECT_ROOT, 'bin', 'haco'), ['status'], {
      encoding: 'utf8',
      env: { ...process.env, HACO_URL: coordinator.url, HACO_TOKEN: CoordinatorProcess.TOKEN },
    });
    expect(status.stdout).toContain('partner-down (SPLIT BRAIN: server1,server2 also served by server2)');

    // The path returns: the servers hear each other again, the overlap ends, and the record says how long.
    writeFileSync(join(nats.storeDir, 'nats.conf'), natsConfig(false)(nats.port, nats.storeDir));
    process.kill(nats.pid, 'SIGHUP');
    const cleared = await waitFor(
      'the split brain cleared and recorded',
      async () => {
        const history = await coordinator.get<{ current: SplitBrain[]; recorded: SplitBrain[] }>(
          '/split-brains',
        );
        return history.current.length === 0 && history.recorded.some((r) => r.until !== null)
          ? history
          : undefined;
      },
      30_000,
    );
    const [record] = cleared.recorded;
    // Raised at the first overlap: one in partner-down while the other still load-balanced, or both down.
    expect(record).toMatchObject({ cluster: pair.cluster, peers: ['server1', 'server2'] });
    expect(record.scopes.length).toBeGreaterThan(0);
    expect(record.scopes.every((scope) => ['server1', 'server2'].includes(scope))).toBe(true);
    expect(record.durationMs).toBe(Date.parse(record.until!) - Date.parse(record.since));
    expect(record.durationMs).toBeGreaterThan(0);
    expect((await fleet()).splitBrains).toEqual([]);
    const after = await (await fetch(`${coordinator.url}/metrics`)).text();
    expect(after).toContain(`haco_peer_split_brain{cluster="${pair.cluster}",peer="server1"} 0`);
  });
});
