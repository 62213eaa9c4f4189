import { NatsServer } from '../../tools/harness/nats-server';
import { recordedEvents } from '@haco/event-store';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { verifyStream } from '@haco/ha-core/probe';
import { NO_ANSWER_HEADER } from '@haco/nats';
import { sleep, waitFor } from '../../tools/harness/processes';

jest.setTimeout(90_000);

describe('a real pair of peers over a real nats-server', () => {
  let nats: NatsServer;
  let pair: PeerPair | null = null;

  beforeAll(async () => {
    nats = await NatsServer.start();
  });
  afterEach(async () => {
    await pair?.destroy();
    pair = null;
  });
  afterAll(async () => {
    await nats.destroy();
  });

  it('pauses in waiting (once), holds the partner, and reaches load-balancing after ha-continue', async () => {
    pair = new PeerPair(nats, { pausing: { server1: { waiting: 'once' } } });
    pair.startBoth();
    await pair.waitForState('server1', 'waiting', true);
    await sleep(1_000);
    expect(await pair.status('server2')).toMatchObject({ state: 'waiting' });
    expect(await pair.command('server1', 'ha-continue')).toEqual({
      result: 0,
      text: 'HA state machine continues.',
    });
    expect(await pair.command('server1', 'ha-continue')).toEqual({
      result: 0,
      text: 'HA state machine is not paused.',
    });
    await pair.waitForState('server1', 'load-balancing', false);
    await pair.waitForState('server2', 'load-balancing', false);
    const events = await waitFor('the continue event in JetStream', async () => {
      const stored = await pair!.storedEvents('server1');
      return stored.some((e) => e.type === 'StateMachineContinued') ? stored : undefined;
    });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0].type).toBe('ServiceStarted');
  });

  it('pauses in ready every time (always) until continued', async () => {
    pair = new PeerPair(nats, { pausing: { server1: { ready: 'always' } } });
    pair.startBoth();
    await pair.waitForState('server1', 'ready', true);
    await pair.waitForState('server2', 'ready');
    await pair.command('server1', 'ha-continue');
    await pair.waitForState('server1', 'load-balancing', false);
    await pair.waitForState('server2', 'load-balancing');
    expect(await pair.command('server1', 'ha-reset')).toEqual({ result: 0, text: 'HA state machine reset.' });
    await pair.waitForState('server1', 'ready', true);
  });

  it('goes partner-down (paused once) within the bound after kill -9 of the partner, then recovers', async () => {
    pair = new PeerPair(nats, {
      settings: { 'max-unacked-clients': 0 },
      pausing: { server1: { 'partner-down': 'once' } },
    });
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    await pair.waitForState('server2', 'load-balancing');
    const killedAt = Date.now();
    await pair.processes.get('server2')!.stop('SIGKILL');
    await pair.waitForState('server1', 'partner-down', true);
    const events = await waitFor('the partner-down transition in JetStream', async () => {
      const stored = await pair!.storedEvents('server1');
      return stored.some((e) => e.type === 'StateTransitioned' && e.data['to'] === 'partner-down')
        ? stored
        : undefined;
    });
    const down = events.find((e) => e.type === 'StateTransitioned' && e.data['to'] === 'partner-down')!;
    const { 'heartbeat-delay': heartbeat, 'max-response-delay': maxResponse } = PeerPair.TIMING;
    expect(Date.parse(down.at) - killedAt).toBeLessThanOrEqual(heartbeat + maxResponse + heartbeat);
    expect((await pair.status('server1')).scopes).toEqual(['server1', 'server2']);

    pair.start('server2');
    await pair.waitForState('server2', 'ready');
    expect((await pair.status('server1')).state).toBe('partner-down');
    await pair.command('server1', 'ha-continue');
    await pair.waitForState('server1', 'load-balancing', false);
    await pair.waitForState('server2', 'load-balancing');
  });

  it('runs a hot-standby pair: the primary serves, the standby watches', async () => {
    pair = new PeerPair(nats, { mode: 'hot-standby' });
    pair.startBoth();
    await pair.waitForState('server1', 'hot-standby');
    await pair.waitForState('server2', 'hot-standby');
    expect((await pair.status('server1')).scopes).toEqual(['server1']);
    expect((await pair.status('server2')).scopes).toEqual([]);
  });

  it('syncs leases added while paused in syncing once continued', async () => {
    pair = new PeerPair(nats, { pausing: { server2: { syncing: 'always' } } });
    pair.start('server1');
    await pair.waitForState('server1', 'waiting');
    pair.start('server2');
    await pair.waitForState('server2', 'syncing', true);
    for (const last of [20, 21, 22]) {
      const added = await pair.command('server1', 'lease4-add', {
        'ip-address': `192.0.2.${last}`,
        'hw-address': `08:00:27:00:01:${last}`,
      });
      expect(added).toMatchObject({ result: 0 });
    }
    expect(await pair.command('server2', 'lease4-get-all')).toMatchObject({ result: 3 });
    await pair.command('server2', 'ha-continue');
    await pair.waitForState('server2', 'load-balancing');
    const leases = await pair.command('server2', 'lease4-get-all');
    expect(leases).toMatchObject({ result: 0, text: '3 IPv4 lease(s) found.' });
  });

  it('answers ha-sync naming a server not in the relationship with Kea 2.2.0\u2019s silence, at once', async () => {
    pair = new PeerPair(nats);
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    const nc = await pair.connection();
    const asked = Date.now();
    const reply = await nc.request(
      `haco.${pair.cluster}.server1.cmd`,
      JSON.stringify({ command: 'ha-sync', arguments: { 'server-name': 'server9' } }),
      { timeout: 5_000 },
    );
    // Kea sends no answer (over HTTP it closes the connection): the reply is empty, says so in a header
    // with the reason, and comes at once instead of leaving the caller to its timeout.
    expect(Date.now() - asked).toBeLessThan(1_000);
    expect(reply.data).toHaveLength(0);
    expect(reply.headers?.get(NO_ANSWER_HEADER)).toBe('no configuration specified for server server9');
    // It is recorded, with the reason, and the peer goes on answering.
    const answered = await waitFor('the unanswered command in the log', async () =>
      (await pair!.storedEvents('server1')).find(
        (e) => e.type === 'CommandAnswered' && (e.data as { command?: string }).command === 'ha-sync',
      ),
    );
    expect(answered.data).toMatchObject({
      response: null,
      failure: 'no configuration specified for server server9',
    });
    expect(await pair.status('server1')).toMatchObject({ state: 'load-balancing' });
  });

  it('starts and cancels maintenance', async () => {
    pair = new PeerPair(nats);
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    await pair.waitForState('server2', 'load-balancing');
    expect(await pair.command('server1', 'ha-maintenance-start')).toEqual({
      result: 0,
      text: 'Server is now in the partner-in-maintenance state and its partner is in-maintenance state. The partner can be now safely shut down.',
    });
    expect(await pair.status('server1')).toMatchObject({
      state: 'partner-in-maintenance',
      scopes: ['server1', 'server2'],
    });
    expect(await pair.status('server2')).toMatchObject({ state: 'in-maintenance', scopes: [] });
    expect(await pair.command('server1', 'ha-maintenance-cancel')).toEqual({
      result: 0,
      text: 'Server maintenance successfully canceled.',
    });
    await pair.waitForState('server1', 'load-balancing');
    await pair.waitForState('server2', 'load-balancing');
  });

  it('loses no event when nats-server is killed and restarted mid-run', async () => {
    pair = new PeerPair(nats);
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    await pair.waitForState('server2', 'load-balancing');
    const killedAt = Date.now();
    await nats.kill('SIGKILL');
    // Without NATS the peers cannot reach each other and keep deciding; their events wait in the outbox.
    await sleep(2_500);
    const restartedAt = Date.now();
    await nats.restart();
    await pair.waitForState('server1', 'load-balancing', undefined, 30_000);
    await pair.waitForState('server2', 'load-balancing', undefined, 30_000);
    for (const name of ['server1', 'server2']) {
      const { lastSeq } = await waitFor(`${name}'s outbox drained`, async () => {
        const outbox = pair!.outboxState(name);
        return outbox.publishedSeq === outbox.lastSeq ? outbox : undefined;
      });
      const stored = await pair.storedEvents(name);
      expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
      const decidedDuringOutage = stored.filter((e) => {
        const at = Date.parse(e.at);
        return at > killedAt && at < restartedAt;
      });
      expect(decidedDuringOutage.map((e) => e.type)).toContain('StateTransitioned');
      const replay = verifyStream(recordedEvents(stored));
      expect(replay.divergence).toBeNull();
      expect(replay.transitions).toBeGreaterThan(3);
    }
  });

  it('keeps events decided while NATS was down across a kill -9 of the peer', async () => {
    pair = new PeerPair(nats);
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    await nats.kill('SIGKILL');
    await waitFor('server1 to decide while NATS is down', async () => {
      const { lastSeq, publishedSeq } = pair!.outboxState('server1');
      return lastSeq > publishedSeq ? true : undefined;
    });
    const { lastSeq: decided } = pair.outboxState('server1');
    await pair.processes.get('server1')!.stop('SIGKILL');
    await nats.restart();
    pair.start('server1');
    await pair.waitForState('server1', 'load-balancing', undefined, 30_000);
    const { lastSeq } = await waitFor("server1's outbox drained", async () => {
      const outbox = pair!.outboxState('server1');
      return outbox.publishedSeq === outbox.lastSeq ? outbox : undefined;
    });
    expect(lastSeq).toBeGreaterThan(decided);
    const stored = await pair.storedEvents('server1');
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    expect(stored.filter((e) => e.type === 'ServiceStarted')).toHaveLength(2);
    expect(verifyStream(recordedEvents(stored)).divergence).toBeNull();
  });

  it('switches DHCP back on when dhcp-disable’s max-period runs out', async () => {
    pair = new PeerPair(nats);
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    const query = { 'hw-address': '08:00:27:00:00:02' };
    expect(await pair.command('server1', 'dhcp-disable', { 'max-period': 1 })).toEqual({
      result: 0,
      text: 'DHCPv4 service disabled for 1 seconds',
    });
    expect(await pair.command('server1', 'dhcp4-query', query)).toMatchObject({
      result: 1,
      text: expect.stringContaining('DHCP service is disabled'),
    });
    await waitFor('DHCP back on', async () => {
      const answer = await pair!.command('server1', 'dhcp4-query', query);
      return answer.result === 0 ? answer : undefined;
    });
  });
});
