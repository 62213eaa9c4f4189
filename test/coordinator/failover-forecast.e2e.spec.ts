import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';

jest.setTimeout(120_000);

interface Forecast {
  takeoverInMs: number | null;
  why: string;
}
interface View {
  peer: string;
  state: string;
  failoverForecast: Forecast | null;
}

/** The failover forecast: made at the kill, it bounds the failover the pair then makes. */
describe('the failover forecast', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-forecast-'));
  let nats: NatsServer;
  let coordinator: CoordinatorProcess;
  let pair: PeerPair | null = null;

  beforeAll(async () => {
    nats = await NatsServer.start();
    coordinator = await CoordinatorProcess.start(nats.url, join(dir, 'events.sqlite'));
  });
  afterEach(async () => {
    await pair?.destroy();
    pair = null;
  });
  afterAll(async () => {
    await coordinator.stop();
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const view = async (cluster: string, name: string) => coordinator.get<View>(`/peers/${cluster}/${name}`);

  it.each([1, 2, 3])(
    'bounds the measured failover, trial %i, and says so in /peers, status and the metrics',
    async () => {
      pair = new PeerPair(nats, {
        settings: { 'heartbeat-delay': 500, 'max-response-delay': 2000, 'max-unacked-clients': 0 },
      });
      pair.startBoth();
      await pair.waitForState('server1', 'load-balancing');
      await pair.waitForState('server2', 'load-balancing');
      // Once the coordinator has server1's heartbeats, its bound is at most max-response-delay plus a heartbeat.
      const before = await waitFor('a forecast from heartbeats', async () => {
        const v = await view(pair!.cluster, 'server1');
        return v.failoverForecast?.takeoverInMs != null && v.failoverForecast.takeoverInMs <= 2500
          ? v
          : undefined;
      });
      expect(before.failoverForecast!.why).toContain('max-response-delay 2000 ms');
      // The forecast made at the kill: a deadline.
      const at = Date.now();
      const forecast = (await view(pair.cluster, 'server1')).failoverForecast!.takeoverInMs!;
      await pair.processes.get('server2')!.stop('SIGKILL');
      const killedAt = Date.now();
      await pair.waitForState('server1', 'partner-down', undefined, 20_000);
      const history = await waitFor('the partner-down transition stored', async () => {
        const page = await coordinator.get<{ transitions: { to: string; at: string }[] }>(
          `/peers/${pair!.cluster}/server1/history?state=partner-down`,
        );
        return page.transitions.find((row) => row.to === 'partner-down');
      });
      const measured = Date.parse(history.at) - killedAt;
      expect(measured).toBeGreaterThan(0);
      expect(Date.parse(history.at)).toBeLessThanOrEqual(at + forecast);
      // In partner-down it serves its partner's scopes already; the metric says the same.
      const after = await waitFor('the forecast in partner-down', async () => {
        const v = await view(pair!.cluster, 'server1');
        return v.state === 'partner-down' ? v : undefined;
      });
      expect(after.failoverForecast).toMatchObject({ takeoverInMs: 0 });
      const status = spawnSync(join(PROJECT_ROOT, 'bin', 'haco'), ['status'], {
        encoding: 'utf8',
        env: { ...process.env, HACO_URL: coordinator.url, HACO_TOKEN: CoordinatorProcess.TOKEN },
      });
      expect(status.stdout.split('\n')[0]).toMatch(/TAKEOVER$/);
      expect(status.stdout).toMatch(new RegExp(`${pair.cluster}/server1 +partner-down .* now\\s*$`, 'm'));
      const metrics = await (await fetch(`${coordinator.url}/metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(`haco_peer_failover_forecast_seconds\\{cluster="${pair.cluster}",peer="server1"\\} 0\\b`),
      );
    },
  );

  it('tells no time where clients decide (max-unacked-clients above 0)', async () => {
    pair = new PeerPair(nats, { settings: { 'max-unacked-clients': 3 } });
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    const v = await waitFor('the view', async () => {
      const got = await view(pair!.cluster, 'server1');
      return got.state === 'load-balancing' ? got : undefined;
    });
    expect(v.failoverForecast).toEqual({
      takeoverInMs: null,
      why: 'after max-response-delay, more than 3 clients unanswered by the partner decide',
    });
  });
});
