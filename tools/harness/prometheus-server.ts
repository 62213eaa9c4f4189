import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort, OwnedProcess, waitFor } from './processes';
import { PROJECT_ROOT } from './project-root';

const PROMETHEUS = process.env.PROMETHEUS_BIN ?? 'prometheus';

/**
 * A real Prometheus server (Debian's) on a free loopback port with its own temp dir, scraping `targets`
 * with the shipped deploy/prometheus configuration and rules, every `intervalSeconds`. Stopped by its pid.
 */
export class PrometheusServer {
  private constructor(
    private readonly process: OwnedProcess,
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(targets: readonly string[], intervalSeconds = 1): Promise<PrometheusServer> {
    const dir = mkdtempSync(join(tmpdir(), 'haco-prometheus-'));
    const shipped = parse(
      readFileSync(join(PROJECT_ROOT, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8'),
    ) as {
      global: Record<string, string>;
      rule_files: string[];
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    shipped.global.scrape_interval = `${intervalSeconds}s`;
    shipped.global.evaluation_interval = `${intervalSeconds}s`;
    shipped.rule_files = shipped.rule_files.map((file) => join(PROJECT_ROOT, 'deploy', 'prometheus', file));
    shipped.scrape_configs[0].static_configs = [{ targets: [...targets] }];
    const config = join(dir, 'prometheus.yml');
    writeFileSync(config, stringify(shipped));
    const port = await freePort();
    const process = OwnedProcess.start(PROMETHEUS, [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    const server = new PrometheusServer(process, port, dir);
    await waitFor(
      'Prometheus to be ready',
      async () => ((await fetch(`${server.url}/-/ready`).catch(() => null))?.ok ? true : undefined),
      30_000,
    );
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** An instant PromQL query: its result vector, or the error Prometheus gave. */
  async query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? response.status}`);
    return body.data?.result ?? [];
  }

  async alerts(): Promise<
    { labels: Record<string, string>; state: string; annotations: Record<string, string> }[]
  > {
    const body = (await (await fetch(`${this.url}/api/v1/alerts`)).json()) as {
      data: {
        alerts: { labels: Record<string, string>; state: string; annotations: Record<string, string> }[];
      };
    };
    return body.data.alerts;
  }

  async destroy(): Promise<void> {
    await this.process.stop('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
