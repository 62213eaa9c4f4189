import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import type { PairOptions } from '../../tools/harness/peer-cluster';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';

jest.setTimeout(120_000);

interface Preview {
  transitions: { server: string; from: string; to: string }[];
  servers: { server: string; state: string; scopes: string[]; dhcpEnabled: boolean; paused: boolean }[];
  stopsAt: { server: string; state: string } | null;
  pausesAhead: { server: string; state: string; pause: string }[];
}

interface Scenario {
  readonly name: string;
  readonly options: PairOptions;
  readonly pausedIn: string;
  /** Whether the release moves server1 on (where it does not, the preview says so too). */
  readonly moves: boolean;
  /** What brings server1 to its pause once the pair runs (nothing: it pauses on its way up). */
  readonly setup?: (pair: PeerPair) => Promise<void>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'waiting once',
    options: { pausing: { server1: { waiting: 'once' } } },
    pausedIn: 'waiting',
    moves: true,
  },
  {
    name: 'ready always',
    options: { pausing: { server1: { ready: 'always' } } },
    pausedIn: 'ready',
    moves: true,
  },
  {
    name: 'syncing paused',
    options: { pausing: { server1: { syncing: 'once' } } },
    pausedIn: 'syncing',
    moves: true,
  },
  {
    name: 'partner-down once',
    options: { pausing: { server1: { 'partner-down': 'once' } }, settings: { 'max-unacked-clients': 0 } },
    pausedIn: 'partner-down',
    moves: false,
    setup: async (pair) => {
      await pair.waitForState('server1', 'load-balancing');
      await pair.processes.get('server2')!.stop('SIGKILL');
    },
  },
  {
    name: 'maintenance',
    options: { pausing: { server1: { 'partner-in-maintenance': 'once' } } },
    pausedIn: 'partner-in-maintenance',
    moves: false,
    setup: async (pair) => {
      await pair.waitForState('server1', 'load-balancing');
      await pair.waitForState('server2', 'load-balancing');
      expect((await pair.command('server1', 'ha-maintenance-start')).result).toBe(0);
    },
  },
];

/** Dry-run continue: the preview of a release is what the real pair then does after the real release. */
describe('ha-continue with dryRun', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-dry-run-'));
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

  /** Each server's transitions recorded at or after `since`, as from→to, in order. */
  async function recorded(cluster: string, since: string): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const server of ['server1', 'server2']) {
      const page = await coordinator.get<{ transitions: { from: string; to: string }[] }>(
        `/peers/${cluster}/${server}/history?since=${since}&limit=1000`,
      );
      out[server] = page.transitions.filter((t) => t.from !== t.to).map((t) => `${t.from}->${t.to}`);
    }
    return out;
  }

  it.each(SCENARIOS)('previews what the pair does: $name', async ({ options, pausedIn, moves, setup }) => {
    pair = new PeerPair(nats, options);
    pair.startBoth();
    await setup?.(pair);
    await pair.waitForState('server1', pausedIn, true, 30_000);
    const path = `/peers/${pair.cluster}/server1/commands`;
    await waitFor('the coordinator to see the pause', async () => {
      const view = await coordinator.get<{ paused: boolean; state: string }>(
        `/peers/${pair!.cluster}/server1`,
      );
      return view.paused && view.state === pausedIn ? true : undefined;
    });
    // Let the partner settle where the pause holds it before the preview is taken.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const dry = await coordinator.post<{ result: number; text: string; arguments: Preview }>(path, {
      command: 'ha-continue',
      dryRun: true,
    });
    expect(dry.status).toBe(201);
    expect(dry.body.text).toBe('dry run: nothing was sent or recorded');
    const preview = dry.body.arguments;
    // The same from the CLI, as a table.
    const cli = spawnSync(
      join(PROJECT_ROOT, 'bin', 'haco'),
      ['continue', `${pair.cluster}/server1`, '--dry-run'],
      {
        encoding: 'utf8',
        env: { ...process.env, HACO_URL: coordinator.url, HACO_TOKEN: CoordinatorProcess.TOKEN },
      },
    );
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain(
      `If ${pair.cluster}/server1 were released now (dry run: nothing was sent or recorded):`,
    );
    for (const t of preview.transitions)
      expect(cli.stdout).toMatch(new RegExp(`${t.server} +${t.from} +${t.to}`));
    // Kept on record only when asked: who asked, why, and what the preview said.
    const kept = await coordinator.post<{ result: number }>(path, {
      command: 'ha-continue',
      dryRun: true,
      record: true,
      why: 'before the release',
    });
    expect(kept.body.result).toBe(0);
    const previews = await (
      await fetch(`${coordinator.url}/streams/_coordinator/previews/export`, {
        headers: { authorization: `Bearer ${CoordinatorProcess.TOKEN}` },
      })
    ).text();
    const mine = previews
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            type: string;
            data: { cluster: string; who: string; why: string; preview: Preview };
          },
      )
      .filter((e) => e.data.cluster === pair!.cluster);
    expect(mine).toEqual([
      expect.objectContaining({
        type: 'ContinuePreviewed',
        data: expect.objectContaining({
          who: 'admin',
          why: 'before the release',
          preview: expect.objectContaining({ transitions: preview.transitions }),
        }),
      }),
    ]);
    // Nothing was sent: the peer is still paused, and no command was recorded.
    expect((await pair.status('server1')).paused).toBe(true);
    const commands = await coordinator.get<{ total: number }>(`/commands?peer=${pair.cluster}/server1`);
    expect(commands.total).toBe(0);

    const since = new Date().toISOString();
    const real = await coordinator.post<{ result: number }>(path, {
      command: 'ha-continue',
      why: 'dry run test',
    });
    expect(real.body.result).toBe(0);
    // The pair settles: nothing moves for three seconds.
    let last = '';
    const settled = await waitFor(
      'the pair to settle',
      async () => {
        const now = JSON.stringify(await recorded(pair!.cluster, since));
        const stable = now === last;
        last = now;
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        return stable && JSON.stringify(await recorded(pair!.cluster, since)) === now ? now : undefined;
      },
      60_000,
    );
    const previewed: Record<string, string[]> = { server1: [], server2: [] };
    for (const t of preview.transitions) previewed[t.server].push(`${t.from}->${t.to}`);
    expect(previewed).toEqual(JSON.parse(settled));
    expect(previewed.server1.length > 0).toBe(moves);
    // Where the preview says each server ends is where it is.
    for (const server of preview.servers) {
      if (server.server === 'server2' && !pair.processes.get('server2')!.running) continue;
      expect(await pair.status(server.server)).toMatchObject({ state: server.state, scopes: server.scopes });
    }
  });

  it('refuses a dry run of anything but ha-continue, and of a peer that is not paused', async () => {
    pair = new PeerPair(nats);
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    const path = `/peers/${pair.cluster}/server1/commands`;
    const other = await coordinator.post<{ text: string }>(path, { command: 'ha-reset', dryRun: true });
    expect(other.status).toBe(400);
    expect(other.body.text).toBe("'dryRun' is for ha-continue only");
    await waitFor('the view', async () =>
      (await coordinator.get<{ state: string }>(`/peers/${pair!.cluster}/server1`)).state === 'load-balancing'
        ? true
        : undefined,
    );
    const running = await coordinator.post<{ result: number; text: string }>(path, {
      command: 'ha-continue',
      dryRun: true,
    });
    expect(running.body).toEqual({
      result: 1,
      text: `${pair.cluster}/server1 is not paused: there is nothing to release`,
    });
  });
});
