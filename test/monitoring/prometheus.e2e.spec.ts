import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrometheusServer } from '../../tools/harness/prometheus-server';
import { waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';
import { PausedCluster } from '../support/paused-cluster';

jest.setTimeout(180_000);

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

/**
 * The shipped monitoring on a real Prometheus (Debian's) scraping a real cluster with deploy/prometheus's
 * configuration and rules: PromQL shows both peers' states, a kill -9 of a peer fires the unreachable
 * alert within its `for` plus a scrape, and every expression of the Grafana dashboard returns a series.
 */
describe('deploy/: Prometheus rules and the Grafana dashboard against a running cluster', () => {
  let cluster: PausedCluster;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    cluster = await PausedCluster.start('haco-prometheus-');
    prometheus = await PrometheusServer.start([new URL(cluster.coordinator.url).host]);
  });
  afterAll(async () => {
    await prometheus?.destroy();
    await cluster?.destroy();
  });

  it('shows both peers\u2019 states through PromQL', async () => {
    const states = await waitFor(
      'both peers in Prometheus',
      async () => {
        const result = await prometheus.query(`haco:peer_state:max{cluster="${cluster.pair.cluster}"} == 1`);
        return result.length === 2 ? result : undefined;
      },
      30_000,
    );
    expect(states.map((s) => s.metric['peer']).sort()).toEqual(['server1', 'server2']);
    expect(states.find((s) => s.metric['peer'] === 'server1')?.metric['state']).toBe('ready');
  });

  it('evaluates every expression of the dashboard to a series', async () => {
    const dashboard = JSON.parse(
      readFileSync(join(PROJECT_ROOT, 'deploy', 'grafana', 'haco.json'), 'utf8'),
    ) as Dashboard;
    const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    // Labelled counters have series once counted: a command (recorded, refused by the peer) and a refusal.
    const path = `/peers/${cluster.pair.cluster}/server1/commands`;
    expect(
      (await cluster.coordinator.post(path, { command: 'ha-maintenance-cancel', why: 'dashboard' })).status,
    ).toBe(201);
    expect(
      (await cluster.coordinator.post(path, { command: 'ha-maintenance-cancel' }, { token: 'wrong' })).status,
    ).toBe(401);
    // Counters need two scrapes for a rate, and a rate window's worth of them for increase().
    for (const expr of exprs) {
      const result = await waitFor(
        `a series for ${expr}`,
        async () => {
          const series = await prometheus.query(expr);
          return series.length > 0 ? series : undefined;
        },
        30_000,
      );
      expect([expr, result.length > 0]).toEqual([expr, true]);
    }
  });

  it('fires HacoPeerUnreachable within its for (30 s) plus a scrape after a kill -9 of a peer', async () => {
    await cluster.pair.processes.get('server2')!.stop('SIGKILL');
    const killedAt = Date.now();
    const firing = await waitFor(
      'the unreachable alert firing',
      async () => {
        const alerts = await prometheus.alerts();
        return alerts.find(
          (a) =>
            a.labels['alertname'] === 'HacoPeerUnreachable' &&
            a.labels['peer'] === 'server2' &&
            a.state === 'firing',
        );
      },
      60_000,
    );
    // Seen unreachable after its max-response-delay (1 s here), then 30 s pending, within a scrape or two.
    expect(Date.now() - killedAt).toBeLessThan(30_000 + 10_000);
    expect(firing.labels).toMatchObject({ cluster: cluster.pair.cluster, severity: 'critical' });
  });
});
