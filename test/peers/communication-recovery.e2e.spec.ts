import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { waitFor } from '../../tools/harness/processes';

jest.setTimeout(60_000);

/** Kea's sendUpdatesCommunicationRecovery: a partner that hung and came back gets what it missed. */
describe('communication-recovery with a real pair', () => {
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

  it('sends the lease backlog kept in communication-recovery once the partner is back, then load-balancing', async () => {
    pair = new PeerPair(nats, { settings: { 'delayed-updates-limit': 100 } });
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    await pair.waitForState('server2', 'load-balancing');
    // status-get's remote.last-scopes are the scopes the partner last reported, kept while it is gone.
    const lastScopes = async () => {
      const status = await pair!.command('server1', 'status-get');
      const ha = (
        status.arguments?.['high-availability'] as { 'ha-servers': { remote: Record<string, unknown> } }[]
      )[0];
      return ha['ha-servers'].remote['last-scopes'];
    };
    await waitFor('server2 reporting its scope', async () =>
      JSON.stringify(await lastScopes()) === '["server2"]' ? true : undefined,
    );
    const hung = pair.processes.get('server2')!.child.pid!;
    const allocated: string[] = [];
    process.kill(hung, 'SIGSTOP');
    try {
      await pair.waitForState('server1', 'communication-recovery');
      // Clients of server1's own scope are served, and their lease updates wait in the backlog.
      for (let i = 0; i < 16 && allocated.length < 3; i += 1) {
        const hw = `08:00:27:00:10:${i.toString(16).padStart(2, '0')}`;
        const served = await pair.command('server1', 'dhcp4-query', { 'hw-address': hw });
        if (served.result === 0) allocated.push(String(served.arguments?.['ip-address']));
      }
      expect(allocated.length).toBeGreaterThan(0);
      expect(await pair.status('server1')).toMatchObject({ state: 'communication-recovery' });
      expect(await lastScopes()).toEqual(['server2']);
    } finally {
      process.kill(hung, 'SIGCONT');
    }
    await pair.waitForState('server1', 'load-balancing');
    const events = await pair.storedEvents('server1');
    expect(
      events.some(
        (e) =>
          e.type === 'PartnerCallRequested' &&
          (e.data as { call: { kind: string } }).call.kind === 'send-lease-backlog',
      ),
    ).toBe(true);
    expect(
      events.find(
        (e) =>
          e.type === 'StateTransitioned' && (e.data as { from: string }).from === 'communication-recovery',
      )?.data,
    ).toMatchObject({ to: 'load-balancing', cause: { kind: 'rule', rule: 'lease-backlog-sent' } });
    const onPartner = JSON.stringify(await pair.command('server2', 'lease4-get-all'));
    for (const address of allocated) expect(onPartner).toContain(address);
  });
});
