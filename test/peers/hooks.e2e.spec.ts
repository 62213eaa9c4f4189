import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import type { StoredEnvelope } from '../../tools/harness/peer-cluster';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';

jest.setTimeout(90_000);

const RECORD = join(PROJECT_ROOT, 'examples', 'hooks', 'record-event.sh');
const HANG = join(__dirname, 'fixtures', 'hang.sh');

interface HookRun {
  hook: string;
  trigger: string;
  state: string;
  onSeq: number;
  attempt: number;
  outcome: string;
  status: number | null;
  durationMs: number;
  output: string;
}

const runsOf = (events: readonly StoredEnvelope[], hook: string): HookRun[] =>
  events
    .filter((e) => e.type === 'HookCompleted' && e.data.hook === hook)
    .map((e) => e.data as unknown as HookRun);

/** A peer's stream as the coordinator stored it (its JSON-lines export). */
async function exported(coordinator: CoordinatorProcess, cluster: string, peer: string) {
  const response = await fetch(`${coordinator.url}/streams/${cluster}/${peer}/export`, {
    headers: { authorization: `Bearer ${CoordinatorProcess.TOKEN}` },
  });
  if (!response.ok) return [];
  const text = await response.text();
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as StoredEnvelope);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Callbacks: a peer's hooks run on its HA events, each run recorded in its log and shown in history. */
describe('hooks on a real pair', () => {
  let nats: NatsServer;
  let pair: PeerPair | null = null;
  let coordinator: CoordinatorProcess | null = null;
  const dir = mkdtempSync(join(tmpdir(), 'haco-hooks-'));

  beforeAll(async () => {
    nats = await NatsServer.start();
  });
  afterEach(async () => {
    await coordinator?.stop('SIGKILL');
    coordinator = null;
    await pair?.destroy();
    pair = null;
  });
  afterAll(async () => {
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the hooks in order on every transition of a failover, each recorded and shown in history', async () => {
    const received = join(dir, 'failover.jsonl');
    coordinator = await CoordinatorProcess.start(nats.url, join(dir, 'failover.sqlite'));
    pair = new PeerPair(nats, {
      // Failure detection by heartbeats alone: no DHCP clients are needed to find server2 gone.
      settings: { 'max-unacked-clients': 0 },
      extra: {
        server1: {
          hooks: {
            list: [
              {
                name: 'record',
                on: ['state-entered', 'dhcp-enabled', 'dhcp-disabled', 'scopes-changed'],
                run: [RECORD, received],
                'timeout-ms': 5_000,
              },
            ],
          },
        },
      },
    });
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    await pair.waitForState('server2', 'load-balancing');
    await pair.processes.get('server2')!.stop('SIGKILL');
    await pair.waitForState('server1', 'partner-down');

    // Partner-down's entry, then the change of served scopes it makes: the last runs the failover calls for.
    const events = await waitFor('the hook runs on partner-down to be recorded', async () => {
      const all = await exported(coordinator!, pair!.cluster, 'server1');
      const onPartnerDown = runsOf(all, 'record').filter((run) => run.state === 'partner-down');
      return ['state-entered', 'scopes-changed'].every((trigger) =>
        onPartnerDown.some((run) => run.trigger === trigger),
      )
        ? all
        : undefined;
    });
    // Every state the peer entered, in order, and each one's hook run, in the same order.
    const entered = events.filter((e) => e.type === 'StateEntered');
    const states = entered.map((e) => e.data.state);
    expect(states).toContain('load-balancing');
    expect(states[states.length - 1]).toBe('partner-down');
    const runs = runsOf(events, 'record');
    const onEntries = runs.filter((run) => run.trigger === 'state-entered');
    expect(onEntries.map((run) => run.state)).toEqual(states);
    expect(onEntries.map((run) => run.onSeq)).toEqual(entered.map((e) => e.seq));
    expect(runs.every((run) => run.outcome === 'ok' && run.status === 0 && run.attempt === 1)).toBe(true);
    // The hook got each event, in the order of the events, as the JSON it wrote down.
    const lines = readFileSync(received, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.trigger, line.state, line.onSeq])).toEqual(
      runs.map((run) => [run.trigger, run.state, run.onSeq]),
    );
    const partnerDown = lines.find(
      (line) => line.state === 'partner-down' && line.trigger === 'state-entered',
    );
    expect(partnerDown).toMatchObject({
      hook: 'record',
      server: 'server1',
      cluster: pair.cluster,
      previousState: states[states.length - 2],
      scopes: ['server1', 'server2'],
      dhcpEnabled: true,
    });
    // Serving both scopes in partner-down is a change of the served scopes, told to the hook after the entry.
    const lastTwo = lines.slice(-2).map((line) => line.trigger);
    expect(lastTwo).toEqual(['state-entered', 'scopes-changed']);

    // The coordinator's history shows each run beside the transitions, in the state it ran in.
    const history = await waitFor('the runs in the history', async () => {
      const page = await coordinator!.get<{ transitions: { to: string; cause: string }[] }>(
        `/peers/${pair!.cluster}/server1/history?limit=1000`,
      );
      const rows = page.transitions;
      return rows.some((row) => row.cause === 'hook:record:ok' && row.to === 'partner-down')
        ? rows
        : undefined;
    });
    expect(history.filter((row) => row.cause === 'hook:record:ok')).toHaveLength(runs.length);
  });

  it('kills a hook that hangs at its timeout, with its children, while the machine goes on; a full queue drops', async () => {
    const pidFile = join(dir, 'hang.pid');
    pair = new PeerPair(nats, {
      extra: {
        server1: {
          hooks: {
            'queue-limit': 1,
            list: [{ name: 'hang', on: ['state-entered'], run: [HANG, pidFile], 'timeout-ms': 4_000 }],
          },
        },
      },
    });
    pair.startBoth();
    // The machine does not wait for the hanging hook: the pair reaches load-balancing meanwhile.
    await pair.waitForState('server1', 'load-balancing', undefined, 15_000);
    const events = await waitFor('a timed-out run to be recorded', async () => {
      const all = await pair!.storedEvents('server1');
      return runsOf(all, 'hang').some((run) => run.outcome === 'timed-out') ? all : undefined;
    });
    const runs = runsOf(events, 'hang');
    const timedOut = runs.find((run) => run.outcome === 'timed-out')!;
    expect(timedOut.status).toBeNull();
    expect(timedOut.durationMs).toBeGreaterThanOrEqual(4_000);
    expect(timedOut.durationMs).toBeLessThan(8_000);
    expect(timedOut.output).toContain('hanging with child');
    // The child it started was killed with it (its whole process group).
    const child = Number(readFileSync(pidFile, 'utf8'));
    await waitFor('the hook’s child to be gone', async () => (alive(child) ? undefined : true));
    // Entries that came while one run hung and one waited found the queue full: recorded, never run.
    expect(runs.some((run) => run.outcome === 'dropped' && run.durationMs === 0)).toBe(true);
    // The first run (on the entry to waiting) still hung, 4 s long, when the machine moved on through
    // syncing and ready to load-balancing: that transition is recorded before the run's end.
    const toLoadBalancing = events.find(
      (e) => e.type === 'StateTransitioned' && e.data.to === 'load-balancing',
    )!;
    const firstTimeout = events.find((e) => e.type === 'HookCompleted' && e.data.outcome === 'timed-out')!;
    expect(firstTimeout.data.onSeq as number).toBeLessThan(toLoadBalancing.seq);
    expect(toLoadBalancing.seq).toBeLessThan(firstTimeout.seq);
  });
});
