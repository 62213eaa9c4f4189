import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { waitFor } from '../../tools/harness/processes';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(120_000);

interface View {
  peer: string;
  state: string;
  status: string;
  statusSince: string | null;
  restart: string | null;
}

/**
 * What an operator sees of a peer that died or stopped must be true: the coordinator's views, metrics and
 * fleet health say so (beside the last state the peer reported), and its stream records starts and stops.
 */
describe('a dead peer does not look alive', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-fleet-'));
  let nats: NatsServer;
  let coordinator: CoordinatorProcess;
  let pair: PeerPair;
  const view = async (name: string) =>
    (await coordinator.get<{ peers: View[] }>('/peers')).peers.find((p) => p.peer === name)!;

  beforeAll(async () => {
    nats = await NatsServer.start();
    coordinator = await CoordinatorProcess.start(nats.url, join(dir, 'events.sqlite'), {
      HACO_SSE_KEEPALIVE_MS: '300',
    });
    pair = new PeerPair(nats);
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    await pair.waitForState('server2', 'load-balancing');
    await waitFor('the coordinator to see both up in load-balancing', async () => {
      const [one, two] = [await view('server1'), await view('server2')];
      const ready = (v: View | undefined) => v?.status === 'up' && v.state === 'load-balancing';
      return ready(one) && ready(two) ? true : undefined;
    });
  });
  afterAll(async () => {
    await pair.destroy();
    await coordinator.stop();
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a peer killed with -9 as unreachable, with since when, in /peers, /metrics and /health/fleet', async () => {
    await pair.processes.get('server2')!.stop('SIGKILL');
    const dead = await waitFor(
      'server2 to be seen unreachable',
      async () => {
        const v = await view('server2');
        return v.status === 'unreachable' ? v : undefined;
      },
      // max-response-delay is 1 s in the pair's timing.
      10_000,
    );
    expect(dead.statusSince).not.toBeNull();
    // Beside its last reported state, which the log cannot know to be stale.
    expect(dead.state).toBe('load-balancing');
    expect((await view('server1')).status).toBe('up');
    const { body } = await coordinator.text('/metrics');
    expect(body).toContain(`haco_peer_up{cluster="${pair.cluster}",peer="server2"} 0`);
    expect(body).toContain(`haco_peer_up{cluster="${pair.cluster}",peer="server1"} 1`);
    expect(await coordinator.get('/health/fleet')).toMatchObject({
      status: 'degraded',
      unreachable: [{ cluster: pair.cluster, peer: 'server2', since: dead.statusSince }],
    });
    // Readiness is about the coordinator itself.
    expect((await coordinator.text('/health/ready')).status).toBe(200);
  });

  it('records a restart after the crash as such, and a clean stop as stopped', async () => {
    pair.start('server2');
    const back = await waitFor('server2 up again', async () => {
      const v = await view('server2');
      return v.status === 'up' && v.restart !== null ? v : undefined;
    });
    expect(back.restart).toBe('after-crash');
    await pair.processes.get('server2')!.stop('SIGTERM');
    const stopped = await waitFor('server2 seen stopped', async () => {
      const v = await view('server2');
      return v.status === 'stopped' ? v : undefined;
    });
    expect(stopped.statusSince).not.toBeNull();
    const exported = await (await fetch(`${coordinator.url}/streams/${pair.cluster}/server2/export`)).text();
    const events = exported
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> });
    expect(events[events.length - 1]).toMatchObject({ type: 'ServiceStopped', data: { reason: 'SIGTERM' } });
    pair.start('server2');
    const again = await waitFor('server2 up after its clean stop', async () => {
      const v = await view('server2');
      return v.status === 'up' && v.restart === 'after-clean-stop' ? v : undefined;
    });
    expect(again.restart).toBe('after-clean-stop');
    expect(await coordinator.get('/health/fleet')).toMatchObject({
      status: 'ok',
      unreachable: [],
      stopped: [],
    });
  });

  it('keeps a quiet live stream open with SSE comment lines', async () => {
    const controller = new AbortController();
    const response = await fetch(`${coordinator.url}/events/live?stream=${pair.cluster}/nobody`, {
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let text = '';
    const started = Date.now();
    while (!text.includes(': keep-alive\n\n') && Date.now() - started < 5_000) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toContain(': keep-alive\n\n');
    expect(text).not.toContain('data:');
  });
});
